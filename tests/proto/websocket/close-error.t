# A close with a code other than 1000/1001 is an error (--errors shows it); a close without a
# payload is not.
flags --errors
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x8c7\xfa!=S\x95\x01I_\x9f\x01I_\x93OZ
< \x88\x10\x03\xf3internal error
> \x88\x807\xfa!=
close
== expect
[10:00:00.000] srv pid=200 server     ws  → close 1011 "internal error"
[10:00:00.000] cli pid=100 client     ws  ← close 1011 "internal error"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
