# Arrays nested 40 deep: [invalid] at the 33rd.
port 6379
> *2\r\n$3\r\nGET\r\n$1\r\na\r\n
< *1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nb\r\n
< +OK\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET a → unparsable reply (0.11ms) [invalid: aggregates nested deeper than 32]
[10:00:00.000] srv pid=200 server     redis  GET a → unparsable reply (0.09ms) [invalid: aggregates nested deeper than 32]
[10:00:00.000] cli pid=100 client     redis  GET b → (no response)
[10:00:00.000] srv pid=200 server     redis  GET b → (no response)
-- sockets: 2, 2 redis
