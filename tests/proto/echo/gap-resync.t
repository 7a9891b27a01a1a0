# A gap in the requests: the replies after it may answer lost requests, so they are not paired
# with the wrong one (the line the gap cut is skipped to its end); once nothing waits for an
# answer, pairing starts again.
port 7
> ECHO one\n
< +one\n
> ECHO tw
gap > 5
> ECHO three\n
< +two\n
< +three\n
> ECHO four\n
< +four\n
close
== expect
[10:00:00.000] cli pid=100 client     echo  ECHO one → OK one (0.11ms)
[10:00:00.000] srv pid=200 server     echo  ECHO one → OK one (0.09ms)
[10:00:00.000] srv pid=200 server     echo  ? ? → OK two [no request]
[10:00:00.000] cli pid=100 client     echo  ? ? → OK two [no request]
[10:00:00.000] srv pid=200 server     echo  ? ? → OK three [no request]
[10:00:00.000] cli pid=100 client     echo  ? ? → OK three [no request]
[10:00:00.000] cli pid=100 client     echo  ECHO four → OK four (0.11ms)
[10:00:00.000] srv pid=200 server     echo  ECHO four → OK four (0.09ms)
-- sockets: 2, 2 echo
