# Lost bytes inside a payload of known length are stepped over (the message is marked [gap], its
# size stays exact); lost bytes between frames lose the framing: the direction resynchronises on
# the next plausible frame.
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x947\xfa!=\x07\xcb\x13\x0e\x03\xcf
gap > 8
> D[P\x92HW
< \x81\rafter the gap
gap < 30
< \x81\x0bfound again
< \x81\x06and on
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] cli pid=100 client     ws  → text 20 B "012345…" [gap]
[10:00:00.000] srv pid=200 server     ws  ← text 20 B "012345…" [gap]
[10:00:00.000] srv pid=200 server     ws  → text 13 B "after the gap"
[10:00:00.000] cli pid=100 client     ws  ← text 13 B "after the gap"
[10:00:00.000] srv pid=200 server     ws  → text 11 B "found again" [resync after lost bytes]
[10:00:00.001] srv pid=200 server     ws  → text 6 B "and on"
[10:00:00.000] cli pid=100 client     ws  ← text 11 B "found again" [resync after lost bytes]
[10:00:00.001] cli pid=100 client     ws  ← text 6 B "and on"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
