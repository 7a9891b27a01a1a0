#!/usr/bin/env python3
"""Writes testdata/hostile-redis.tinytap: hostile Redis traffic seen from the client's socket
(hand-made records, tests/e2e/mktt.py), one connection per shape:
  1. a flood: 5000 GETs pipelined in one write and never answered but the first (the queue keeps
     1024: the oldest are given up on, and the one reply is not paired with a later command);
  2. a simple string reply of 100 KiB (over the 64 KiB line cap);
  3. arrays nested 10000 deep (over 32);
  4. a bulk length of 2^33 (over 4 GiB): the direction ends there (the next command gets no reply);
  5. a reply cut by the close: an array of a billion elements that never comes;
  6. a pub/sub flood: 3000 messages pushed after one SUBSCRIBE (each one-way).
Usage: python3 testdata/gen_hostile_redis.py (from anywhere)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
from mktt import file_header, conn, data, block, process  # noqa: E402

T0 = 5_000_000_000
PID = 4242


def cmd(*args):
    b = b'*%d\r\n' % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        b += b'$%d\r\n%s\r\n' % (len(a), a)
    return b


def bulk(s):
    s = s.encode() if isinstance(s, str) else s
    return b'$%d\r\n%s\r\n' % (len(s), s)


recs, tss = [], []
ts = T0


def add(r, t):
    recs.append(r)
    tss.append(t)


add(process(ts, PID, 1, 0, "hostile-cli"), ts)
conns = [
    [(0, b''.join(cmd('GET', 'k%d' % i) for i in range(5000))), (1, bulk('v0'))],
    [(0, cmd('GET', 'hostile-line')), (1, b'+' + b'x' * (100 << 10) + b'\r\n')],
    [(0, cmd('GET', 'hostile-deep')), (1, b'*1\r\n' * 10000 + b':1\r\n')],
    [(0, cmd('GET', 'hostile-bulk')), (1, b'$8589934592\r\nabc'),
     (0, cmd('LRANGE', 'hostile-count', '0', '-1'))],
    [(0, cmd('LRANGE', 'hostile-cut', '0', '-1')), (1, b'*1000000000\r\n$1\r\na\r\n')],
    [(0, cmd('SUBSCRIBE', 'flood')), (1, b'*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n'),
     (1, b''.join(b'*3\r\n$7\r\nmessage\r\n$5\r\nflood\r\n' + bulk('m%d' % i) for i in range(3000)))],
]
for i, steps in enumerate(conns):
    sock, fd, port = 9000 + i, 10 + i, 50000 + i
    ts += 1_000_000
    add(conn(ts, sock, PID, fd, 1, port, 6379), ts)
    for d, payload in steps:
        ts += 100_000
        add(data(ts, sock, PID, fd, d, payload), ts)
out = os.path.join(HERE, "hostile-redis.tinytap")
with open(out, "wb") as f:
    f.write(file_header(T0) + block(0, recs, tss))
print("wrote", out)
