# The handshake (server version, user and database; the auth data is never shown), then COM_QUERY
# with a result set, an OK with rows affected, an ERR, PING, INIT_DB and QUIT (no reply).
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> ,\x00\x00\x00\x03SELECT id,\x0a  name FROM users   WHERE id < 4
< \x01\x00\x00\x01\x02 \x00\x00\x02\x03def\x04shop\x01t\x01t\x02id\x02id\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00$\x00\x00\x03\x03def\x04shop\x01t\x01t\x04name\x04name\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x04\xfe\x00\x00\x02\x00\x06\x00\x00\x05\x011\x03ada\x08\x00\x00\x06\x012\x05grace\x03\x00\x00\x07\x013\xfb\x05\x00\x00\x08\xfe\x00\x00\x02\x00
> *\x00\x00\x00\x03INSERT INTO users (name) VALUES ('linus')
< \x07\x00\x00\x01\x00\x01\x04\x02\x00\x00\x00
> \x13\x00\x00\x00\x03SELECT * FROM nope
< (\x00\x00\x01\xffz\x04#42S02Table 'shop.nope' doesn't exist
> \x01\x00\x00\x00\x0e
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
> \x08\x00\x00\x00\x02archive
< \x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00
> \x01\x00\x00\x00\x01
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  SELECT id, name FROM users WHERE id < 4 → 3 rows (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  SELECT id, name FROM users WHERE id < 4 → 3 rows (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  INSERT INTO users (name) VALUES ('linus') → OK, 1 row affected (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  INSERT INTO users (name) VALUES ('linus') → OK, 1 row affected (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  SELECT * FROM nope → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  SELECT * FROM nope → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  PING → OK (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  PING → OK (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  INIT_DB archive → OK (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  INIT_DB archive → OK (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  QUIT → no reply expected
[10:00:00.001] srv pid=200 server     mysql  QUIT → no reply expected
-- sockets: 2, 2 mysql
