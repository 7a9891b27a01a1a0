# A named statement prepared once (a PREPARE line), executed twice later by name with text
# parameters (the statement map gives the SQL), closed, then executed again: the server says it
# does not exist.
role client
port 5433
flags -v
> P\x00\x00\x00?S_1\x00SELECT abalance FROM pgbench_accounts WHERE aid = $1\x00\x00\x00S\x00\x00\x00\x04
< 1\x00\x00\x00\x04Z\x00\x00\x00\x05I
> B\x00\x00\x00\x17\x00S_1\x00\x00\x00\x00\x01\x00\x00\x00\x044242\x00\x00D\x00\x00\x00\x06P\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 2\x00\x00\x00\x04T\x00\x00\x00!\x00\x01abalance\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x010C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> B\x00\x00\x00\x14\x00S_1\x00\x00\x00\x00\x01\x00\x00\x00\x017\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 2\x00\x00\x00\x04D\x00\x00\x00\x0d\x00\x01\x00\x00\x00\x03-12C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> C\x00\x00\x00\x09SS_1\x00S\x00\x00\x00\x04
< 3\x00\x00\x00\x04Z\x00\x00\x00\x05I
> B\x00\x00\x00\x14\x00S_1\x00\x00\x00\x00\x01\x00\x00\x00\x011\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< E\x00\x00\x00CSERROR\x00VERROR\x00C26000\x00Mprepared statement "S_1" does not exist\x00\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  PREPARE SELECT abalance FROM pgbench_accounts WHERE aid = $1 → prepared (0.11ms)
  > Parse S_1: SELECT abalance FROM pgbench_accounts WHERE aid = $1
  < ParseComplete, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  SELECT abalance FROM pgbench_accounts WHERE aid = $1 → SELECT 1 (0.11ms) [$1='4242']
  > Execute S_1: SELECT abalance FROM pgbench_accounts WHERE aid = $1 [$1='4242']
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  SELECT abalance FROM pgbench_accounts WHERE aid = $1 → SELECT 1 (0.11ms) [$1='7']
  > Execute S_1: SELECT abalance FROM pgbench_accounts WHERE aid = $1 [$1='7']
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

[10:00:00.001] cli pid=100 client     pg  EXECUTE (unknown statement "S_1": not seen in this recording) → ERROR 26000 prepared statement "S_1" does not exist (0.11ms) [$1='1']
  > Execute S_1: (unknown statement "S_1": not seen in this recording) [$1='1']
  < ErrorResponse ERROR 26000 prepared statement "S_1" does not exist, ReadyForQuery idle

-- sockets: 1, 1 postgresql
