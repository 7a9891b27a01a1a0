# Two requests pipelined in one write on a keep-alive connection, answered in one write.
flags -v
> GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n
< HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n
close
== expect
[10:00:00.000] cli pid=100 client     GET /a → 200 2 bytes (0.11ms)
  > GET /a HTTP/1.1
  > Host: x
  < HTTP/1.1 200 OK
  < Content-Length: 2

[10:00:00.000] cli pid=100 client     GET /b?q=1 → 404 0 bytes (0.11ms)
  > GET /b?q=1 HTTP/1.1
  > Host: x
  < HTTP/1.1 404 Not Found
  < Content-Length: 0

[10:00:00.000] srv pid=200 server     GET /a → 200 2 bytes (0.09ms)
  > GET /a HTTP/1.1
  > Host: x
  < HTTP/1.1 200 OK
  < Content-Length: 2

[10:00:00.000] srv pid=200 server     GET /b?q=1 → 404 0 bytes (0.09ms)
  > GET /b?q=1 HTTP/1.1
  > Host: x
  < HTTP/1.1 404 Not Found
  < Content-Length: 0

-- sockets: 2, 2 http/1.1
