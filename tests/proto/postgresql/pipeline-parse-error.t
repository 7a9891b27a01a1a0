# A Parse that fails (syntax error) is the failing statement; the Bind and Execute after it
# are skipped with it; a second execution pipelined behind, before the Sync, is not executed.
role client
port 5433
> P\x00\x00\x00\x0f\x00SELEC 1\x00\x00\x00B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00P\x00\x00\x00\x10\x00SELECT 2\x00\x00\x00B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04
< E\x00\x00\x00;SERROR\x00VERROR\x00C42601\x00Msyntax error at or near "SELEC"\x00\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELEC 1 → ERROR 42601 syntax error at or near "SELEC" (0.11ms)
[10:00:00.000] cli pid=100 client     pg  SELECT 2 → not executed (an earlier error)
-- sockets: 1, 1 postgresql
