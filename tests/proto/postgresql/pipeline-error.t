# Three executions pipelined before one Sync; the second fails at run time: the third is not
# executed (the server skipped it), never paired with a later answer; the next batch pairs.
role client
port 5433
flags -v
> P\x00\x00\x00 \x00INSERT INTO t VALUES (1)\x00\x00\x00B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00P\x00\x00\x00\x12\x00SELECT 1/0\x00\x00\x00B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00P\x00\x00\x00 \x00INSERT INTO t VALUES (3)\x00\x00\x00B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 1\x00\x00\x00\x042\x00\x00\x00\x04C\x00\x00\x00\x0fINSERT 0 1\x001\x00\x00\x00\x042\x00\x00\x00\x04E\x00\x00\x00,SERROR\x00VERROR\x00C22012\x00Mdivision by zero\x00\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x1bSELECT count(*) FROM t\x00
< T\x00\x00\x00\x1e\x00\x01count\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x011C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  INSERT INTO t VALUES (1) → INSERT 0 1 (0.11ms)
  > Execute (unnamed): INSERT INTO t VALUES (1)
  < CommandComplete INSERT 0 1, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  SELECT 1/0 → ERROR 22012 division by zero (0.11ms)
  > Execute (unnamed): SELECT 1/0
  < ErrorResponse ERROR 22012 division by zero, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  INSERT INTO t VALUES (3) → not executed (an earlier error)
  > Execute (unnamed): INSERT INTO t VALUES (3)

[10:00:00.000] cli pid=100 client     pg  SELECT count(*) FROM t → SELECT 1 (0.11ms)
  > Query: SELECT count(*) FROM t
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

-- sockets: 1, 1 postgresql
