# A statement fails inside a multi-statement Query: it is the error (SQLSTATE, message, detail),
# the statements after it are not executed, and the status is failed inside a transaction.
role server
port 5433
flags -v
> Q\x00\x00\x00ABEGIN; INSERT INTO users VALUES (1, 'ada'); SELECT 1; COMMIT\x00
< C\x00\x00\x00\x0aBEGIN\x00E\x00\x00\x00uSERROR\x00VERROR\x00C23505\x00Mduplicate key value violates unique constraint "users_pkey"\x00DKey (id)=(1) already exists.\x00\x00Z\x00\x00\x00\x05E
> Q\x00\x00\x00\x0dROLLBACK\x00
< C\x00\x00\x00\x0dROLLBACK\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] srv pid=200 server     pg  BEGIN → BEGIN (0.09ms)
  > Query (statement 1 of 4): BEGIN
  < CommandComplete BEGIN, ReadyForQuery failed

[10:00:00.000] srv pid=200 server     pg  INSERT INTO users VALUES (1, 'ada') → ERROR 23505 duplicate key value violates unique constraint "users_pkey" (0.09ms)
  > Query (statement 2 of 4): INSERT INTO users VALUES (1, 'ada')
  < ErrorResponse ERROR 23505 duplicate key value violates unique constraint "users_pkey" DETAIL: Key (id)=(1) already exists., ReadyForQuery failed

[10:00:00.000] srv pid=200 server     pg  SELECT 1 → not executed (an earlier error)
  > Query (statement 3 of 4): SELECT 1

[10:00:00.000] srv pid=200 server     pg  COMMIT → not executed (an earlier error)
  > Query (statement 4 of 4): COMMIT

[10:00:00.000] srv pid=200 server     pg  ROLLBACK → ROLLBACK (0.09ms)
  > Query: ROLLBACK
  < CommandComplete ROLLBACK, ReadyForQuery idle

-- sockets: 1, 1 postgresql
