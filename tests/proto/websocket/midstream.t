# The recording started after the upgrade (start late), between two calls: each direction's
# frames are found from their first bytes (masked ones tell the client's direction, both
# directions plausible: WebSocket with a low confidence); a continuation frame first is the rest
# of a message that began before the recording ([gap]).
start late
> \x81\x8b7\xfa!=Q\x93SNC\xdaVUX\x96D
< \x80\x1atail of an earlier message
> \x81\x867\xfa!=D\x9fBRY\x9e
< \x81\x05reply
> \x88\x827\xfa!=4\x12
close
== expect
[10:00:00.000] cli pid=100 client     ws  → text 11 B "first whole"
[10:00:00.000] cli pid=100 client     ws  → text 6 B "second"
[10:00:00.000] srv pid=200 server     ws  ← text 11 B "first whole"
[10:00:00.000] srv pid=200 server     ws  ← text 6 B "second"
[10:00:00.000] srv pid=200 server     ws  → continuation 26 B 7461696c206f6620… [gap]
[10:00:00.000] srv pid=200 server     ws  → text 5 B "reply"
[10:00:00.000] cli pid=100 client     ws  ← continuation 26 B 7461696c206f6620… [gap]
[10:00:00.000] cli pid=100 client     ws  ← text 5 B "reply"
[10:00:00.000] cli pid=100 client     ws  → close 1000
[10:00:00.000] srv pid=200 server     ws  ← close 1000
-- sockets: 2, 2 websocket
