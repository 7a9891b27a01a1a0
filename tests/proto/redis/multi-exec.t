# MULTI, queued commands (+QUEUED), EXEC with the array of their replies (one an
# error); a second MULTI with a bad command aborted by EXEC (EXECABORT).
port 6379
> *1\r\n$5\r\nMULTI\r\n
< +OK\r\n
> *3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n
< +QUEUED\r\n
> *2\r\n$4\r\nINCR\r\n$1\r\na\r\n
< +QUEUED\r\n
> *3\r\n$5\r\nLPUSH\r\n$1\r\na\r\n$1\r\nx\r\n
< +QUEUED\r\n
> *1\r\n$4\r\nEXEC\r\n
< *3\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n
> *1\r\n$5\r\nMULTI\r\n*1\r\n$6\r\nNOSUCH\r\n*1\r\n$4\r\nEXEC\r\n
< +OK\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n-EXECABORT Transaction discarded because of previous errors.\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  MULTI → OK (0.11ms)
[10:00:00.000] srv pid=200 server     redis  MULTI → OK (0.09ms)
[10:00:00.000] cli pid=100 client     redis  SET a 1 → QUEUED (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SET a 1 → QUEUED (0.09ms)
[10:00:00.000] cli pid=100 client     redis  INCR a → QUEUED (0.11ms)
[10:00:00.000] srv pid=200 server     redis  INCR a → QUEUED (0.09ms)
[10:00:00.000] cli pid=100 client     redis  LPUSH a x → QUEUED (0.11ms)
[10:00:00.000] srv pid=200 server     redis  LPUSH a x → QUEUED (0.09ms)
[10:00:00.001] cli pid=100 client     redis  EXEC → 3 items (1 error) (0.11ms)
[10:00:00.001] srv pid=200 server     redis  EXEC → 3 items (1 error) (0.09ms)
[10:00:00.001] cli pid=100 client     redis  MULTI → OK (0.11ms)
[10:00:00.001] cli pid=100 client     redis  NOSUCH → ERR unknown command 'NOSUCH', with args beginning with:  (0.11ms)
[10:00:00.001] cli pid=100 client     redis  EXEC → EXECABORT Transaction discarded because of previous errors. (0.11ms)
[10:00:00.001] srv pid=200 server     redis  MULTI → OK (0.09ms)
[10:00:00.001] srv pid=200 server     redis  NOSUCH → ERR unknown command 'NOSUCH', with args beginning with:  (0.09ms)
[10:00:00.001] srv pid=200 server     redis  EXEC → EXECABORT Transaction discarded because of previous errors. (0.09ms)
-- sockets: 2, 2 redis
