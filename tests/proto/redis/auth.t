# Passwords are never shown: AUTH pass, AUTH user pass, HELLO 3 AUTH user pass SETNAME,
# CONFIG SET requirepass, an inline AUTH, and -vv (the command's bytes are not kept).
port 6379
flags -vv
> *2\r\n$4\r\nAUTH\r\n$7\r\nhunter2\r\n
< -WRONGPASS invalid username-password pair or user is disabled.\r\n
> *3\r\n$4\r\nauth\r\n$5\r\nalice\r\n$7\r\nhunter2\r\n
< +OK\r\n
> *7\r\n$5\r\nHELLO\r\n$1\r\n2\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$7\r\nhunter2\r\n$7\r\nSETNAME\r\n$3\r\napp\r\n
< *2\r\n$6\r\nserver\r\n$5\r\nredis\r\n
> *4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$7\r\nhunter2\r\n
< +OK\r\n
> AUTH hunter2\r\n
< +OK\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nk\r\n
< $3\r\nabc\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  AUTH *** → WRONGPASS invalid username-password pair or user is disabled. (0.11ms)
  > AUTH ***
  >| [not kept: the command carries a password]
  < error WRONGPASS invalid username-password pair or user is disabled.
  <| (error) WRONGPASS invalid username-password pair or user is disabled.

[10:00:00.000] srv pid=200 server     redis  AUTH *** → WRONGPASS invalid username-password pair or user is disabled. (0.09ms)
  > AUTH ***
  >| [not kept: the command carries a password]
  < error WRONGPASS invalid username-password pair or user is disabled.
  <| (error) WRONGPASS invalid username-password pair or user is disabled.

[10:00:00.000] cli pid=100 client     redis  AUTH alice *** → OK (0.11ms)
  > AUTH alice ***
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.000] srv pid=200 server     redis  AUTH alice *** → OK (0.09ms)
  > AUTH alice ***
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.000] cli pid=100 client     redis  HELLO 2 AUTH alice *** SETNAME app → 2 items (0.11ms)
  > HELLO 2 AUTH alice *** SETNAME app
  >| [not kept: the command carries a password]
  < array 2 items
  <| (array) 2
  <|   "server"
  <|   "redis"

[10:00:00.000] srv pid=200 server     redis  HELLO 2 AUTH alice *** SETNAME app → 2 items (0.09ms)
  > HELLO 2 AUTH alice *** SETNAME app
  >| [not kept: the command carries a password]
  < array 2 items
  <| (array) 2
  <|   "server"
  <|   "redis"

[10:00:00.000] cli pid=100 client     redis  CONFIG SET requirepass *** → OK (0.11ms)
  > CONFIG SET requirepass ***
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.000] srv pid=200 server     redis  CONFIG SET requirepass *** → OK (0.09ms)
  > CONFIG SET requirepass ***
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.001] cli pid=100 client     redis  AUTH *** → OK (0.11ms)
  > AUTH *** (inline)
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.001] srv pid=200 server     redis  AUTH *** → OK (0.09ms)
  > AUTH *** (inline)
  >| [not kept: the command carries a password]
  < simple_string OK
  <| (simple_string) OK

[10:00:00.001] cli pid=100 client     redis  GET k → "abc" 3 bytes (0.11ms)
  > GET k
  >| (array) 2
  >|   "GET"
  >|   "k"
  < bulk_string "abc" 3 bytes
  <| "abc"

[10:00:00.001] srv pid=200 server     redis  GET k → "abc" 3 bytes (0.09ms)
  > GET k
  >| (array) 2
  >|   "GET"
  >|   "k"
  < bulk_string "abc" 3 bytes
  <| "abc"

-- sockets: 2, 2 redis
