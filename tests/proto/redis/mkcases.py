#!/usr/bin/env python3
"""Writes the input part of some Redis cases (those whose RESP is tedious to write by hand);
keeps each file's expected part. Then: TT_PROTO_REGEN=1 build/tests/test_proto, review the diff.
With --corpus DIR: writes every case of this directory (*.t) as a seed of tests/fuzz/fuzz_redis
in tests/fuzz/proto_driver.h's input format instead."""
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def esc(b):
    out = []
    for c in b:
        if c == 13:
            out.append('\\r')
        elif c == 10:
            out.append('\\n')
        elif c == 9:
            out.append('\\t')
        elif c == 92:
            out.append('\\\\')
        elif 32 <= c < 127:
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    return ''.join(out)


def cmd(*args):
    b = b'*%d\r\n' % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        b += b'$%d\r\n%s\r\n' % (len(a), a)
    return b


def bulk(s):
    s = s if isinstance(s, bytes) else s.encode()
    return b'$%d\r\n%s\r\n' % (len(s), s)


def arr(*items):
    return b'*%d\r\n' % len(items) + b''.join(items)


def write(name, header, lines):
    path = os.path.join(HERE, name)
    exp = '== expect\n'
    if os.path.exists(path):
        old = open(path).read()
        i = old.find('== expect\n')
        if i >= 0:
            exp = old[i:]
    with open(path, 'w') as f:
        f.write(header)
        for d, b in lines:
            if d in ('>', '<'):
                f.write('%s %s\n' % (d, esc(b)))
            else:
                f.write(d + '\n')
        f.write(exp)


def unesc(t):
    o, i = bytearray(), 0
    while i < len(t):
        if t[i] == '\\' and i + 1 < len(t):
            c = t[i + 1]
            if c == 'x':
                o.append(int(t[i + 2:i + 4], 16))
                i += 4
                continue
            o += {'r': b'\r', 'n': b'\n', 't': b'\t', '0': b'\0', '\\': b'\\'}[c]
            i += 2
            continue
        o += t[i].encode()
        i += 1
    return bytes(o)


