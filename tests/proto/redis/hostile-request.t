# A command that is not an array of bulk strings (Redis answers with a protocol error and closes).
port 6379
> *2\r\n$3\r\nGET\r\n:1\r\n
< -ERR Protocol error: expected '$', got ':'\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET → ERR Protocol error: expected '$', got ':' (0.11ms) [invalid: a command is an array of bulk strings]
[10:00:00.000] srv pid=200 server     redis  GET → ERR Protocol error: expected '$', got ':' (0.09ms) [invalid: a command is an array of bulk strings]
-- sockets: 2, 2 redis
