# An empty COM_QUERY (no SQL), under -vv: fuzz_mysql found the core copying its empty body to a
# NULL buffer (undefined); shown as QUERY with an empty target.
port 3306
flags -vv
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x01\x00\x00\x00\x03
< \x18\x00\x00\x01\xff)\x04#42000Query was empty
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] cli pid=100 client     mysql  QUERY → ERR 1065 (42000) Query was empty (0.11ms)
  > COM_QUERY
  < ERR 1065 (42000) Query was empty

[10:00:00.000] srv pid=200 server     mysql  QUERY → ERR 1065 (42000) Query was empty (0.09ms)
  > COM_QUERY
  < ERR 1065 (42000) Query was empty

-- sockets: 2, 2 mysql
