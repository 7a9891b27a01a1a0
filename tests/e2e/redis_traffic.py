#!/usr/bin/python3
"""Redis traffic for tests/e2e/proto_redis.sh and testdata/record.sh redis: python3-redis (a
pipeline of N commands, MULTI/EXEC with a runtime error, errors, a big value, pub/sub with a
second connection publishing) and raw sockets (RESP3 after HELLO 3 with its map, set, double and
push replies; inline commands). Every connection authenticates with the password given.
Prints what it sent and got, one fact a line: `sent OP N`, `error OP N`, `replies N`, `pushes N`.
Usage: redis_traffic.py PORT PASSWORD N"""
import collections
import socket
import sys
import time

import redis

port, pw, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sent = collections.Counter()
errors = collections.Counter()
got = {'replies': 0, 'pushes': 0}


def R():
    return redis.Redis(host='127.0.0.1', port=port, password=pw, decode_responses=True,
                       socket_timeout=10)


def run(c, *args):
    sent[args[0].upper()] += 1
    try:
        v = c.execute_command(*args)
        got['replies'] += 1
        return v
    except redis.ResponseError:
        errors[args[0].upper()] += 1
        got['replies'] += 1
        return None


r = R()
run(r, 'PING')
sent['AUTH'] += 1  # redis-py authenticates each connection it opens (answered OK)
got['replies'] += 1
# a pipeline of n commands in one write
p = r.pipeline(transaction=False)
for i in range(n):
    if i % 3 == 0:
        p.execute_command('INCR', 'counter')
        sent['INCR'] += 1
    elif i % 3 == 1:
        p.execute_command('SET', 'k%d' % i, 'v%d' % i)
        sent['SET'] += 1
    else:
        p.execute_command('GET', 'k%d' % (i - 1))
        sent['GET'] += 1
res = p.execute()
got['replies'] += len(res)
# MULTI/EXEC: queued commands, one of them failing at EXEC
run(r, 'SET', 'str', 'text')
p = r.pipeline(transaction=True)
p.execute_command('SET', 'a', '1')
p.execute_command('INCR', 'a')
p.execute_command('LPUSH', 'str', 'x')
res = p.execute(raise_on_error=False)
for op in ('MULTI', 'SET', 'INCR', 'LPUSH', 'EXEC'):
    sent[op] += 1
got['replies'] += 5
# errors
run(r, 'LPUSH', 'str', 'y')
run(r, 'INCR', 'str')
# a value bigger than a read
run(r, 'SET', 'big', 'x' * 300000)
run(r, 'GET', 'big')
run(r, 'RPUSH', 'list', *['item%d' % i for i in range(12)])
run(r, 'LRANGE', 'list', '0', '-1')
# pub/sub: a subscriber, and messages from another connection
ps = r.pubsub()
ps.subscribe('news', 'sport')
sent['SUBSCRIBE'] += 1  # on the connection r used, taken back from the pool (no new AUTH)
pub = R()
sent['AUTH'] += 1
got['replies'] += 1
confirms = 0
deadline = time.time() + 10
while confirms < 2 and time.time() < deadline:
    m = ps.get_message(timeout=1)
    if m and m['type'] == 'subscribe':
        confirms += 1
got['replies'] += 1  # the confirmations answer one SUBSCRIBE
for ch, msg in (('news', 'hello'), ('sport', 'goal'), ('news', 'again')):
    run(pub, 'PUBLISH', ch, msg)
msgs = 0
deadline = time.time() + 10
while msgs < 3 and time.time() < deadline:
    m = ps.get_message(timeout=1)
    if m and m['type'] == 'message':
        msgs += 1
got['pushes'] += msgs
ps.unsubscribe()
sent['UNSUBSCRIBE'] += 1
left = 2
deadline = time.time() + 10
while left and time.time() < deadline:
    m = ps.get_message(timeout=1)
    if m and m['type'] == 'unsubscribe':
        left -= 1
got['replies'] += 1
ps.close()


# raw sockets: RESP3 and inline commands
def cmd(*args):
    b = b'*%d\r\n' % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        b += b'$%d\r\n%s\r\n' % (len(a), a)
    return b


class Reader:
    def __init__(self, s):
        self.s, self.buf = s, b''

    def line(self):
        while b'\r\n' not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b'\r\n', 1)
        return l

    def take(self, k):
        while len(self.buf) < k + 2:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        v, self.buf = self.buf[:k], self.buf[k + 2:]
        return v

    def value(self):
        """One RESP3 value: (type byte, python value)."""
        l = self.line()
        t, rest = l[:1], l[1:]
        if t in (b'$', b'=', b'!'):
            k = int(rest)
            return t, None if k < 0 else self.take(k)
        if t in (b'*', b'~', b'>', b'%', b'|'):
            k = int(rest)
            k = k * 2 if t in (b'%', b'|') else k
            items = [self.value() for _ in range(max(k, 0))]
            if t == b'|':
                return self.value()
            return t, items
        return t, rest


s = socket.create_connection(('127.0.0.1', port), timeout=10)
rd = Reader(s)
resp3 = [cmd('HELLO', '3', 'AUTH', 'default', pw), cmd('HSET', 'h', 'f1', 'v1', 'f2', 'v2'),
         cmd('HGETALL', 'h'), cmd('SADD', 'set', 'a', 'b'), cmd('SMEMBERS', 'set'),
         cmd('ZADD', 'z', '1.5', 'm'), cmd('ZSCORE', 'z', 'm'), cmd('GET', 'nosuchkey'),
         cmd('SUBSCRIBE', 'ch3')]
for c, op in zip(resp3, ('HELLO', 'HSET', 'HGETALL', 'SADD', 'SMEMBERS', 'ZADD', 'ZSCORE', 'GET',
                         'SUBSCRIBE')):
    s.sendall(c)
    sent[op] += 1
    t, v = rd.value()
    got['replies'] += 1
    assert t != b'-', v
run(pub, 'PUBLISH', 'ch3', 'resp3 push')
t, v = rd.value()
assert t == b'>', t
got['pushes'] += 1
s.sendall(cmd('UNSUBSCRIBE', 'ch3'))
sent['UNSUBSCRIBE'] += 1
rd.value()
got['replies'] += 1
s.close()
# inline commands, as typed into telnet
s = socket.create_connection(('127.0.0.1', port), timeout=10)
rd = Reader(s)
for line, op in ((b'AUTH ' + pw.encode(), 'AUTH'), (b'PING', 'PING'), (b'SET inline yes', 'SET'),
                 (b'GET inline', 'GET')):
    s.sendall(line + b'\r\n')
    sent[op] += 1
    rd.value()
    got['replies'] += 1
s.close()
pub.close()
r.close()
for op, k in sorted(sent.items()):
    print('sent %s %d' % (op, k))
for op, k in sorted(errors.items()):
    print('error %s %d' % (op, k))
print('replies %d' % got['replies'])
print('pushes %d' % got['pushes'])
