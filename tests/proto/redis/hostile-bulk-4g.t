# A bulk length over 4 GiB: [invalid], nothing allocated.
port 6379
> *2\r\n$3\r\nGET\r\n$1\r\na\r\n
< $4294967297\r\nabc
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET a → unparsable reply (0.11ms) [invalid: a bulk length over 4 GiB]
[10:00:00.000] srv pid=200 server     redis  GET a → unparsable reply (0.09ms) [invalid: a bulk length over 4 GiB]
-- sockets: 2, 2 redis
