# -v: the requests' and answers' start lines (command, SQL, OK's counters and status, ERR).
port 3306
flags -v
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x09\x00\x00\x00\x03SELECT 1
< \x01\x00\x00\x01\x01\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x011\x011\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x02\x00\x00\x04\x011\x05\x00\x00\x05\xfe\x00\x00\x02\x00
> )\x00\x00\x00\x03UPDATE users SET name = 'x' WHERE id = 1
< /\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00Rows matched: 1  Changed: 1  Warnings: 0
> \x13\x00\x00\x00\x03SELECT * FROM nope
< (\x00\x00\x01\xffz\x04#42S02Table 'shop.nope' doesn't exist
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] cli pid=100 client     mysql  SELECT 1 → 1 row (0.11ms)
  > COM_QUERY SELECT 1
  < result set: rows=1 columns=1 warnings=0 status=0x0002

[10:00:00.000] srv pid=200 server     mysql  SELECT 1 → 1 row (0.09ms)
  > COM_QUERY SELECT 1
  < result set: rows=1 columns=1 warnings=0 status=0x0002

[10:00:00.000] cli pid=100 client     mysql  UPDATE users SET name = 'x' WHERE id = 1 → OK, 1 row affected (0.11ms)
  > COM_QUERY UPDATE users SET name = 'x' WHERE id = 1
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002 info=Rows matched: 1  Changed: 1  Warnings: 0

[10:00:00.000] srv pid=200 server     mysql  UPDATE users SET name = 'x' WHERE id = 1 → OK, 1 row affected (0.09ms)
  > COM_QUERY UPDATE users SET name = 'x' WHERE id = 1
  < OK affected_rows=1 insert_id=0 warnings=0 status=0x0002 info=Rows matched: 1  Changed: 1  Warnings: 0

[10:00:00.000] cli pid=100 client     mysql  SELECT * FROM nope → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.11ms)
  > COM_QUERY SELECT * FROM nope
  < ERR 1146 (42S02) Table 'shop.nope' doesn't exist

[10:00:00.000] srv pid=200 server     mysql  SELECT * FROM nope → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.09ms)
  > COM_QUERY SELECT * FROM nope
  < ERR 1146 (42S02) Table 'shop.nope' doesn't exist

-- sockets: 2, 2 mysql
