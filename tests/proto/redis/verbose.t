# -v: the command line and the reply's type; -vv shows each value of both messages.
port 6379
flags -vv
> *3\r\n$5\r\nHMGET\r\n$1\r\nh\r\n$1\r\nf\r\n
< *2\r\n$3\r\none\r\n$-1\r\n
> *1\r\n$5\r\nHELLO\r\n
< %2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  HMGET h f → 2 items (0.11ms)
  > HMGET h f
  >| (array) 3
  >|   "HMGET"
  >|   "h"
  >|   "f"
  < array 2 items
  <| (array) 2
  <|   "one"
  <|   (nil)

[10:00:00.000] srv pid=200 server     redis  HMGET h f → 2 items (0.09ms)
  > HMGET h f
  >| (array) 3
  >|   "HMGET"
  >|   "h"
  >|   "f"
  < array 2 items
  <| (array) 2
  <|   "one"
  <|   (nil)

[10:00:00.000] cli pid=100 client     redis  HELLO → 2 entries (0.11ms)
  > HELLO
  >| (array) 1
  >|   "HELLO"
  < map 2 entries
  <| (map) 2
  <|   "server"
  <|   "redis"
  <|   "modules"
  <|   (array) 0

[10:00:00.000] srv pid=200 server     redis  HELLO → 2 entries (0.09ms)
  > HELLO
  >| (array) 1
  >|   "HELLO"
  < map 2 entries
  <| (map) 2
  <|   "server"
  <|   "redis"
  <|   "modules"
  <|   (array) 0

-- sockets: 2, 2 redis
