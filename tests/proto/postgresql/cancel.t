# A CancelRequest on its own connection: the backend pid it names; no answer by design.
port 5433
> \x00\x00\x00\x10\x04\xd2\x16.\x00\x00\x10\x92\x00\xbcaN
close
== expect
[10:00:00.000] cli pid=100 client     pg  CANCEL backend pid 4242 → sent (no reply by design)
[10:00:00.000] srv pid=200 server     pg  CANCEL backend pid 4242 → sent (no reply by design)
-- sockets: 2, 2 postgresql
