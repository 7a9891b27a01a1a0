# An empty query, and a FunctionCall (large objects use them).
role client
port 5433
flags -v
> Q\x00\x00\x00\x05\x00
< I\x00\x00\x00\x04Z\x00\x00\x00\x05I
> F\x00\x00\x00\x18\x00\x00\x03\xb8\x00\x01\x00\x01\x00\x01\x00\x00\x00\x04\x00\x00\x00\x07\x00\x01
< V\x00\x00\x00\x0c\x00\x00\x00\x04\x00\x00\x00!Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  EMPTY → empty query (0.11ms)
  > Query: 
  < EmptyQueryResponse, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  FUNCTION oid 952 (1 argument) → result 4 bytes (0.11ms)
  > FunctionCall oid 952 (1 argument)
  < FunctionCallResponse, ReadyForQuery idle

-- sockets: 1, 1 postgresql
