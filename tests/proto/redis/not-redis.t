# HTTP on the Redis port stays HTTP: the port alone never outweighs the bytes.
port 6379
> GET / HTTP/1.1\r\nHost: x\r\n\r\n
< HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok
close
== expect
[10:00:00.000] cli pid=100 client     GET / → 200 2 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     GET / → 200 2 bytes (0.09ms)
-- sockets: 2, 2 http/1.1
