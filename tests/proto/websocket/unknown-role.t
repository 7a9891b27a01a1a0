# Only the client's socket, without its CONN record (role and ports unknown, start not recorded):
# told from the frames, the masked ones are the client's.
role unknown
> \x81\x887\xfa!=@\x92N\x1dV\x97\x01T
< \x81\nthe client
> \x81\x867\xfa!=C\x92@S\\\x89
< \x81\x07welcome
close
== expect
[10:00:00.000] cli pid=100 client     ws  → text 8 B "who am i"
[10:00:00.000] cli pid=100 client     ws  → text 6 B "thanks"
[10:00:00.000] cli pid=100 client     ws  ← text 10 B "the client"
[10:00:00.000] cli pid=100 client     ws  ← text 7 B "welcome"
-- sockets: 1, 1 websocket
