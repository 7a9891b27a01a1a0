# The server ends an idle session by itself: a FATAL nobody asked for is its own line.
role client
port 5433
> Q\x00\x00\x00\x0dSELECT 1\x00
< T\x00\x00\x00\x1a\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x00D\x00\x00\x00\x0b\x00\x01\x00\x00\x00\x011C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I
wait 5
< E\x00\x00\x00OSFATAL\x00VFATAL\x00C57P01\x00Mterminating connection due to administrator command\x00\x00
close
== expect
[10:00:00.000] cli pid=100 client     pg  SELECT 1 → SELECT 1 (0.11ms)
[10:00:00.005] cli pid=100 client     pg  FATAL → FATAL 57P01 terminating connection due to administrator command
-- sockets: 1, 1 postgresql
