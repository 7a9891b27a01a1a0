# Events lost (a gap of unknown size in both directions) while permessage-deflate keeps its
# window: each direction resynchronises on the next plausible frame, and a compressed message that
# refers to what came before the loss is [deflate window unknown], never decoded wrong; one that
# does not is decoded.
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n
> \xc1\xb67\xfa!=;?\xe00\xb7\xca->\xf7\xaf\x1d=|\xff\xcbo\x13\xd0vL\x93T.\xca\x8e:\x84\x84\xa5\xcc:\xdbh&\xe5\xf4\x99\xdeK-\x98\x16"\xc6\x9e{\x8cQq\xf3\xe8\xf8\x9f\xf5
loss
> \xc1\x857\xfa!=}\xdez\x1a7
> \xc1\x877\xfa!=}\xd1k\x10\xf9\xfa!
> \x81\x857\xfa!=G\x96@TY
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] cli pid=100 client     ws  → text 58 B "a compressed message before the loss, with words to repeat"
[10:00:00.000] srv pid=200 server     ws  ← text 58 B "a compressed message before the loss, with words to repeat"
[10:00:00.000] cli pid=100 client     ws  → text ? B "a…" [incomplete] [deflate window unknown]
[10:00:00.000] cli pid=100 client     ws  → text 5 B "fresh"
[10:00:00.000] srv pid=200 server     ws  ← text ? B "a…" [incomplete] [deflate window unknown]
[10:00:00.000] srv pid=200 server     ws  ← text 5 B "fresh"
[10:00:00.000] cli pid=100 client     ws  → text 5 B "plain"
[10:00:00.000] srv pid=200 server     ws  ← text 5 B "plain"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
