# Extended query with the unnamed statement and portal (Parse, Bind, Describe, Execute, Sync in
# one write): one transaction from the Parse to the completion, with the SQL and its parameters
# (int4 binary shown as a number, text as text, NULL).
port 5433
flags -v
> P\x00\x00\x00Q\x00SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3\x00\x00\x03\x00\x00\x00\x17\x00\x00\x00\x19\x00\x00\x00\x00B\x00\x00\x00&\x00\x00\x00\x03\x00\x01\x00\x00\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00*\x00\x00\x00\x04it's\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x06P\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 1\x00\x00\x00\x042\x00\x00\x00\x04T\x00\x00\x00\x1d\x00\x01name\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0d\x00\x01\x00\x00\x00\x03adaC\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3 → SELECT 1 (0.11ms) [$1=42, $2='it''s', $3=NULL]
  > Execute (unnamed): SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3 [$1=42, $2='it''s', $3=NULL]
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

[10:00:00.000] srv pid=200 server     pg  SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3 → SELECT 1 (0.09ms) [$1=42, $2='it''s', $3=NULL]
  > Execute (unnamed): SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3 [$1=42, $2='it''s', $3=NULL]
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

-- sockets: 2, 2 postgresql
