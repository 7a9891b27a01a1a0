# LISTEN, then a NotificationResponse pushed by the server: its own line (channel, payload,
# sender); a notice attached to the statement that caused it.
role client
port 5433
flags -v
> Q\x00\x00\x00\x10LISTEN jobs\x00
< C\x00\x00\x00\x0bLISTEN\x00Z\x00\x00\x00\x05I
< A\x00\x00\x00\x19\x00\x00\x14\x1fjobs\x00job 17 done\x00
> Q\x00\x00\x00\x1eDROP TABLE IF EXISTS nope\x00
< N\x00\x00\x00CSNOTICE\x00VNOTICE\x00C00000\x00Mtable "nope" does not exist, skipping\x00\x00C\x00\x00\x00\x0fDROP TABLE\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  LISTEN jobs → LISTEN (0.11ms)
  > Query: LISTEN jobs
  < CommandComplete LISTEN, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  NOTIFICATION jobs → "job 17 done" from backend pid 5151
  < NotificationResponse channel jobs payload job 17 done from backend pid 5151

[10:00:00.000] cli pid=100 client     pg  DROP TABLE IF EXISTS nope → DROP TABLE (0.11ms)
  > Query: DROP TABLE IF EXISTS nope
  < CommandComplete DROP TABLE, NOTICE table "nope" does not exist, skipping, ReadyForQuery idle

-- sockets: 1, 1 postgresql
