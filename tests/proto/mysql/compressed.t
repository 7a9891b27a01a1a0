# CLIENT_COMPRESS negotiated: from the byte after the login's OK both directions are compressed
# packets (7-byte header); a short command sent uncompressed inside one, answers compressed with
# zlib (several packets in one, and a result set split across two compressed packets): decoded,
# every line says [compressed].
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\xac\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x1b\x00\x00\x00\x00\x00\x00\x17\x00\x00\x00\x03SELECT name FROM users
< A\x00\x00\x01F\x00\x00x\x9ccd``dTa``bNIMc)\xce\xc8/`,a,a\xc9K\xccM\x05\x13<\xba\x0c\xff\x19\x18\x18\xfe2\x80\x00+\x03\x03\xf3?\xa0Z\x06[\x06\x06\x16\x9b\xc4\x94D\x18\x02\x00\xeb)\x0f?.\x00\x00\x02\x0c\x01\x00x\x9cKLLI$\x09\xa520\xb0\xa6\xa4\x17%&\xa7\xd2\x98\x00Z\xc4\x96\x92\x93\x99WZLc\x82\x95\x81\x81\xfd\x1f\x03\x03\x13\x03\x00\xd3\x94h\xef
> #\x00\x00\x00T\x00\x00x\x9c\x0b````\x0ev\xf5qu\x0eQ\xd0Rp\x0b\xf2\xf7U\xc8\xcb/HU\xd0\xa5\x00\x00\x00\xce\xf9\x100
< ,\x00\x00\x01\x00\x00\x00(\x00\x00\x01\xffz\x04#42S02Table 'shop.nope' doesn't exist
> \x05\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms) [compressed]
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms) [compressed]
[10:00:00.000] cli pid=100 client     mysql  SELECT name FROM users → 3 rows (0.11ms) [compressed]
[10:00:00.000] srv pid=200 server     mysql  SELECT name FROM users → 3 rows (0.09ms) [compressed]
[10:00:00.000] cli pid=100 client     mysql  SELECT * FROM nope ------------------------------------------------------------ → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.11ms) [compressed]
[10:00:00.000] srv pid=200 server     mysql  SELECT * FROM nope ------------------------------------------------------------ → ERR 1146 (42S02) Table 'shop.nope' doesn't exist (0.09ms) [compressed]
[10:00:00.000] cli pid=100 client     mysql  QUIT → no reply expected [compressed]
[10:00:00.000] srv pid=200 server     mysql  QUIT → no reply expected [compressed]
-- sockets: 2, 2 mysql
