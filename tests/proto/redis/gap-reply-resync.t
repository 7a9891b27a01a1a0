# A gap past the end of a reply (it may hide whole replies): the command gets no reply, and the
# next read that starts like a reply resynchronises.
port 6379
> *2\r\n$3\r\nGET\r\n$3\r\nbig\r\n
< $10000\r\nxxxxxxxxxx
gap < 12000
> *2\r\n$3\r\nGET\r\n$5\r\nsmall\r\n
< $2\r\nok\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET big → (no response) [gap]
[10:00:00.000] srv pid=200 server     redis  GET big → (no response) [gap]
[10:00:00.000] cli pid=100 client     redis  GET small → "ok" 2 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET small → "ok" 2 bytes (0.09ms)
-- sockets: 2, 2 redis
