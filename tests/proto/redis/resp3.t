# HELLO 3 (a map), then RESP3 types: set, double, boolean, null, big number,
# verbatim string, an attribute before a reply, a blob error, and pushes (a subscription
# confirmation pairs with SUBSCRIBE; a message and an invalidation are one-way).
port 6379
> *2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n
< %3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n
> *2\r\n$8\r\nSMEMBERS\r\n$1\r\ns\r\n
< ~2\r\n$1\r\na\r\n$1\r\nb\r\n
> *3\r\n$6\r\nZSCORE\r\n$1\r\nz\r\n$1\r\nm\r\n
< ,3.14\r\n
> *3\r\n$9\r\nSISMEMBER\r\n$1\r\ns\r\n$1\r\na\r\n
< #t\r\n
> *2\r\n$3\r\nGET\r\n$4\r\nnope\r\n
< _\r\n
> *3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$6\r\nbignum\r\n
< (1234567999999999999999999999999999999\r\n
> *2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n
< =17\r\ntxt:# Server\r\nv=7\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nk\r\n
< |1\r\n+key-popularity\r\n%1\r\n$1\r\nk\r\n,0.19\r\n$2\r\nhi\r\n
> *3\r\n$4\r\nEVAL\r\n$1\r\nx\r\n$1\r\n0\r\n
< !21\r\nSYNTAX invalid syntax\r\n
> *2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n
< >3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n
< >3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$6\r\npushed\r\n
< >2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  HELLO 3 → 3 entries (0.11ms)
[10:00:00.000] srv pid=200 server     redis  HELLO 3 → 3 entries (0.09ms)
[10:00:00.000] cli pid=100 client     redis  SMEMBERS s → 2 members (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SMEMBERS s → 2 members (0.09ms)
[10:00:00.000] cli pid=100 client     redis  ZSCORE z m → (double) 3.14 (0.11ms)
[10:00:00.000] srv pid=200 server     redis  ZSCORE z m → (double) 3.14 (0.09ms)
[10:00:00.000] cli pid=100 client     redis  SISMEMBER s a → (true) (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SISMEMBER s a → (true) (0.09ms)
[10:00:00.001] cli pid=100 client     redis  GET nope → (nil) (0.11ms)
[10:00:00.001] srv pid=200 server     redis  GET nope → (nil) (0.09ms)
[10:00:00.001] cli pid=100 client     redis  DEBUG PROTOCOL bignum → (big number) 1234567999999999999999999999999999999 (0.11ms)
[10:00:00.001] srv pid=200 server     redis  DEBUG PROTOCOL bignum → (big number) 1234567999999999999999999999999999999 (0.09ms)
[10:00:00.001] cli pid=100 client     redis  INFO server → "# Server\x0d\x0av=7" 13 bytes (0.11ms)
[10:00:00.001] srv pid=200 server     redis  INFO server → "# Server\x0d\x0av=7" 13 bytes (0.09ms)
[10:00:00.001] cli pid=100 client     redis  GET k → "hi" 2 bytes (0.11ms)
[10:00:00.001] srv pid=200 server     redis  GET k → "hi" 2 bytes (0.09ms)
[10:00:00.001] cli pid=100 client     redis  EVAL x 0 → SYNTAX invalid syntax (0.11ms)
[10:00:00.001] srv pid=200 server     redis  EVAL x 0 → SYNTAX invalid syntax (0.09ms)
[10:00:00.002] cli pid=100 client     redis  SUBSCRIBE ch → subscribed, 1 subscription (0.11ms)
[10:00:00.002] srv pid=200 server     redis  SUBSCRIBE ch → subscribed, 1 subscription (0.09ms)
[10:00:00.002] srv pid=200 server     redis  → message ch "pushed" 6 bytes
[10:00:00.002] cli pid=100 client     redis  ← message ch "pushed" 6 bytes
[10:00:00.002] srv pid=200 server     redis  → invalidate 2 items
[10:00:00.002] cli pid=100 client     redis  ← invalidate 2 items
-- sockets: 2, 2 redis
