# Hostile replies: a huge bulk length, then (another connection would be needed for more) the
# direction ends as [invalid: why]; the commands after it get no reply.
port 6379
> *2\r\n$3\r\nGET\r\n$1\r\na\r\n
< $99999999999999999999\r\n
> *2\r\n$3\r\nGET\r\n$1\r\nb\r\n
< $1\r\nb\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  GET a → unparsable reply (0.11ms) [invalid: a bulk length that is not a number]
[10:00:00.000] srv pid=200 server     redis  GET a → unparsable reply (0.09ms) [invalid: a bulk length that is not a number]
[10:00:00.000] cli pid=100 client     redis  GET b → (no response)
[10:00:00.000] srv pid=200 server     redis  GET b → (no response)
-- sockets: 2, 2 redis
