# HTTP/1.1 hands the connection over after 101 Switching Protocols (Upgrade: toy-echo); the rest
# of the 101's chunk is already the new protocol's.
flags -v
> GET /chat HTTP/1.1\r\nHost: e\r\nUpgrade: toy-echo\r\nConnection: Upgrade\r\n\r\n
< HTTP/1.1 101 Switching Protocols\r\nUpgrade: toy-echo\r\nConnection: Upgrade\r\n\r\n
> ECHO after upgrade\n
< +after upgrade\n
close
== expect
[10:00:00.000] cli pid=100 client     GET /chat → 101 0 bytes (0.11ms) [upgrade]
  > GET /chat HTTP/1.1
  > Host: e
  > Upgrade: toy-echo
  > Connection: Upgrade
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: toy-echo
  < Connection: Upgrade

[10:00:00.000] srv pid=200 server     GET /chat → 101 0 bytes (0.09ms) [upgrade]
  > GET /chat HTTP/1.1
  > Host: e
  > Upgrade: toy-echo
  > Connection: Upgrade
  < HTTP/1.1 101 Switching Protocols
  < Upgrade: toy-echo
  < Connection: Upgrade

[10:00:00.000] cli pid=100 client     echo  ECHO after upgrade → OK after upgrade (0.11ms)
  > ECHO after upgrade
  < +after upgrade

[10:00:00.000] srv pid=200 server     echo  ECHO after upgrade → OK after upgrade (0.09ms)
  > ECHO after upgrade
  < +after upgrade

-- sockets: 2, 2 http/1.1, 2 upgraded to echo
