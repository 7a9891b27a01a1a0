# Recorded mid-connection: the first read is the end of a value (skipped, counted), then commands.
port 6379
start late
> lue\r\n
< +OK\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nk\r\n
< $1\r\nv\r\n
close
== expect
[10:00:00.000] srv pid=200 server     redis  ? ? → OK [no request]
[10:00:00.000] cli pid=100 client     redis  ? ? → OK [no request]
[10:00:00.000] cli pid=100 client     redis  GET k → "v" 1 byte (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET k → "v" 1 byte (0.09ms)
-- sockets: 2, 2 redis
