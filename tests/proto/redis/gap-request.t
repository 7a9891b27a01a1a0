# Bytes of the commands are lost: the replies after the gap may answer lost commands, so they are
# shown without a command (never paired with the wrong one) until the client waits again.
port 6379
> *2\r\n$3\r\nGET\r\n$1\r\na\r\n
< $1\r\n1\r\n
gap > 40
> *2\r\n$3\r\nGET\r\n$1\r\nc\r\n
< $1\r\n2\r\n$1\r\n3\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nd\r\n
< $1\r\n4\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET a → "1" 1 byte (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET a → "1" 1 byte (0.09ms)
[10:00:00.000] cli pid=100 client     redis  GET c → "2" 1 byte (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET c → "2" 1 byte (0.09ms)
[10:00:00.000] srv pid=200 server     redis  ? ? → "3" 1 byte [no request]
[10:00:00.000] cli pid=100 client     redis  ? ? → "3" 1 byte [no request]
[10:00:00.000] cli pid=100 client     redis  GET d → "4" 1 byte (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET d → "4" 1 byte (0.09ms)
-- sockets: 2, 2 redis
