# A fragmented text message (three frames, a ping between them) is one message, shown when it
# ends (after the ping and its pong) with its first frame's time; a fragmented binary message
# from the server in one call.
flags -v
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x01\x847\xfa!=X\x94D\x1d
> \x00\x847\xfa!=C\x8dN\x1d
> \x89\x837\xfa!=Z\x93E
< \x8a\x03mid
> \x80\x857\xfa!=C\x92SXR
< \x02\x02\x00\x01\x00\x02\x02\x03\x80\x01\x04
> \x88\x827\xfa!=4\x12
< \x88\x02\x03\xe8
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
  > GET /chat HTTP/1.1
  > Host: localhost:8080
  > Upgrade: websocket
  > Connection: Upgrade
  > Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
  > Sec-WebSocket-Version: 13
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: websocket
  < Connection: Upgrade
  < Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=

[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
  > GET /chat HTTP/1.1
  > Host: localhost:8080
  > Upgrade: websocket
  > Connection: Upgrade
  > Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
  > Sec-WebSocket-Version: 13
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: websocket
  < Connection: Upgrade
  < Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=

[10:00:00.000] cli pid=100 client     ws  → ping 3 B "mid"
  > ping, 1 frame, 9 B on the wire

[10:00:00.000] srv pid=200 server     ws  ← ping 3 B "mid"
  > ping, 1 frame, 9 B on the wire

[10:00:00.000] srv pid=200 server     ws  → pong 3 B "mid"
  < pong, 1 frame, 5 B on the wire

[10:00:00.000] cli pid=100 client     ws  ← pong 3 B "mid"
  < pong, 1 frame, 5 B on the wire

[10:00:00.000] cli pid=100 client     ws  → text 13 B "one two three"
  > text, 3 frames, 31 B on the wire

[10:00:00.000] srv pid=200 server     ws  ← text 13 B "one two three"
  > text, 3 frames, 31 B on the wire

[10:00:00.000] srv pid=200 server     ws  → binary 5 B 0001020304
  < binary, 3 frames, 11 B on the wire

[10:00:00.000] cli pid=100 client     ws  ← binary 5 B 0001020304
  < binary, 3 frames, 11 B on the wire

[10:00:00.001] cli pid=100 client     ws  → close 1000
  > close, 1 frame, 8 B on the wire, code 1000 normal closure

[10:00:00.001] srv pid=200 server     ws  ← close 1000
  > close, 1 frame, 8 B on the wire, code 1000 normal closure

[10:00:00.001] srv pid=200 server     ws  → close 1000
  < close, 1 frame, 4 B on the wire, code 1000 normal closure

[10:00:00.001] cli pid=100 client     ws  ← close 1000
  < close, 1 frame, 4 B on the wire, code 1000 normal closure

-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
