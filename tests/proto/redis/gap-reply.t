# Bytes inside a big value are lost (a gap of a known size within the bulk string and its CRLF):
# counted, the value's length is still known and the stream stays in step.
port 6379
> *2\r\n$3\r\nGET\r\n$3\r\nbig\r\n
< $10000\r\nxxxxxxxxxx
gap < 9992
> *2\r\n$3\r\nGET\r\n$5\r\nsmall\r\n
< $2\r\nok\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET big → "xxxxxxxxxx…" 10000 bytes (0.21ms) [gap]
[10:00:00.000] srv pid=200 server     redis  GET big → "xxxxxxxxxx…" 10000 bytes (0.19ms) [gap]
[10:00:00.000] cli pid=100 client     redis  GET small → "ok" 2 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET small → "ok" 2 bytes (0.09ms)
-- sockets: 2, 2 redis
