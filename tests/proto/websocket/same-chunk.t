# The 101 and the server's first frame in one write: the rest of that chunk is already WebSocket
# (RFC 6455 4.1: the client waits for the 101 before it sends a frame).
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x07welcome
> \x81\x867\xfa!=C\x92@S\\\x89
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] srv pid=200 server     ws  → text 7 B "welcome"
[10:00:00.000] cli pid=100 client     ws  ← text 7 B "welcome"
[10:00:00.000] cli pid=100 client     ws  → text 6 B "thanks"
[10:00:00.000] srv pid=200 server     ws  ← text 6 B "thanks"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
