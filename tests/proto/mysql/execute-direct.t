# MariaDB's pipelined PREPARE + EXECUTE with statement id -1 (the last prepared statement), in one
# write, then a CLOSE: the EXECUTE shows the PREPARE's SQL at once and its parameters once the
# PREPARE is answered (their count comes from it); both answers in one write.
port 3306
flags -v
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x01\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> $\x00\x00\x00\x16SELECT name FROM users WHERE id = ?\x12\x00\x00\x00\x17\xff\xff\xff\xff\x00\x01\x00\x00\x00\x00\x01\x03\x00*\x00\x00\x00
< \x0c\x00\x00\x01\x00\x03\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00$\x00\x00\x03\x03def\x04shop\x01t\x01t\x04name\x04name\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x01\x00\x00\x01\x01$\x00\x00\x02\x03def\x04shop\x01t\x01t\x04name\x04name\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x06\x00\x00\x03\x00\x00\x03ada\x07\x00\x00\x04\xfe\x00\x00\x02\x00\x00\x00
> \x05\x00\x00\x00\x19\x03\x00\x00\x00
> \x01\x00\x00\x00\x0e
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
  > HandshakeResponse user=app db=shop (auth plugin mysql_native_password)
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002 server=5.5.5-10.11.6-MariaDB conn_id=7

[10:00:00.000] cli pid=100 client     mysql  STMT_PREPARE SELECT name FROM users WHERE id = ? → stmt 3 (1 param, 1 column) (0.11ms)
  > COM_STMT_PREPARE stmt 3 SELECT name FROM users WHERE id = ?
  < prepared: stmt=3 params=1 columns=1 warnings=0

[10:00:00.000] cli pid=100 client     mysql  SELECT name FROM users WHERE id = ? → 1 row (0.11ms)
  > COM_STMT_EXECUTE stmt -1 SELECT name FROM users WHERE id = ? params [42]
  < result set: rows=1 columns=1 warnings=0 status=0x0002

[10:00:00.000] srv pid=200 server     mysql  STMT_PREPARE SELECT name FROM users WHERE id = ? → stmt 3 (1 param, 1 column) (0.09ms)
  > COM_STMT_PREPARE stmt 3 SELECT name FROM users WHERE id = ?
  < prepared: stmt=3 params=1 columns=1 warnings=0

[10:00:00.000] srv pid=200 server     mysql  SELECT name FROM users WHERE id = ? → 1 row (0.09ms)
  > COM_STMT_EXECUTE stmt -1 SELECT name FROM users WHERE id = ? params [42]
  < result set: rows=1 columns=1 warnings=0 status=0x0002

[10:00:00.000] cli pid=100 client     mysql  STMT_CLOSE SELECT name FROM users WHERE id = ? → no reply expected
  > COM_STMT_CLOSE stmt 3 SELECT name FROM users WHERE id = ?

[10:00:00.000] srv pid=200 server     mysql  STMT_CLOSE SELECT name FROM users WHERE id = ? → no reply expected
  > COM_STMT_CLOSE stmt 3 SELECT name FROM users WHERE id = ?

[10:00:00.000] cli pid=100 client     mysql  PING → OK (0.11ms)
  > COM_PING
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002

[10:00:00.000] srv pid=200 server     mysql  PING → OK (0.09ms)
  > COM_PING
  < OK affected_rows=0 insert_id=0 warnings=0 status=0x0002

-- sockets: 2, 2 mysql
