# After the HTTP/1.1 upgrade (101, Upgrade: websocket) every message is a line of its own: the
# client's frames are masked, the server's are not; text, binary, ping/pong, close with a code.
# The upgrade stays an HTTP/1.1 transaction.
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x8b7\xfa!=_\x9fMQX\xdaVRE\x96E
< \x81\x0bhello world
> \x82\x8a7\xfa!=6\xf8"92\xfc&5>\xf0
< \x82\n\x01\x02\x03\x04\x05\x06\x07\x08\x09\n
> \x89\x847\xfa!=_\x98\x0c\x0c
< \x8a\x04hb-1
> \x88\x857\xfa!=4\x12CDR
< \x88\x05\x03\xe8bye
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] cli pid=100 client     ws  → text 11 B "hello world"
[10:00:00.000] srv pid=200 server     ws  ← text 11 B "hello world"
[10:00:00.000] srv pid=200 server     ws  → text 11 B "hello world"
[10:00:00.000] cli pid=100 client     ws  ← text 11 B "hello world"
[10:00:00.000] cli pid=100 client     ws  → binary 10 B 0102030405060708…
[10:00:00.000] srv pid=200 server     ws  ← binary 10 B 0102030405060708…
[10:00:00.000] srv pid=200 server     ws  → binary 10 B 0102030405060708…
[10:00:00.000] cli pid=100 client     ws  ← binary 10 B 0102030405060708…
[10:00:00.000] cli pid=100 client     ws  → ping 4 B "hb-1"
[10:00:00.000] srv pid=200 server     ws  ← ping 4 B "hb-1"
[10:00:00.000] srv pid=200 server     ws  → pong 4 B "hb-1"
[10:00:00.000] cli pid=100 client     ws  ← pong 4 B "hb-1"
[10:00:00.001] cli pid=100 client     ws  → close 1000 "bye"
[10:00:00.001] srv pid=200 server     ws  ← close 1000 "bye"
[10:00:00.001] srv pid=200 server     ws  → close 1000 "bye"
[10:00:00.001] cli pid=100 client     ws  ← close 1000 "bye"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
