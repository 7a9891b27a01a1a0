# -v: each message's start line says its opcode, frames and bytes on the wire (and the close
# code's name); -vv adds the payload (text as text, binary as a hex dump; an empty ping has none:
# fuzz_websocket found an empty control frame's body kept through a NULL buffer).
flags -vv
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x81\x917\xfa!=_9\x88Q[\x95\x01J\xf4LSQS\xda\xc3\xa1\xa4
< \x82(\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !"#$%&'
> \x89\x807\xfa!=
< \x8a\x00
> \x88\x827\xfa!=4\x13
< \x88\x02\x03\xe9
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

[10:00:00.000] cli pid=100 client     ws  → text 17 B "héllo wörld ✓"
  > text, 1 frame, 23 B on the wire
  >| héllo wörld ✓

[10:00:00.000] srv pid=200 server     ws  ← text 17 B "héllo wörld ✓"
  > text, 1 frame, 23 B on the wire
  >| héllo wörld ✓

[10:00:00.000] srv pid=200 server     ws  → binary 40 B 0001020304050607…
  < binary, 1 frame, 42 B on the wire
  <| 0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................
  <| 0010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f  ................
  <| 0020  20 21 22 23 24 25 26 27                           !"#$%&'
  <| [binary body]

[10:00:00.000] cli pid=100 client     ws  ← binary 40 B 0001020304050607…
  < binary, 1 frame, 42 B on the wire
  <| 0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................
  <| 0010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f  ................
  <| 0020  20 21 22 23 24 25 26 27                           !"#$%&'
  <| [binary body]

[10:00:00.000] cli pid=100 client     ws  → ping 0 B
  > ping, 1 frame, 6 B on the wire

[10:00:00.000] srv pid=200 server     ws  ← ping 0 B
  > ping, 1 frame, 6 B on the wire

[10:00:00.000] srv pid=200 server     ws  → pong 0 B
  < pong, 1 frame, 2 B on the wire

[10:00:00.000] cli pid=100 client     ws  ← pong 0 B
  < pong, 1 frame, 2 B on the wire

[10:00:00.000] cli pid=100 client     ws  → close 1001
  > close, 1 frame, 8 B on the wire, code 1001 going away
  >| 0000  03 e9                                            ..
  >| [binary body]

[10:00:00.000] srv pid=200 server     ws  ← close 1001
  > close, 1 frame, 8 B on the wire, code 1001 going away
  >| 0000  03 e9                                            ..
  >| [binary body]

[10:00:00.000] srv pid=200 server     ws  → close 1001
  < close, 1 frame, 4 B on the wire, code 1001 going away
  <| 0000  03 e9                                            ..
  <| [binary body]

[10:00:00.000] cli pid=100 client     ws  ← close 1001
  < close, 1 frame, 4 B on the wire, code 1001 going away
  <| 0000  03 e9                                            ..
  <| [binary body]

-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
