# Messages whose insides do not match their lengths: a Bind whose parameter runs past its end, a
# Parse with a bad type count, an ErrorResponse without its final NUL. Each is [invalid: why]; the
# answers that follow are not paired with the wrong request.
role client
port 5433
> \x00\x00\x00\x1b\x00\x03\x00\x00user\x00u\x00database\x00d\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x10\x92\x00\x00\x00cZ\x00\x00\x00\x05I
> B\x00\x00\x00\x12\x00\x00\x00\x00\x00\x01\x00\x00\x03\xe8xx\x00\x00S\x00\x00\x00\x04
< E\x00\x00\x00=SERROR\x00VERROR\x00C08P01\x00Minsufficient data left in message\x00\x00Z\x00\x00\x00\x05I
> P\x00\x00\x00\x14\x00SELECT 1\x00\x00\x03\x00\x00\x00\x17S\x00\x00\x00\x04
< E\x00\x00\x00=SERROR\x00VERROR\x00C08P01\x00Minsufficient data left in message\x00\x00Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 5\x00
< E\x00\x00\x00\x16SERROR\x00C42000\x00MbadZ\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 6\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x016C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  STARTUP user=u database=d → ready (auth trust, server 15.8) (0.11ms)
[10:00:00.000] cli pid=100 client     pg  BIND → ERROR 08P01 insufficient data left in message (0.11ms) [invalid: Bind's parameters do not match its length]
[10:00:00.000] cli pid=100 client     pg  PARSE → ERROR 08P01 insufficient data left in message (0.11ms) [invalid: Parse's parameter types do not match its length]
[10:00:00.000] cli pid=100 client     pg  SELECT 5 → ERROR (0.11ms) [invalid: ErrorResponse fields do not parse]
[10:00:00.001] cli pid=100 client     pg  SELECT 6 → SELECT 1 (0.11ms)
-- sockets: 1, 1 postgresql
