# permessage-deflate (RFC 7692): compressed messages have RSV1 on their first frame and are
# inflated with the 0x00 0x00 0xff 0xff tail; each side keeps its window across messages (the
# second message refers to the first); a compressed message fragmented (RSV1 on its first frame
# only); an uncompressed message on the same connection.
flags -v
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n
> \xc1\xac7\xfa!=\x1d3ih\x1f\xd6\xecq\xf9\xaci\x17\xfd\xd5\xeen\x7f1\x8em\xff\xd0\xec\x10\x1f\xac\xe9\x12|\xd7s\x156\xb0\xc6\x19a\xaf\x0b\x99\xd3]"=
< \xc1,*\xc9HU(,\xcdL\xceVH*\xca/\xcfSH\xcb\xafP\xc8*\xcd-(V\xc8/K-R(\x01J\xe7$VU*\xa4\xe4\xa7\x03\x00
> \xc1\x857\xfa!=\x1d\xdb\x7f\x147
< \xc1\x06*\xa1\x89R\x00\x00
< A\x05J+JL\xcf\x80\x18M\xcd+IMQH\xccKQH\xce\xcf-(J-.\x06r\xc9\x91\x01\x00
> \x81\x8e7\xfa!=Y\x95U\x1dT\x95LME\x9fRNR\x9e
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
  > Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: websocket
  < Connection: Upgrade
  < Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
  < Sec-WebSocket-Extensions: permessage-deflate

[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
  > GET /chat HTTP/1.1
  > Host: localhost:8080
  > Upgrade: websocket
  > Connection: Upgrade
  > Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
  > Sec-WebSocket-Version: 13
  > Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: websocket
  < Connection: Upgrade
  < Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
  < Sec-WebSocket-Extensions: permessage-deflate

[10:00:00.000] cli pid=100 client     ws  → text 43 B "the quick brown fox jumps over the lazy dog"
  > text, 1 frame, 50 B on the wire, permessage-deflate (44 B compressed)

[10:00:00.000] srv pid=200 server     ws  ← text 43 B "the quick brown fox jumps over the lazy dog"
  > text, 1 frame, 50 B on the wire, permessage-deflate (44 B compressed)

[10:00:00.000] srv pid=200 server     ws  → text 43 B "the quick brown fox jumps over the lazy dog"
  < text, 1 frame, 46 B on the wire, permessage-deflate (44 B compressed)

[10:00:00.000] cli pid=100 client     ws  ← text 43 B "the quick brown fox jumps over the lazy dog"
  < text, 1 frame, 46 B on the wire, permessage-deflate (44 B compressed)

[10:00:00.000] cli pid=100 client     ws  → text 43 B "the quick brown fox jumps over the lazy dog"
  > text, 1 frame, 11 B on the wire, permessage-deflate (5 B compressed)

[10:00:00.000] srv pid=200 server     ws  ← text 43 B "the quick brown fox jumps over the lazy dog"
  > text, 1 frame, 11 B on the wire, permessage-deflate (5 B compressed)

[10:00:00.000] srv pid=200 server     ws  → text 86 B "the quick brown fox jumps over the lazy dogthe quick brown f…"
  < text, 1 frame, 8 B on the wire, permessage-deflate (6 B compressed)

[10:00:00.000] cli pid=100 client     ws  ← text 86 B "the quick brown fox jumps over the lazy dogthe quick brown f…"
  < text, 1 frame, 8 B on the wire, permessage-deflate (6 B compressed)

[10:00:00.000] srv pid=200 server     ws  → text 78 B "fragmented and compressed fragmented and compressed fragment…"
  < text, 2 frames, 33 B on the wire, permessage-deflate (29 B compressed)

[10:00:00.000] cli pid=100 client     ws  ← text 78 B "fragmented and compressed fragmented and compressed fragment…"
  < text, 2 frames, 33 B on the wire, permessage-deflate (29 B compressed)

[10:00:00.000] cli pid=100 client     ws  → text 14 B "not compressed"
  > text, 1 frame, 20 B on the wire

[10:00:00.000] srv pid=200 server     ws  ← text 14 B "not compressed"
  > text, 1 frame, 20 B on the wire

[10:00:00.001] cli pid=100 client     ws  → close 1000
  > close, 1 frame, 8 B on the wire, code 1000 normal closure

[10:00:00.001] srv pid=200 server     ws  ← close 1000
  > close, 1 frame, 8 B on the wire, code 1000 normal closure

[10:00:00.001] srv pid=200 server     ws  → close 1000
  < close, 1 frame, 4 B on the wire, code 1000 normal closure

[10:00:00.001] cli pid=100 client     ws  ← close 1000
  < close, 1 frame, 4 B on the wire, code 1000 normal closure

-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
