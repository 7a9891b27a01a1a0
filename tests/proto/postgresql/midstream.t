# Recorded after the startup: the answers in flight when the recording began have no request;
# from the ReadyForQuery on, pairs are right. A statement prepared before the recording is unknown,
# with the reason; the tag still gives the op.
role client
port 5433
< D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x017C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> B\x00\x00\x00\x14\x00S_9\x00\x00\x00\x00\x01\x00\x00\x00\x015\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 2\x00\x00\x00\x04D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x015C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05T
> Q\x00\x00\x00\x0bCOMMIT\x00
< C\x00\x00\x00\x0bCOMMIT\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELECT → SELECT 1 [no request]
[10:00:00.000] cli pid=100 client     pg  SELECT (unknown statement "S_9": not seen in this recording) → SELECT 1 (0.11ms) [$1='5']
[10:00:00.000] cli pid=100 client     pg  COMMIT → COMMIT (0.11ms)
-- sockets: 1, 1 postgresql
