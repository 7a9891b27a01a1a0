# --status applies only where the field exists: an echo error never matches 5xx.
port 7
flags --status 5xx
> NOPE\n
< -err\n
close
== expect
-- sockets: 2, 2 echo
