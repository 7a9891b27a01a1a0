# No greeting: the server refuses the connection at once (ERR 1040, sequence 0).
port 3306
< \x1d\x00\x00\x00\xff\x10\x04#08004Too many connections
close
== expect
[10:00:00.000] srv pid=200 server     mysql  CONNECT → ERR 1040 (08004) Too many connections [no request]
[10:00:00.000] cli pid=100 client     mysql  CONNECT → ERR 1040 (08004) Too many connections [no request]
-- sockets: 2, 2 mysql
