# SUBSCRIBE to two channels (two confirmations, one transaction), messages pushed
# by the server (one-way, not paired), PSUBSCRIBE and a pmessage, PING in subscribed
# mode, UNSUBSCRIBE without arguments (confirmations until none is left).
port 6379
> *3\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n$5\r\nsport\r\n
< *3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n
< *3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n
< *3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$11\r\nhello world\r\n
< *3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n$4\r\ngoal\r\n
> *2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\nn*\r\n
< *3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n
< *4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nagain\r\n
> *1\r\n$4\r\nPING\r\n
< *2\r\n$4\r\npong\r\n$0\r\n\r\n
> *1\r\n$11\r\nUNSUBSCRIBE\r\n
< *3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:1\r\n
> *2\r\n$12\r\nPUNSUBSCRIBE\r\n$2\r\nn*\r\n
< *3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:0\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  SUBSCRIBE news sport → subscribed, 2 subscriptions (0.21ms)
[10:00:00.000] srv pid=200 server     redis  SUBSCRIBE news sport → subscribed, 2 subscriptions (0.19ms)
[10:00:00.000] srv pid=200 server     redis  → message news "hello world" 11 bytes
[10:00:00.000] cli pid=100 client     redis  ← message news "hello world" 11 bytes
[10:00:00.000] srv pid=200 server     redis  → message sport "goal" 4 bytes
[10:00:00.000] cli pid=100 client     redis  ← message sport "goal" 4 bytes
[10:00:00.000] cli pid=100 client     redis  PSUBSCRIBE n* → subscribed, 3 subscriptions (0.11ms)
[10:00:00.000] srv pid=200 server     redis  PSUBSCRIBE n* → subscribed, 3 subscriptions (0.09ms)
[10:00:00.000] srv pid=200 server     redis  → pmessage news (n*) "again" 5 bytes
[10:00:00.000] cli pid=100 client     redis  ← pmessage news (n*) "again" 5 bytes
[10:00:00.001] cli pid=100 client     redis  PING → 2 items (0.11ms)
[10:00:00.001] srv pid=200 server     redis  PING → 2 items (0.09ms)
[10:00:00.001] cli pid=100 client     redis  UNSUBSCRIBE → unsubscribed, 1 subscription (0.11ms)
[10:00:00.001] srv pid=200 server     redis  UNSUBSCRIBE → unsubscribed, 1 subscription (0.09ms)
[10:00:00.001] cli pid=100 client     redis  PUNSUBSCRIBE n* → unsubscribed, 0 subscriptions (0.11ms)
[10:00:00.001] srv pid=200 server     redis  PUNSUBSCRIBE n* → unsubscribed, 0 subscriptions (0.09ms)
-- sockets: 2, 2 redis
