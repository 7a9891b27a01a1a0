# -vv: a protocol with a body hook shows its messages its own way (here the toy's argument and
# reply), with the sink's prefixes; -v does not call it.
flags -vv
> ECHO hello there\n
< +hello there\n
> FAIL now\n
< -no way\n
close
== expect
[10:00:00.000] cli pid=100 client     echo  ECHO hello there → OK hello there (0.11ms)
  > ECHO hello there
  >| argument (11 bytes): hello there
  < +hello there
  <| reply (11 bytes): hello there

[10:00:00.000] srv pid=200 server     echo  ECHO hello there → OK hello there (0.09ms)
  > ECHO hello there
  >| argument (11 bytes): hello there
  < +hello there
  <| reply (11 bytes): hello there

[10:00:00.000] cli pid=100 client     echo  FAIL now → ERR no way (0.11ms)
  > FAIL now
  >| argument (3 bytes): now
  < -no way
  <| reply (6 bytes): no way

[10:00:00.000] srv pid=200 server     echo  FAIL now → ERR no way (0.09ms)
  > FAIL now
  >| argument (3 bytes): now
  < -no way
  <| reply (6 bytes): no way

-- sockets: 2, 2 echo
