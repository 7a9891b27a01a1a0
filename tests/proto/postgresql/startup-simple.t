# Startup over TCP: psql asks for TLS, is refused (N), starts up (trust), runs a query and
# leaves. The SSLRequest folds into the startup line; -v shows the messages.
port 5433
flags -v
> \x00\x00\x00\x08\x04\xd2\x16/
< N
> \x00\x00\x00M\x00\x03\x00\x00user\x00alice\x00database\x00shop\x00application_name\x00psql\x00client_encoding\x00UTF8\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x18server_version\x0015.8\x00S\x00\x00\x00\x19client_encoding\x00UTF8\x00K\x00\x00\x00\x0c\x00\x00\x10\x92\x00\x00\x00cZ\x00\x00\x00\x05I
> Q\x00\x00\x000SELECT  id,\x0a\x09name FROM users\x0a WHERE id = 1;\x00
< T\x00\x00\x002\x00\x02id\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00name\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x12\x00\x02\x00\x00\x00\x011\x00\x00\x00\x03adaC\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
> X\x00\x00\x00\x04
close
== expect
[10:00:00.000] cli pid=100 client     pg  STARTUP user=alice database=shop application_name=psql → ready (auth trust, server 15.8) (0.31ms)
  > StartupMessage user=alice database=shop application_name=psql (ssl refused)
  < auth trust, server_version 15.8, BackendKeyData pid 4242, ReadyForQuery idle

[10:00:00.000] srv pid=200 server     pg  STARTUP user=alice database=shop application_name=psql → ready (auth trust, server 15.8) (0.29ms)
  > StartupMessage user=alice database=shop application_name=psql (ssl refused)
  < auth trust, server_version 15.8, BackendKeyData pid 4242, ReadyForQuery idle

[10:00:00.000] cli pid=100 client     pg  SELECT id, name FROM users WHERE id = 1 → SELECT 1 (0.11ms)
  > Query: SELECT id, name FROM users WHERE id = 1
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

[10:00:00.000] srv pid=200 server     pg  SELECT id, name FROM users WHERE id = 1 → SELECT 1 (0.09ms)
  > Query: SELECT id, name FROM users WHERE id = 1
  < CommandComplete SELECT 1, 1 DataRow, ReadyForQuery idle

-- sockets: 2, 2 postgresql
