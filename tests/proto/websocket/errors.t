# --errors: invalid frames and closes with an error code; the good messages are not shown.
flags --errors
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x827\xfa!=X\x91
> \x81\nnot masked
< \x81\x04fine
< \x88\x08\x03\xf0policy
> \x88\x827\xfa!=4\x12
close
== expect
[10:00:00.000] cli pid=100 client     ws  → text 10 B "not masked" [invalid: client frame not masked]
[10:00:00.000] srv pid=200 server     ws  ← text 10 B "not masked" [invalid: client frame not masked]
[10:00:00.000] srv pid=200 server     ws  → close 1008 "policy"
[10:00:00.000] cli pid=100 client     ws  ← close 1008 "policy"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
