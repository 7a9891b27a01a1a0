# SET, GET, a missing key, an integer, an array, an error reply (WRONGTYPE) and QUIT.
port 6379
> *3\r\n$3\r\nSET\r\n$7\r\nuser:42\r\n$3\r\nada\r\n
< +OK\r\n
> *2\r\n$3\r\nGET\r\n$7\r\nuser:42\r\n
< $3\r\nada\r\n
> *2\r\n$3\r\nGET\r\n$4\r\nnope\r\n
< $-1\r\n
> *2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n
< :5\r\n
> *4\r\n$6\r\nLRANGE\r\n$1\r\nk\r\n$1\r\n0\r\n$2\r\n-1\r\n
< *3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n
> *2\r\n$5\r\nLPUSH\r\n$7\r\nuser:42\r\n
< -WRONGTYPE Operation against a key holding the wrong kind of value\r\n
> *1\r\n$4\r\nQUIT\r\n
< +OK\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  SET user:42 ada → OK (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SET user:42 ada → OK (0.09ms)
[10:00:00.000] cli pid=100 client     redis  GET user:42 → "ada" 3 bytes (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET user:42 → "ada" 3 bytes (0.09ms)
[10:00:00.000] cli pid=100 client     redis  GET nope → (nil) (0.11ms)
[10:00:00.000] srv pid=200 server     redis  GET nope → (nil) (0.09ms)
[10:00:00.000] cli pid=100 client     redis  INCR counter → (integer) 5 (0.11ms)
[10:00:00.000] srv pid=200 server     redis  INCR counter → (integer) 5 (0.09ms)
[10:00:00.001] cli pid=100 client     redis  LRANGE k 0 -1 → 3 items (0.11ms)
[10:00:00.001] srv pid=200 server     redis  LRANGE k 0 -1 → 3 items (0.09ms)
[10:00:00.001] cli pid=100 client     redis  LPUSH user:42 → WRONGTYPE Operation against a key holding the wrong kind of value (0.11ms)
[10:00:00.001] srv pid=200 server     redis  LPUSH user:42 → WRONGTYPE Operation against a key holding the wrong kind of value (0.09ms)
[10:00:00.001] cli pid=100 client     redis  QUIT → OK (0.11ms)
[10:00:00.001] srv pid=200 server     redis  QUIT → OK (0.09ms)
-- sockets: 2, 2 redis
