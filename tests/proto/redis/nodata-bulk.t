# A value longer than the recorder's per-call cap: the bytes not captured are counted, the
# value's size is exact, the message is marked incomplete, and the next command still pairs.
port 6379
> *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000\r\nabcdefgh
nodata > 4994
< +OK\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nk\r\n
< $5000\r\nabcdefgh
nodata < 4994
> *1\r\n$4\r\nPING\r\n
< +PONG\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  SET k abcdefgh… (3 args) → OK (0.21ms)
[10:00:00.000] srv pid=200 server     redis  SET k abcdefgh… (3 args) → OK (0.19ms)
[10:00:00.000] cli pid=100 client     redis  GET k → "abcdefgh…" 5000 bytes (0.21ms)
[10:00:00.000] srv pid=200 server     redis  GET k → "abcdefgh…" 5000 bytes (0.19ms)
[10:00:00.000] cli pid=100 client     redis  PING → PONG (0.11ms)
[10:00:00.000] srv pid=200 server     redis  PING → PONG (0.09ms)
-- sockets: 2, 2 redis
