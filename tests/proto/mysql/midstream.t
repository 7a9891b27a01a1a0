# Recorded mid-connection (no handshake): the tail of an answer comes first (skipped, counted on
# the next line), then commands parse; an EXECUTE of a statement prepared before the recording is
# shown as unknown, never guessed; a new PREPARE is known from then on.
port 3306
< \x011\x05\x00\x00\x05\xfe\x00\x00\x02\x00
> \x09\x00\x00\x00\x03SELECT 1
< \x01\x00\x00\x01\x01\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x011\x011\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x02\x00\x00\x04\x011\x05\x00\x00\x05\xfe\x00\x00\x02\x00
> \x12\x00\x00\x00\x17\x09\x00\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x00\x01\x00\x00\x00
< \x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00
>  \x00\x00\x00\x16UPDATE t SET a = ? WHERE id = 1
< \x0c\x00\x00\x01\x00\x0a\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x1e\x00\x00\x02\x03def\x04shop\x01t\x01t\x01?\x01?\x0c-\x00\xff\x00\x00\x00\xfd\x00\x00\x00\x00\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00
> \x12\x00\x00\x00\x17\x0a\x00\x00\x00\x00\x01\x00\x00\x00\x00\x01\x03\x00\x05\x00\x00\x00
< \x07\x00\x00\x01\x00\x01\x00\x02\x00\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     mysql  SELECT 1 → 1 row (0.11ms) [recorded mid-connection]
[10:00:00.000] srv pid=200 server     mysql  SELECT 1 → 1 row (0.09ms) [recorded mid-connection]
[10:00:00.000] cli pid=100 client     mysql  STMT_EXECUTE stmt 9 (unknown: prepared before the recording started) → OK, 1 row affected (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  STMT_EXECUTE stmt 9 (unknown: prepared before the recording started) → OK, 1 row affected (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  STMT_PREPARE UPDATE t SET a = ? WHERE id = 1 → stmt 10 (1 param, 0 columns) (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  STMT_PREPARE UPDATE t SET a = ? WHERE id = 1 → stmt 10 (1 param, 0 columns) (0.09ms)
[10:00:00.000] cli pid=100 client     mysql  UPDATE t SET a = ? WHERE id = 1 → OK, 1 row affected (0.11ms)
[10:00:00.000] srv pid=200 server     mysql  UPDATE t SET a = ? WHERE id = 1 → OK, 1 row affected (0.09ms)
-- sockets: 2, 2 mysql
