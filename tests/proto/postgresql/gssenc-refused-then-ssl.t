# libpq tries GSS encryption (refused), then TLS (refused), then starts up in the clear.
role client
port 5433
> \x00\x00\x00\x08\x04\xd2\x160
< N
> \x00\x00\x00\x08\x04\xd2\x16/
< N
> \x00\x00\x00\x1b\x00\x03\x00\x00user\x00u\x00database\x00d\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x10\x92\x00\x00\x00cZ\x00\x00\x00\x05I
close
== expect
[10:00:00.000] cli pid=100 client     pg  GSSENC → refused (0.11ms)
[10:00:00.000] cli pid=100 client     pg  STARTUP user=u database=d → ready (auth trust, server 15.8) (0.31ms)
-- sockets: 1, 1 postgresql
