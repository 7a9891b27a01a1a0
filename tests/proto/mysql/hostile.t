# Hostile answers: a column count of 2^64 - 1 (an 8-byte length-encoded integer) and a packet out
# of sequence end as [invalid: why]; a command with an OK whose counters are 8-byte integers parses;
# each is followed by a good exchange, which parses.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\x8c\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x09\x00\x00\x00\x03SELECT 1
< \x09\x00\x00\x01\xfe\xff\xff\xff\xff\xff\xff\xff\xff
> \x09\x00\x00\x00\x03SELECT 2
< \x01\x00\x00\x01\x01\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x012\x012\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x02\x00\x00\x04\x012\x05\x00\x00\x05\xfe\x00\x00\x02\x00
> \x09\x00\x00\x00\x03SELECT 3
< \x01\x00\x00\x01\x01\x1e\x00\x00\x09\x03def\x04shop\x01t\x01t\x013\x013\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00
> \x15\x00\x00\x00\x03UPDATE big SET a = 1
< \x17\x00\x00\x01\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xfe\x00\x00\x00\x00\x00\x01\x00\x00\x02\x00\x00\x00
> \x09\x00\x00\x00\x03SELECT 4
< \x01\x00\x00\x01\x01\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x014\x014\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x02\x00\x00\x04\x014\x05\x00\x00\x05\xfe\x00\x00\x02\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  SELECT 1 → (answer incomplete) (0.11ms) [invalid: column count over 4096]
[10:00:00.000] srv pid=200 server     mysql  SELECT 1 → (answer incomplete) (0.09ms) [invalid: column count over 4096]
[10:00:00.000] cli pid=100 client     mysql  SELECT 2 → 1 row (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  SELECT 2 → 1 row (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  SELECT 3 → (answer incomplete) (0.11ms) [invalid: packet out of sequence]
[10:00:00.000] srv pid=200 server     mysql  SELECT 3 → (answer incomplete) (0.09ms) [invalid: packet out of sequence]
[10:00:00.001] cli pid=100 client     mysql  UPDATE big SET a = 1 → OK, 18446744073709551615 rows affected (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  UPDATE big SET a = 1 → OK, 18446744073709551615 rows affected (0.09ms)
[10:00:00.001] cli pid=100 client     mysql  SELECT 4 → 1 row (0.11ms)
[10:00:00.001] srv pid=200 server     mysql  SELECT 4 → 1 row (0.09ms)
-- sockets: 2, 2 mysql
