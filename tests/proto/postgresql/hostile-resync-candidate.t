# After a message that does not parse, the bytes left of it may look like the start of another
# (here "t\0" and the next header read as a ParameterDescription of 5.9 MB): what is seen of a
# candidate must already be well-formed, so the next ReadyForQuery is found at once and the
# following query pairs, instead of everything waiting for megabytes that never come.
role client
port 5433
> \x00\x00\x00\x1b\x00\x03\x00\x00user\x00u\x00database\x00d\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x10\x92\x00\x00\x00cZ\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 7\x00
< ?\x00\x00\x00\x09what\x00
< Z\x00\x00\x00\x05I
> Q\x00\x00\x00\x0dSELECT 8\x00
< T\x00\x00\x00\x1a\x00\x01n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x018C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  STARTUP user=u database=d → ready (auth trust, server 15.8) (0.11ms)
[10:00:00.000] cli pid=100 client     pg  SELECT 7 → (no response) [invalid: unknown backend message type]
[10:00:00.000] cli pid=100 client     pg  SELECT 8 → SELECT 1 (0.11ms)
-- sockets: 1, 1 postgresql
