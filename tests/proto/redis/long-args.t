# Arguments are cut (48 bytes) and escaped (quotes for spaces, \xNN for binary); the target
# stops at 256 bytes and says how many arguments there were.
port 6379
> *3\r\n$3\r\nSET\r\n$9\r\nkey space\r\n$6\r\nbin\x00\xff\n\r\n
< +OK\r\n
> *12\r\n$4\r\nMSET\r\n$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n$40\r\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n$40\r\ncccccccccccccccccccccccccccccccccccccccc\r\n$40\r\ndddddddddddddddddddddddddddddddddddddddd\r\n$40\r\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\r\n$40\r\nffffffffffffffffffffffffffffffffffffffff\r\n$40\r\ngggggggggggggggggggggggggggggggggggggggg\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n
< +OK\r\n
> *5\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n1\r\n$5\r\nmykey\r\n$3\r\narg\r\n
< :1\r\n
> *6\r\n$5\r\nXREAD\r\n$5\r\nCOUNT\r\n$1\r\n1\r\n$7\r\nSTREAMS\r\n$2\r\ns1\r\n$1\r\n0\r\n
< *-1\r\n
close
== expect
[10:00:00.000] cli pid=100 client     redis  SET "key space" "bin\x00\xff\n" → OK (0.11ms)
[10:00:00.000] srv pid=200 server     redis  SET "key space" "bin\x00\xff\n" → OK (0.09ms)
[10:00:00.000] cli pid=100 client     redis  MSET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb cccccccccccccccccccccccccccccccccccccccc dddddddddddddddddddddddddddddddddddddddd eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ffffffffffffffffffffffffffffffffffffffff (12 args) → OK (0.11ms)
[10:00:00.000] srv pid=200 server     redis  MSET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb cccccccccccccccccccccccccccccccccccccccc dddddddddddddddddddddddddddddddddddddddd eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ffffffffffffffffffffffffffffffffffffffff (12 args) → OK (0.09ms)
[10:00:00.000] cli pid=100 client     redis  EVAL "return 1" 1 mykey arg → (integer) 1 (0.11ms)
[10:00:00.000] srv pid=200 server     redis  EVAL "return 1" 1 mykey arg → (integer) 1 (0.09ms)
[10:00:00.000] cli pid=100 client     redis  XREAD COUNT 1 STREAMS s1 0 → (nil) (0.11ms)
[10:00:00.000] srv pid=200 server     redis  XREAD COUNT 1 STREAMS s1 0 → (nil) (0.09ms)
-- sockets: 2, 2 redis
