# The client aborts a COPY FROM STDIN (CopyFail): the server's error is that statement's; a
# server that ends a COPY without its CommandComplete leaves no dangling state behind
# (fuzz_postgresql found one).
role client
port 5433
> Q\x00\x00\x00\x16COPY t FROM STDIN\x00
< G\x00\x00\x00\x09\x00\x00\x01\x00\x00
> d\x00\x00\x00\x061\x0af\x00\x00\x00\x14aborted by user\x00
< E\x00\x00\x00CSERROR\x00VERROR\x00C57014\x00MCOPY from stdin failed: aborted by user\x00\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x16COPY t FROM STDIN\x00
< G\x00\x00\x00\x09\x00\x00\x01\x00\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 1\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x011C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  COPY t FROM STDIN → ERROR 57014 COPY from stdin failed: aborted by user (0.31ms)
[10:00:00.000] cli pid=100 client     pg  COPY t FROM STDIN → no result (the server ran fewer statements) (0.11ms)
[10:00:00.000] cli pid=100 client     pg  SELECT 1 → SELECT 1 (0.11ms)
-- sockets: 1, 1 postgresql
