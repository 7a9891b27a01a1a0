# Only the client's socket, without its CONN record (role and ports unknown): the side that
# sends arrays of bulk strings first is the client.
role unknown
> *2\r\n$3\r\nGET\r\n$1\r\nk\r\n
< $1\r\nv\r\n
> *1\r\n$4\r\nPING\r\n
< +PONG\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET k → "v" 1 byte (0.11ms)
[10:00:00.000] cli pid=100 client     redis  PING → PONG (0.11ms)
-- sockets: 1, 1 redis
