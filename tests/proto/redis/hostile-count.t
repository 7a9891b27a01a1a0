# An array of 2^40 elements: [invalid].
port 6379
> *4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n
< *1099511627776\r\n:1\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  LRANGE l 0 -1 → unparsable reply (0.11ms) [invalid: an aggregate of more than 2^32 elements]
[10:00:00.000] srv pid=200 server     redis  LRANGE l 0 -1 → unparsable reply (0.09ms) [invalid: an aggregate of more than 2^32 elements]
-- sockets: 2, 2 redis
