# mktt.py - hand-made .tinytap files (FORMAT.md) for the robustness tests: a file header, CONN and
# DATA records, blocks compressed with the zstd command (content size and checksum set), so a test
# can replay an exact sequence of records that real traffic produces only by chance.
#   from mktt import file_header, conn, data, block
#   open(p, "wb").write(file_header(T) + block(0, [conn(...), data(...)], [ts, ...]))
import os, struct, subprocess, tempfile, zlib


def _frame(magic, content):
    return struct.pack("<II", magic, len(content)) + content


def _crc(b):
    return struct.pack("<I", zlib.crc32(b) & 0xffffffff)


def file_header(boot_ns, wall_ns=1795587348000000000):
    c = b"TTAP" + struct.pack("<HHIIII", 1, 0, 0x01020304, 40, 262144, 0)
    c += struct.pack("<qQ", wall_ns, boot_ns) + struct.pack("<HH", 0, 0)  # END TLV
    return _frame(0x184D2A50, c + _crc(c))


def _rec(rtype, body):
    r = struct.pack("<II", rtype, len(body)) + body
    return r + b"\0" * (-len(r) % 8)


def _addr(port):
    return struct.pack("<HHI", 2, port, 0) + bytes([127, 0, 0, 1]) + b"\0" * 12


def conn(ts, sock, pid, fd, role, lport, rport):
    """TCP over IPv4 on 127.0.0.1; role 1 client (connect), 2 server (accept)."""
    b = struct.pack("<QQIIiHBBHHI", ts, sock, pid, pid, fd, 1, role, role, 6, 0, 0)
    b += _addr(lport) + _addr(rport) + struct.pack("<Q", 0) + b"\0" * 108 + struct.pack("<I", 0)
    return _rec(2, b)


def data(ts, sock, pid, fd, d, payload, call_bytes=None, flags=0):
    """d 0 egress (write), 1 ingress (read); flags as FORMAT.md 6.1 (8 = DROPPED)."""
    cb = len(payload) if call_bytes is None else call_bytes
    b = struct.pack("<QQQIIiBBHQQIHH", ts, ts - 1000, sock, pid, pid, fd, d, 1 if d else 2, flags,
                    cb, 0, len(payload), 0, 0)
    return _rec(1, b + payload)


def block(seq, recs, tss):
    raw = b"".join(recs)
    with tempfile.NamedTemporaryFile(delete=False) as t:
        t.write(raw)
    try:
        z = subprocess.run(["zstd", "-q", "-1", "--check", "-c", t.name], capture_output=True,
                           check=True).stdout
    finally:
        os.unlink(t.name)
    c = b"TTBK" + struct.pack("<IQIIQQI", len(z), seq, len(raw), len(recs), min(tss), max(tss), 0)
    return _frame(0x184D2A51, c + _crc(c)) + z


def loss(ts, events, nbytes, cpu=0, reason=1):
    """LOSS record (FORMAT.md 6.6): events the kernel could not hand over."""
    return _rec(6, struct.pack("<QQQII", ts, events, nbytes, cpu, reason))


def _ip4(s):
    return bytes(int(x) for x in s.split("."))


def conn_ip(ts, sock, pid, fd, role, lip, lport, rip, rport):
    """TCP over IPv4 between any two addresses (conn() is 127.0.0.1 on both ends)."""
    def a(ip, port):
        return struct.pack("<HHI", 2, port, 0) + _ip4(ip) + b"\0" * 12
    b = struct.pack("<QQIIiHBBHHI", ts, sock, pid, pid, fd, 1, role, role, 6, 0, 0)
    b += a(lip, lport) + a(rip, rport) + struct.pack("<Q", 0) + b"\0" * 108 + struct.pack("<I", 0)
    return _rec(2, b)


def process(ts, pid, ppid, cgroup_id, comm, exe="", origin=1, uid=0):
    """PROCESS record (FORMAT.md 6.4)."""
    b = struct.pack("<QIIQQIB3x", ts, pid, ppid, cgroup_id, ts - 1000, uid, origin)
    b += comm.encode()[:15].ljust(16, b"\0") + exe.encode()[:255].ljust(256, b"\0")
    return _rec(4, b)


def cgroup(ts, cgroup_id, kind, status, attrs, raw_tail=b""):
    """CGROUP record (FORMAT.md 6.9): attrs is a list of (tag, str or bytes); raw_tail is
    appended to the attribute bytes as it is (e.g. a cut attribute)."""
    a = b""
    for tag, v in attrs:
        v = v.encode() if isinstance(v, str) else v
        a += struct.pack("<HH", tag, len(v)) + v
    a += raw_tail
    return _rec(10, struct.pack("<QQBBHI", ts, cgroup_id, kind, status, 0, len(a)) + a)
