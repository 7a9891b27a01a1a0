# Started after the upgrade, compressed: a message that refers to the window the recording never
# saw is not decoded ([deflate window unknown]), a message with only literals is (raw inflate
# fails on a distance past what it has seen: never a wrong text).
start late
role server
< \xc1\x05J$G\x13\x00
< \xc1\x0c20426153\xb7\xb0\x04\x00
< \x81\x05plain
close
== expect
[10:00:00.000] srv pid=200 server     ws  → text ? B "a…" [incomplete] [deflate window unknown]
[10:00:00.000] srv pid=200 server     ws  → text 10 B "0123456789"
[10:00:00.000] srv pid=200 server     ws  → text 5 B "plain"
-- sockets: 1, 1 websocket
