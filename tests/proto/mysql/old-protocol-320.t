# A client without CLIENT_PROTOCOL_41 (HandshakeResponse320: 2-byte capabilities, 3-byte max
# packet, user, auth, database).
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> \x19\x00\x00\x01\x0c\x00\x00\x00\x01old\x00scramble\x00legacy\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x09\x00\x00\x00\x03SELECT 1
< \x01\x00\x00\x01\x01\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x011\x011\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x02\x00\x00\x04\x011\x05\x00\x00\x05\xfe\x00\x00\x02\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=old db=legacy → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=old db=legacy → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  SELECT 1 → 1 row (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  SELECT 1 → 1 row (0.09ms)
-- sockets: 2, 2 mysql
