# COM_CHANGE_USER: an auth switch, then OK; the statements prepared before are gone (the server
# closed them): an EXECUTE of one is unknown. COM_RESET_CONNECTION too.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x09\x00\x00\x00\x16SELECT ?
< \x0c\x00\x00\x01\x00\x01\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x1e\x00\x00\x04\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x05\xfe\x00\x00\x02\x00
> ;\x00\x00\x00\x11report\x00\x14ppppppppppppppppppppstats\x00-\x00mysql_native_password\x00
< ,\x00\x00\x01\xfemysql_native_password\x00nnnnnnnnnnnnnnnnnnnn\x00
> \x14\x00\x00\x02qqqqqqqqqqqqqqqqqqqq
< \x07\x00\x00\x03\x00\x00\x00\x02\x00\x00\x00
> \x12\x00\x00\x00\x17\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x00\x01\x00\x00\x00
< L\x00\x00\x01\xff\xdb\x04#HY000Unknown prepared statement handler (1) given to mysqld_stmt_execute
> \x01\x00\x00\x00\x1f
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  STMT_PREPARE SELECT ? → stmt 1 (1 param, 1 column) (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  STMT_PREPARE SELECT ? → stmt 1 (1 param, 1 column) (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  CHANGE_USER user=report db=stats → OK (0.31ms)
[10:00:00.000] srv pid=200 server     mysql  CHANGE_USER user=report db=stats → OK (0.29ms)
[10:00:00.001] cli pid=100 client     mysql  STMT_EXECUTE stmt 1 (unknown: not prepared on this connection) → ERR 1243 (HY000) Unknown prepared statement handler (1) given to mysqld_stmt_execute (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  STMT_EXECUTE stmt 1 (unknown: not prepared on this connection) → ERR 1243 (HY000) Unknown prepared statement handler (1) given to mysqld_stmt_execute (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  RESET_CONNECTION → OK (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  RESET_CONNECTION → OK (0.09ms)
-- sockets: 2, 2 mysql
