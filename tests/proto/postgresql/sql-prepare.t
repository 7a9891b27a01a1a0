# SQL-level PREPARE shares the table with protocol-level statements: a Bind to it shows its SQL
# and its typed parameters; DEALLOCATE removes it (then it is unknown, and this connection's
# start was seen, so it is not prepared here), DEALLOCATE ALL empties the table.
role client
port 5433
> \x00\x00\x00\x1b\x00\x03\x00\x00user\x00u\x00database\x00d\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x10\x92\x00\x00\x00cZ\x00\x00\x00\x05I
> Q\x00\x00\x000PREPARE Q1 (int, text) AS SELECT $1 + 1, $2\x00
< C\x00\x00\x00\x0cPREPARE\x00Z\x00\x00\x00\x05I
> B\x00\x00\x00\x1f\x00q1\x00\x00\x02\x00\x01\x00\x00\x00\x02\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00\x01x\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< 2\x00\x00\x00\x04D\x00\x00\x00\x10\x00\x02\x00\x00\x00\x016\x00\x00\x00\x01xC\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x17EXECUTE q1(7, 'y')\x00
< D\x00\x00\x00\x10\x00\x02\x00\x00\x00\x018\x00\x00\x00\x01yC\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x12DEALLOCATE q1\x00
< C\x00\x00\x00\x0fDEALLOCATE\x00Z\x00\x00\x00\x05I
> B\x00\x00\x00\x18\x00q1\x00\x00\x00\x00\x02\x00\x00\x00\x011\x00\x00\x00\x01z\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< E\x00\x00\x00BSERROR\x00VERROR\x00C26000\x00Mprepared statement "q1" does not exist\x00\x00Z\x00\x00\x00\x05I
> P\x00\x00\x00\x13S_2\x00SELECT 2\x00\x00\x00S\x00\x00\x00\x04
< 1\x00\x00\x00\x04Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x13DEALLOCATE ALL\x00
< C\x00\x00\x00\x13DEALLOCATE ALL\x00Z\x00\x00\x00\x05I
> B\x00\x00\x00\x0f\x00S_2\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< E\x00\x00\x00CSERROR\x00VERROR\x00C26000\x00Mprepared statement "S_2" does not exist\x00\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  STARTUP user=u database=d → ready (auth trust, server 15.8) (0.11ms)
[10:00:00.000] cli pid=100 client     pg  PREPARE Q1 (int, text) AS SELECT $1 + 1, $2 → PREPARE (0.11ms)
[10:00:00.000] cli pid=100 client     pg  SELECT $1 + 1, $2 → SELECT 1 (0.11ms) [$1=5, $2='x']
[10:00:00.000] cli pid=100 client     pg  EXECUTE q1(7, 'y') → SELECT 1 (0.11ms)
[10:00:00.001] cli pid=100 client     pg  DEALLOCATE q1 → DEALLOCATE (0.11ms)
[10:00:00.001] cli pid=100 client     pg  EXECUTE (unknown statement "q1": not prepared on this connection) → ERROR 26000 prepared statement "q1" does not exist (0.11ms) [$1='1', $2='z']
[10:00:00.001] cli pid=100 client     pg  PREPARE SELECT 2 → prepared (0.11ms)
[10:00:00.001] cli pid=100 client     pg  DEALLOCATE ALL → DEALLOCATE ALL (0.11ms)
[10:00:00.001] cli pid=100 client     pg  EXECUTE (unknown statement "S_2": not prepared on this connection) → ERROR 26000 prepared statement "S_2" does not exist (0.11ms)
-- sockets: 1, 1 postgresql
