# --errors keeps the commands answered with an error (-ERR, -WRONGTYPE, a RESP3 blob error).
port 6379
flags --errors --side client
> *2\r\n$3\r\nGET\r\n$1\r\na\r\n*1\r\n$3\r\nBAD\r\n*2\r\n$4\r\nINCR\r\n$1\r\ns\r\n
< $1\r\n1\r\n-ERR unknown command 'BAD'\r\n-ERR value is not an integer or out of range\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  BAD → ERR unknown command 'BAD' (0.11ms)
[10:00:00.000] cli pid=100 client     redis  INCR s → ERR value is not an integer or out of range (0.11ms)
-- sockets: 2, 2 redis
