# Inline commands typed into telnet: PING, SET with spaces, an empty line (no command, no
# reply), then a RESP command on the same connection.
port 7000
> PING\r\n
< +PONG\r\n
> set greeting hello\r\n
< +OK\r\n
> \r\n
> get greeting\r\n
< $5\r\nhello\r\n
> *1\r\n$4\r\nPING\r\n
< +PONG\r\n
close
== expect
[10:00:00.000] srv pid=200 server     redis  PING → PONG (0.09ms)
[10:00:00.000] cli pid=100 client     redis  PING → PONG (0.11ms)
[10:00:00.000] cli pid=100 client     redis  SET greeting hello → OK (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SET greeting hello → OK (0.09ms)
[10:00:00.000] cli pid=100 client     redis  GET greeting → "hello" 5 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET greeting → "hello" 5 bytes (0.09ms)
[10:00:00.000] cli pid=100 client     redis  PING → PONG (0.11ms)
[10:00:00.000] srv pid=200 server     redis  PING → PONG (0.09ms)
-- sockets: 2, 2 redis
