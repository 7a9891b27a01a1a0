# A length line of 60 digits, in a command: [invalid]; Redis answers a protocol error.
port 6379
> *111111111111111111111111111111111111111111111111111111111111\r\n
< -ERR Protocol error: invalid multibulk length\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  ? → ERR Protocol error: invalid multibulk length (0.11ms) [invalid: a length or number longer than 40 bytes]
[10:00:00.000] srv pid=200 server     redis  ? → ERR Protocol error: invalid multibulk length (0.09ms) [invalid: a length or number longer than 40 bytes]
-- sockets: 2, 2 redis
