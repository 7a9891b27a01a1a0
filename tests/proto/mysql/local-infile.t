# LOAD DATA LOCAL INFILE: the server asks for the file (0xfb + name), the client sends it in
# packets and an empty one, then the server's OK; the next command parses.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> 5\x00\x00\x00\x03LOAD DATA LOCAL INFILE '/tmp/u.csv' INTO TABLE users
< \x0b\x00\x00\x01\xfb/tmp/u.csv
> \x0e\x00\x00\x021,ada\x0a2,grace\x0a\x08\x00\x00\x033,linus\x0a\x00\x00\x00\x04
< 6\x00\x00\x05\x00\x03\x00\x02\x00\x00\x00Records: 3  Deleted: 0  Skipped: 0  Warnings: 0
> \x01\x00\x00\x00\x0e
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  LOAD DATA LOCAL INFILE '/tmp/u.csv' INTO TABLE users → OK, 3 rows affected (0.31ms)
[10:00:00.000] srv pid=200 server     mysql  LOAD DATA LOCAL INFILE '/tmp/u.csv' INTO TABLE users → OK, 3 rows affected (0.29ms)
[10:00:00.000] cli pid=100 client     mysql  PING → OK (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  PING → OK (0.09ms)
-- sockets: 2, 2 mysql
