# Rules broken without losing the framing: each message is [invalid: why] (outcome error) and the
# next one is right: an unmasked client frame, a masked server frame, RSV1 without
# permessage-deflate, a fragmented control frame, text that is not UTF-8, a close of 1 byte, a
# close code that may not be sent, a length not in its shortest form, a continuation without a
# start, a message cut by the start of another.
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x08unmasked
< \x81\x867\xfa!=Z\x9bRVR\x9e
> \xc1\x847\xfa!=E\x89W\x0c
> \x09\x847\xfa!=Q\x88@Z
> \x81\x8b7\xfa!=U\x9bE\x1d\xc8\x04\x01HC\x9c\x19
< \x88\x01\x03
< \x88\x02\x03\xed
> \x82\xfe\x00\x037\xfa!=V\x98B
< \x80\x06orphan
> \x01\x857\xfa!=Q\x93SNC\x81\x867\xfa!=D\x9fBRY\x9e
> \x81\x8a7\xfa!=D\x8eHQ[\xdaGTY\x9f
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] cli pid=100 client     ws  → text 8 B "unmasked" [invalid: client frame not masked]
[10:00:00.000] srv pid=200 server     ws  ← text 8 B "unmasked" [invalid: client frame not masked]
[10:00:00.000] srv pid=200 server     ws  → text 6 B "masked" [invalid: server frame masked]
[10:00:00.000] cli pid=100 client     ws  ← text 6 B "masked" [invalid: server frame masked]
[10:00:00.000] cli pid=100 client     ws  → text 4 B "rsv1" [invalid: RSV1 set without permessage-deflate]
[10:00:00.000] srv pid=200 server     ws  ← text 4 B "rsv1" [invalid: RSV1 set without permessage-deflate]
[10:00:00.000] cli pid=100 client     ws  → ping 4 B "frag" [invalid: fragmented control frame]
[10:00:00.000] srv pid=200 server     ws  ← ping 4 B "frag" [invalid: fragmented control frame]
[10:00:00.000] cli pid=100 client     ws  → text 11 B "bad \xff\xfe utf8" [invalid: text message is not valid UTF-8]
[10:00:00.000] srv pid=200 server     ws  ← text 11 B "bad \xff\xfe utf8" [invalid: text message is not valid UTF-8]
[10:00:00.000] srv pid=200 server     ws  → close [invalid: close payload of 1 byte]
[10:00:00.000] cli pid=100 client     ws  ← close [invalid: close payload of 1 byte]
[10:00:00.001] srv pid=200 server     ws  → close 1005 [invalid: close code that may not be sent]
[10:00:00.001] cli pid=100 client     ws  ← close 1005 [invalid: close code that may not be sent]
[10:00:00.001] cli pid=100 client     ws  → binary 3 B 616263 [invalid: payload length not in its shortest form]
[10:00:00.001] srv pid=200 server     ws  ← binary 3 B 616263 [invalid: payload length not in its shortest form]
[10:00:00.001] srv pid=200 server     ws  → continuation 6 B 6f727068616e [invalid: continuation frame without a message start]
[10:00:00.001] cli pid=100 client     ws  ← continuation 6 B 6f727068616e [invalid: continuation frame without a message start]
[10:00:00.001] cli pid=100 client     ws  → text 5 B "first" [invalid: message cut by the start of another]
[10:00:00.001] cli pid=100 client     ws  → text 6 B "second"
[10:00:00.001] srv pid=200 server     ws  ← text 5 B "first" [invalid: message cut by the start of another]
[10:00:00.001] srv pid=200 server     ws  ← text 6 B "second"
[10:00:00.001] cli pid=100 client     ws  → text 10 B "still fine"
[10:00:00.001] srv pid=200 server     ws  ← text 10 B "still fine"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
