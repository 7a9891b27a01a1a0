# --errors keeps outcome error only (HTTP >= 400); --proto takes an alias.
flags --errors --proto http
> GET /ok HTTP/1.1\r\n\r\n
< HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n
> GET /missing HTTP/1.1\r\n\r\n
< HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n
> GET /redirect HTTP/1.1\r\n\r\n
< HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n
close
== expect
[10:00:00.000] cli pid=100 client     GET /missing → 404 0 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     GET /missing → 404 0 bytes (0.09ms)
-- sockets: 2, 2 http/1.1
