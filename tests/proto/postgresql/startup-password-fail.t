# A cleartext password (never shown, even with -vv) that the server rejects: FATAL 28P01, an
# error; the connection ends.
port 5433
flags -vv
> \x00\x00\x00$\x00\x03\x00\x00user\x00mallory\x00database\x00shop\x00\x00
< R\x00\x00\x00\x08\x00\x00\x00\x03
> p\x00\x00\x00\x13hunter2-secret\x00
< E\x00\x00\x00MSFATAL\x00VFATAL\x00C28P01\x00Mpassword authentication failed for user "mallory"\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     pg  STARTUP user=mallory database=shop → FATAL 28P01 password authentication failed for user "mallory" (0.31ms)
  > StartupMessage user=mallory database=shop
  < ErrorResponse FATAL 28P01 password authentication failed for user "mallory"

[10:00:00.000] srv pid=200 server     pg  STARTUP user=mallory database=shop → FATAL 28P01 password authentication failed for user "mallory" (0.29ms)
  > StartupMessage user=mallory database=shop
  < ErrorResponse FATAL 28P01 password authentication failed for user "mallory"

-- sockets: 2, 2 postgresql
