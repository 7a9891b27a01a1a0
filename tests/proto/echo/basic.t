# The toy protocol in lines: tag, op, target, outcome words, errors in red, -v start lines.
port 7
flags -v
> ECHO hello world\n
< +hello world\n
> SHOUT\n
< -no such command\n
> PING\n
< +\n
close
== expect
[10:00:00.000] cli pid=100 client     echo  ECHO hello world → OK hello world (0.11ms)
  > ECHO hello world
  < +hello world

[10:00:00.000] srv pid=200 server     echo  ECHO hello world → OK hello world (0.09ms)
  > ECHO hello world
  < +hello world

[10:00:00.000] cli pid=100 client     echo  SHOUT → ERR no such command (0.11ms)
  > SHOUT
  < -no such command

[10:00:00.000] srv pid=200 server     echo  SHOUT → ERR no such command (0.09ms)
  > SHOUT
  < -no such command

[10:00:00.000] cli pid=100 client     echo  PING → OK (0.11ms)
  > PING
  < +

[10:00:00.000] srv pid=200 server     echo  PING → OK (0.09ms)
  > PING
  < +

-- sockets: 2, 2 echo
