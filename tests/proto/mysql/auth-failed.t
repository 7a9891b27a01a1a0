# A login the server refuses: ERR 1045 (28000); the server closes.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00mallory\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x00mysql_native_password\x00
< K\x00\x00\x02\xff\x15\x04#28000Access denied for user 'mallory'@'localhost' (using password: YES)
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=mallory → ERR 1045 (28000) Access denied for user 'mallory'@'localhost' (using password: YES) (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=mallory → ERR 1045 (28000) Access denied for user 'mallory'@'localhost' (using password: YES) (0.09ms)
-- sockets: 2, 2 mysql
