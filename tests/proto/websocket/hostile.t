# Headers that cannot be followed: a reserved opcode, a control frame over 125 bytes, a 2^63
# length: shown as invalid, then the direction looks for the next plausible frame (a header that
# breaks no rule, whose payload fits, followed by another such header) and counts the bytes it
# skipped; the other direction goes on untouched.
> GET /chat HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n
> \x83\x857\xfa!=xxxxx
> \x81\x887\xfa!=Y\x9fYI\x17\x95OX
> \x81\x837\xfa!=C\x8dN
< \x89~\x00~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
< \x81\x0eserver goes on
< \x81\x04more
> \x82\xff\x80\x00\x00\x00\x00\x00\x00\x007\xfa!=junk
> \x81\x887\xfa!=E\x9fRDY\x99DY
> \x81\x867\xfa!=V\x94E\x1dX\x94
< \x81\x04fine
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
[10:00:00.000] cli pid=100 client     ws  → reserved-3 ? B [invalid: reserved opcode]
[10:00:00.000] srv pid=200 server     ws  ← reserved-3 ? B [invalid: reserved opcode]
[10:00:00.000] cli pid=100 client     ws  → text 8 B "next one" [resync: 5 bytes skipped]
[10:00:00.000] cli pid=100 client     ws  → text 3 B "two"
[10:00:00.000] srv pid=200 server     ws  ← text 8 B "next one" [resync: 5 bytes skipped]
[10:00:00.000] srv pid=200 server     ws  ← text 3 B "two"
[10:00:00.000] srv pid=200 server     ws  → ping ? B [invalid: control frame over 125 bytes]
[10:00:00.000] cli pid=100 client     ws  ← ping ? B [invalid: control frame over 125 bytes]
[10:00:00.000] srv pid=200 server     ws  → text 14 B "server goes on" [resync: 126 bytes skipped]
[10:00:00.000] srv pid=200 server     ws  → text 4 B "more"
[10:00:00.000] cli pid=100 client     ws  ← text 14 B "server goes on" [resync: 126 bytes skipped]
[10:00:00.000] cli pid=100 client     ws  ← text 4 B "more"
[10:00:00.001] cli pid=100 client     ws  → binary ? B [invalid: payload length over 2^63]
[10:00:00.001] srv pid=200 server     ws  ← binary ? B [invalid: payload length over 2^63]
[10:00:00.001] cli pid=100 client     ws  → text 8 B "resynced" [resync: 4 bytes skipped]
[10:00:00.001] cli pid=100 client     ws  → text 6 B "and on"
[10:00:00.001] srv pid=200 server     ws  ← text 8 B "resynced" [resync: 4 bytes skipped]
[10:00:00.001] srv pid=200 server     ws  ← text 6 B "and on"
[10:00:00.001] srv pid=200 server     ws  → text 4 B "fine"
[10:00:00.001] cli pid=100 client     ws  ← text 4 B "fine"
-- sockets: 2, 2 http/1.1, 2 upgraded to websocket
