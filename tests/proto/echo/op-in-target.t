# A target that starts with the operation as its first word (as SQL does: op SELECT, target
# "select * from t") is shown once on the line, not as "ECHO echo hi"; JSON keeps both.
port 7
> ECHO echo hi\n
< +echo hi\n
> ECHO echoes\n
< +echoes\n
close
== expect
[10:00:00.000] cli pid=100 client     echo  echo hi → OK echo hi (0.11ms)
[10:00:00.000] srv pid=200 server     echo  echo hi → OK echo hi (0.09ms)
[10:00:00.000] cli pid=100 client     echo  ECHO echoes → OK echoes (0.11ms)
[10:00:00.000] srv pid=200 server     echo  ECHO echoes → OK echoes (0.09ms)
-- sockets: 2, 2 echo
