# A compressed packet whose content does not decode: that answer is [invalid: why], and the next
# command and answer (good compressed packets) parse again.
port 3306
< Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00\x07\x00\x00\x00abcdefgh\x00\xac\xaa-\x02\x00\xbf\x01\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00
> T\x00\x00\x01\xac\xa2\x0f\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00app\x00\x14\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9a\x9ashop\x00mysql_native_password\x00
< \x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00
> \x0d\x00\x00\x00\x00\x00\x00\x09\x00\x00\x00\x03SELECT 1
< \x0c\x00\x00\x01d\x00\x00x\x9c\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff
> \x0d\x00\x00\x00\x00\x00\x00\x09\x00\x00\x00\x03SELECT 2
< <\x00\x00\x01?\x00\x00x\x9ccd``d\x94c``bNIMc)\xce\xc8/`,\x01B#F#\x1e]\x86\xff\x0c\x0c\x0c\x7f\x19@\x80\x95\x81\x81\xf9\x1fP\x15\x102\xb00\x1a\x01\xb9\xac`.\x003\xe9\x08\xe4
close
== expect
[10:00:00.000] cli pid=100 client     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.11ms) [compressed]
[10:00:00.000] srv pid=200 server     mysql  CONNECT user=app db=shop → OK, server 5.5.5-10.11.6-MariaDB (0.09ms) [compressed]
[10:00:00.000] cli pid=100 client     mysql  SELECT 1 → (answer incomplete) (0.11ms) [invalid: compressed packet does not decode] [compressed]
[10:00:00.000] srv pid=200 server     mysql  SELECT 1 → (answer incomplete) (0.09ms) [invalid: compressed packet does not decode] [compressed]
[10:00:00.000] cli pid=100 client     mysql  SELECT 2 → 1 row (0.11ms) [compressed]
[10:00:00.000] srv pid=200 server     mysql  SELECT 2 → 1 row (0.09ms) [compressed]
-- sockets: 2, 2 mysql