def fuzz_input(path):
    """A case's bytes in tests/fuzz/proto_driver.h's format (role: client; > is egress)."""
    out = bytearray([1])
    for line in open(path).read().split('== expect')[0].splitlines():
        if line.startswith('> ') or line.startswith('< '):
            d = 0 if line[0] == '>' else 1
            b = unesc(line[2:])
            while b:
                if len(b) >= 16:
                    k = min(len(b) // 16, 32)
                    out += bytes([d | 2 | (k - 1) << 3]) + b[:16 * k]
                    b = b[16 * k:]
                else:
                    out += bytes([d | (len(b) - 1) << 3]) + b
                    b = b''
        elif line.startswith('gap ') or line.startswith('nodata '):
            w = line.split()
            n = min(int(w[2]), 0xfffe)
            out += bytes([(0 if w[1] == '>' else 1) | (4 if w[0] == 'gap' else 6)])
            out += bytes([n & 255, n >> 8])
    return bytes(out)


if len(sys.argv) == 3 and sys.argv[1] == '--corpus':
    os.makedirs(sys.argv[2], exist_ok=True)
    paths = sorted(glob.glob(os.path.join(HERE, '*.t')))
    for p in paths:
        with open(os.path.join(sys.argv[2], os.path.basename(p)[:-2]), 'wb') as f:
            f.write(fuzz_input(p))
    print('wrote %d seeds to %s' % (len(paths), sys.argv[2]))
    sys.exit(0)

# pipelining: 300 commands in one write, their replies in two writes
cmds = b''.join(cmd('SET', 'k%d' % i, 'v%d' % i) if i % 3 else cmd('GET', 'k%d' % i)
                for i in range(120))
reps = b''.join(b'+OK\r\n' if i % 3 else bulk('v%d' % i) for i in range(120))
write('pipeline.t', '# 120 commands in one write, the 120 replies in two writes: paired in order.\n'
      'port 6380\n',
      [('>', cmds), ('<', reps[:500]), ('<', reps[500:]), ('close', b'')])

# a big bulk string split across many reads, both ways
val = bytes((i * 7) % 26 + 97 for i in range(3000))
setc = cmd('SET', 'blob', val)
getr = bulk(val)
lines = [('>', setc[i:i + 200]) for i in range(0, len(setc), 200)]
lines += [('<', b'+OK\r\n'), ('>', cmd('GET', 'blob'))]
lines += [('<', getr[i:i + 250]) for i in range(0, len(getr), 250)]
lines += [('close', b'')]
write('split-bulk.t', '# A 3000-byte value sent in 200-byte reads and read back in 250-byte ones: the\n'
      '# value is streamed (a prefix kept, the rest counted); the target cuts it.\nport 6379\n', lines)

# MULTI/EXEC with a runtime error inside, then DISCARD and an EXECABORT
write('multi-exec.t', '# MULTI, queued commands (+QUEUED), EXEC with the array of their replies (one an\n'
      '# error); a second MULTI with a bad command aborted by EXEC (EXECABORT).\nport 6379\n', [
    ('>', cmd('MULTI')), ('<', b'+OK\r\n'),
    ('>', cmd('SET', 'a', '1')), ('<', b'+QUEUED\r\n'),
    ('>', cmd('INCR', 'a')), ('<', b'+QUEUED\r\n'),
    ('>', cmd('LPUSH', 'a', 'x')), ('<', b'+QUEUED\r\n'),
    ('>', cmd('EXEC')),
    ('<', arr(b'+OK\r\n', b':2\r\n',
              b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n')),
    ('>', cmd('MULTI') + cmd('NOSUCH') + cmd('EXEC')),
    ('<', b"+OK\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n"
          b'-EXECABORT Transaction discarded because of previous errors.\r\n'),
    ('close', b'')])

# pub/sub, RESP2
write('pubsub.t', '# SUBSCRIBE to two channels (two confirmations, one transaction), messages pushed\n'
      '# by the server (one-way, not paired), PSUBSCRIBE and a pmessage, PING in subscribed\n'
      '# mode, UNSUBSCRIBE without arguments (confirmations until none is left).\nport 6379\n', [
    ('>', cmd('SUBSCRIBE', 'news', 'sport')),
    ('<', arr(bulk('subscribe'), bulk('news'), b':1\r\n')),
    ('<', arr(bulk('subscribe'), bulk('sport'), b':2\r\n')),
    ('<', arr(bulk('message'), bulk('news'), bulk('hello world'))),
    ('<', arr(bulk('message'), bulk('sport'), bulk('goal'))),
    ('>', cmd('PSUBSCRIBE', 'n*')),
    ('<', arr(bulk('psubscribe'), bulk('n*'), b':3\r\n')),
    ('<', arr(bulk('pmessage'), bulk('n*'), bulk('news'), bulk('again'))),
    ('>', cmd('PING')),
    ('<', arr(bulk('pong'), bulk(''))),
    ('>', cmd('UNSUBSCRIBE')),
    ('<', arr(bulk('unsubscribe'), bulk('news'), b':2\r\n') +
          arr(bulk('unsubscribe'), bulk('sport'), b':1\r\n')),
    ('>', cmd('PUNSUBSCRIBE', 'n*')),
    ('<', arr(bulk('punsubscribe'), bulk('n*'), b':0\r\n')),
    ('close', b'')])

# RESP3
write('resp3.t', '# HELLO 3 (a map), then RESP3 types: set, double, boolean, null, big number,\n'
      '# verbatim string, an attribute before a reply, a blob error, and pushes (a subscription\n'
      '# confirmation pairs with SUBSCRIBE; a message and an invalidation are one-way).\n'
      'port 6379\n', [
    ('>', cmd('HELLO', '3')),
    ('<', b'%3\r\n' + bulk('server') + bulk('redis') + bulk('version') + bulk('7.0.15') +
          bulk('proto') + b':3\r\n'),
    ('>', cmd('SMEMBERS', 's')), ('<', b'~2\r\n' + bulk('a') + bulk('b')),
    ('>', cmd('ZSCORE', 'z', 'm')), ('<', b',3.14\r\n'),
    ('>', cmd('SISMEMBER', 's', 'a')), ('<', b'#t\r\n'),
    ('>', cmd('GET', 'nope')), ('<', b'_\r\n'),
    ('>', cmd('DEBUG', 'PROTOCOL', 'bignum')), ('<', b'(1234567999999999999999999999999999999\r\n'),
    ('>', cmd('INFO', 'server')), ('<', b'=%d\r\ntxt:# Server\r\nv=7\r\n' % len(b'txt:# Server\r\nv=7')),
    ('>', cmd('GET', 'k')), ('<', b'|1\r\n+key-popularity\r\n%1\r\n$1\r\nk\r\n,0.19\r\n$2\r\nhi\r\n'),
    ('>', cmd('EVAL', 'x', '0')), ('<', b'!21\r\nSYNTAX invalid syntax\r\n'),
    ('>', cmd('SUBSCRIBE', 'ch')),
    ('<', b'>3\r\n' + bulk('subscribe') + bulk('ch') + b':1\r\n'),
    ('<', b'>3\r\n' + bulk('message') + bulk('ch') + bulk('pushed')),
    ('<', b'>2\r\n' + bulk('invalidate') + arr(bulk('k'))),
    ('close', b'')])

# hostile: a length over the cap, nesting deeper than 32, a count over 2^32, a number line too
# long (a line over 64 KiB and floods: testdata/hostile-redis.tinytap)
write('hostile-bulk-4g.t', '# A bulk length over 4 GiB: [invalid], nothing allocated.\nport 6379\n', [
    ('>', cmd('GET', 'a')), ('<', b'$4294967297\r\nabc'), ('close', b'')])
write('hostile-deep.t', '# Arrays nested 40 deep: [invalid] at the 33rd.\nport 6379\n', [
    ('>', cmd('GET', 'a')), ('<', b'*1\r\n' * 40 + b':1\r\n'),
    ('>', cmd('GET', 'b')), ('<', b'+OK\r\n'), ('close', b'')])
write('hostile-count.t', '# An array of 2^40 elements: [invalid].\nport 6379\n', [
    ('>', cmd('LRANGE', 'l', '0', '-1')), ('<', b'*1099511627776\r\n:1\r\n'), ('close', b'')])
write('hostile-number.t', '# A length line of 60 digits, in a command: [invalid]; Redis answers a protocol error.\n'
      'port 6379\n', [
    ('>', b'*' + b'1' * 60 + b'\r\n'), ('<', b"-ERR Protocol error: invalid multibulk length\r\n"),
    ('close', b'')])
