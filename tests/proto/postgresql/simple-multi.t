# A simple Query of four statements: one transaction each, in order, with its own tag and rows;
# semicolons inside literals, identifiers, $$ bodies and comments do not split.
role client
port 5433
flags -v
> Q\x00\x00\x00[BEGIN; INSERT INTO t VALUES ('a;b'); SELECT "x;y", $$;$$ FROM t /* ; */ -- ;\x0a; COMMIT;\x00
< C\x00\x00\x00\x0aBEGIN\x00C\x00\x00\x00\x0fINSERT 0 1\x00T\x00\x00\x007\x00\x02x;y\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00?column?\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x10\x00\x02\x00\x00\x00\x011\x00\x00\x00\x01;D\x00\x00\x00\x10\x00\x02\x00\x00\x00\x012\x00\x00\x00\x01;C\x00\x00\x00\x0dSELECT 2\x00C\x00\x00\x00\x0bCOMMIT\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  BEGIN → BEGIN (0.11ms)
  > Query (statement 1 of 4): BEGIN
  < CommandComplete BEGIN, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  INSERT INTO t VALUES ('a;b') → INSERT 0 1 (0.11ms)
  > Query (statement 2 of 4): INSERT INTO t VALUES ('a;b')
  < CommandComplete INSERT 0 1, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  SELECT "x;y", $$;$$ FROM t /* ; */ → SELECT 2 (0.11ms)
  > Query (statement 3 of 4): SELECT "x;y", $$;$$ FROM t /* ; */
  < CommandComplete SELECT 2, 2 DataRows, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  COMMIT → COMMIT (0.11ms)
  > Query (statement 4 of 4): COMMIT
  < CommandComplete COMMIT, ReadyForQuery idle

-- sockets: 1, 1 postgresql
