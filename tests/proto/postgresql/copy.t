# COPY FROM STDIN and COPY TO STDOUT: sizes in the line, the data in the bodies (-vv), never
# rows on the line.
role client
port 5433
flags -vv
> Q\x00\x00\x00\x1dCOPY t (a, b) FROM STDIN\x00
< G\x00\x00\x00\x0b\x00\x00\x02\x00\x00\x00\x00
> d\x00\x00\x00\x0a1\x09one\x0ad\x00\x00\x00\x0a2\x09two\x0a
> c\x00\x00\x00\x04
< C\x00\x00\x00\x0bCOPY 2\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x15COPY t TO STDOUT\x00
< H\x00\x00\x00\x0b\x00\x00\x02\x00\x00\x00\x00d\x00\x00\x00\x0a1\x09one\x0ad\x00\x00\x00\x0a2\x09two\x0ac\x00\x00\x00\x04C\x00\x00\x00\x0bCOPY 2\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  COPY t (a, b) FROM STDIN → COPY 2 (12 bytes in) (0.41ms)
  > Query: COPY t (a, b) FROM STDIN
  >| 1	one
  >| 2	two
  < CommandComplete COPY 2, COPY 12 bytes in, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  COPY t TO STDOUT → COPY 2 (12 bytes out) (0.11ms)
  > Query: COPY t TO STDOUT
  < CommandComplete COPY 2, COPY 12 bytes out, ReadyForQuery idle
  <| 1	one
  <| 2	two

-- sockets: 1, 1 postgresql
