# --errors and --proto select the toy protocol's error replies.
port 7
flags --errors --proto echo
> ECHO a\n
< +a\n
> NOPE b\n
< -unknown verb NOPE\n
close
== expect
[10:00:00.000] cli pid=100 client     echo  NOPE b → ERR unknown verb NOPE (0.11ms)
[10:00:00.000] srv pid=200 server     echo  NOPE b → ERR unknown verb NOPE (0.09ms)
-- sockets: 2, 2 echo
