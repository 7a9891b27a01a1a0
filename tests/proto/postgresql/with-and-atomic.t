# A WITH query takes its op from the command tag; a CREATE FUNCTION ... BEGIN ATOMIC body is one
# statement despite its semicolons.
role client
port 5433
> Q\x00\x00\x00\xa0WITH x AS (DELETE FROM t RETURNING *) SELECT count(*) FROM x; CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT f()\x00
< T\x00\x00\x00\x1e\x00\x01count\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x010C\x00\x00\x00\x0dSELECT 1\x00C\x00\x00\x00\x14CREATE FUNCTION\x00T\x00\x00\x00\x1a\x00\x01f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x012C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELECT WITH x AS (DELETE FROM t RETURNING *) SELECT count(*) FROM x → SELECT 1 (0.11ms)
[10:00:00.000] cli pid=100 client     pg  CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END → CREATE FUNCTION (0.11ms)
[10:00:00.000] cli pid=100 client     pg  SELECT f() → SELECT 1 (0.11ms)
-- sockets: 1, 1 postgresql
