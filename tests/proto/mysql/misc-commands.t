# STATISTICS (a string), FIELD_LIST (column definitions up to EOF), PROCESS_KILL, SET_OPTION (an
# EOF), CREATE_DB / DROP_DB, a command byte nobody knows (the server's ERR), and an ERR the server
# sends by itself before closing (shown without a request).
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x01\x00\x00\x00\x09
< $\x00\x00\x01Uptime: 42  Threads: 1  Questions: 7
> \x07\x00\x00\x00\x04users\x00
<  \x00\x00\x01\x03def\x04shop\x01t\x01t\x02id\x02id\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00$\x00\x00\x02\x03def\x04shop\x01t\x01t\x04name\x04name\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00
> \x05\x00\x00\x00\x0cM\x00\x00\x00
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
> \x03\x00\x00\x00\x1b\x00\x00
< \x05\x00\x00\x01\xfe\x00\x00\x02\x00
> \x06\x00\x00\x00\x05newdb
< \x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00
> \x06\x00\x00\x00\x06newdb
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
> \x01\x00\x00\x00*
< \x18\x00\x00\x01\xff\x17\x04#08S01Unknown command
wait 100
< I\x00\x00\x00\xff\xbf\x0f#HY000The client was disconnected by the server because of inactivity.
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  STATISTICS → Uptime: 42  Threads: 1  Questions: 7 (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  STATISTICS → Uptime: 42  Threads: 1  Questions: 7 (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  FIELD_LIST users → 2 columns (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  FIELD_LIST users → 2 columns (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  PROCESS_KILL 77 → OK (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  PROCESS_KILL 77 → OK (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  SET_OPTION MULTI_STATEMENTS_ON → OK (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  SET_OPTION MULTI_STATEMENTS_ON → OK (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  CREATE_DB newdb → OK, 1 row affected (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  CREATE_DB newdb → OK, 1 row affected (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  DROP_DB newdb → OK (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  DROP_DB newdb → OK (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  COM_0x2a → ERR 1047 (08S01) Unknown command (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  COM_0x2a → ERR 1047 (08S01) Unknown command (0.09ms)
[10:00:00.101] srv pid=200 server     mysql  ? ? → ERR 4031 (HY000) The client was disconnected by the server because of inactivity. [no request]
[10:00:00.101] cli pid=100 client     mysql  ? ? → ERR 4031 (HY000) The client was disconnected by the server because of inactivity. [no request]
-- sockets: 2, 2 mysql
