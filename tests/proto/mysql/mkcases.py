#!/usr/bin/env python3
# mkcases.py - writes the input part of the MySQL parser cases (tests/proto/mysql/*.t): MySQL
# packets are binary, so they are built here from readable calls and written with \xNN escapes.
# The expected part of each file (after "== expect") is kept as it is; regenerate it with
#   python3 tests/proto/mysql/mkcases.py && TT_PROTO_REGEN=1 build/tests/test_proto
# and review `git diff tests/proto/mysql` (a wrong expected output is a defect).
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# capability flags
LONG_PASSWORD_OR_MYSQL = 1 << 0
LONG_FLAG = 1 << 2
CONNECT_WITH_DB = 1 << 3
COMPRESS = 1 << 5
LOCAL_FILES = 1 << 7
PROTOCOL_41 = 1 << 9
SSL = 1 << 11
TRANSACTIONS = 1 << 13
SECURE = 1 << 15
MULTI_STATEMENTS = 1 << 16
MULTI_RESULTS = 1 << 17
PS_MULTI_RESULTS = 1 << 18
PLUGIN_AUTH = 1 << 19
CONNECT_ATTRS = 1 << 20
AUTH_LENENC = 1 << 21
SESSION_TRACK = 1 << 23
DEPRECATE_EOF = 1 << 24

BASE = (LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE | MULTI_STATEMENTS |
        MULTI_RESULTS | PS_MULTI_RESULTS | PLUGIN_AUTH | LOCAL_FILES)
SRV = BASE | COMPRESS | SSL | CONNECT_ATTRS | AUTH_LENENC | SESSION_TRACK | DEPRECATE_EOF
ST_AUTOCOMMIT, ST_MORE, ST_CURSOR, ST_LAST_ROW = 0x0002, 0x0008, 0x0040, 0x0080


def le(n, k):
    return (n & ((1 << (8 * k)) - 1)).to_bytes(k, "little")


def lenenc(n):
    if n < 251:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + le(n, 2)
    if n < 1 << 24:
        return b"\xfd" + le(n, 3)
    return b"\xfe" + le(n, 8)


def lstr(s):
    return lenenc(len(s)) + s


def pkt(seq, p):
    return le(len(p), 3) + bytes([seq & 255]) + p


def pkts(seq, payloads):
    """Consecutive packets from sequence id seq."""
    return b"".join(pkt(seq + i, p) for i, p in enumerate(payloads))


def greeting(version=b"5.5.5-10.11.6-MariaDB", conn_id=7, caps=SRV, ext=0x1d,
             plugin=b"mysql_native_password"):
    return (b"\x0a" + version + b"\0" + le(conn_id, 4) + b"abcdefgh\0" + le(caps, 2) +
            bytes([45]) + le(ST_AUTOCOMMIT, 2) + le(caps >> 16, 2) + bytes([21]) + b"\0" * 6 +
            le(ext, 4) + b"ijklmnopqrst\0" + plugin + b"\0")


def login(caps=BASE, user=b"app", db=b"shop", auth=b"\x9a" * 20, plugin=b"mysql_native_password",
          ext=0):
    p = le(caps, 4) + le(1 << 24, 4) + bytes([45]) + b"\0" * 19 + le(ext, 4) + user + b"\0"
    if caps & AUTH_LENENC:
        p += lstr(auth)
    elif caps & SECURE:
        p += bytes([len(auth)]) + auth
    else:
        p += auth + b"\0"
    if caps & CONNECT_WITH_DB:
        p += db + b"\0"
    if caps & PLUGIN_AUTH:
        p += plugin + b"\0"
    return p


def ok(affected=0, insert_id=0, status=ST_AUTOCOMMIT, warnings=0, info=b"", hdr=0):
    return bytes([hdr]) + lenenc(affected) + lenenc(insert_id) + le(status, 2) + le(warnings, 2) + info


def err(code, state, msg):
    return b"\xff" + le(code, 2) + b"#" + state + msg


def eof(status=ST_AUTOCOMMIT, warnings=0):
    return b"\xfe" + le(warnings, 2) + le(status, 2)


def coldef(name, ty=253):
    return (lstr(b"def") + lstr(b"shop") + lstr(b"t") + lstr(b"t") + lstr(name) + lstr(name) +
            b"\x0c" + le(45, 2) + le(255, 4) + bytes([ty]) + le(0, 2) + b"\0\0\0")


def text_row(vals):
    return b"".join(b"\xfb" if v is None else lstr(v) for v in vals)


def result(cols, rows, deprecate=False, status=ST_AUTOCOMMIT, binary=False):
    """Payloads of a result set: column count, definitions, [EOF], rows, EOF/OK."""
    out = [lenenc(len(cols))] + [coldef(c) for c in cols]
    if not deprecate:
        out.append(eof(status))
    for r in rows:
        out.append(r if binary else text_row(r))
    out.append(ok(0, 0, status, hdr=0xfe) if deprecate else eof(status))
    return out


def q(sql):
    return b"\x03" + sql


def esc(b):
    """Bytes as a .t data line (tests/proto/README.md escapes)."""
    o = []
    for i, c in enumerate(b):
        if c == 0x5c:
            o.append("\\\\")
        elif 0x21 <= c < 0x7f or (c == 0x20 and i + 1 < len(b)):
            o.append(chr(c))
        else:
            o.append("\\x%02x" % c)
    return "".join(o)


class Case:
    def __init__(self, name, comment, port=3306, flags="", role=None):
        self.name, self.lines = name, []
        for c in comment.strip().split("\n"):
            self.lines.append("# " + c.strip())
        if role:
            self.lines.append("role " + role)
        self.lines.append("port %d" % port)
        if flags:
            self.lines.append("flags " + flags)

    def c(self, *payload_bytes):  # the client writes
        self.lines.append("> " + esc(b"".join(payload_bytes)))
        return self

    def s(self, *payload_bytes):  # the server writes
        self.lines.append("< " + esc(b"".join(payload_bytes)))
        return self

    def raw(self, line):
        self.lines.append(line)
        return self

    def write(self):
        path = os.path.join(HERE, self.name + ".t")
        expect = ""
        if os.path.exists(path):
            t = open(path).read()
            k = t.find("== expect\n")
            if k >= 0:
                expect = t[k + len("== expect\n"):]
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n== expect\n" + expect)


def handshake(case, caps=BASE, srv=SRV, db=b"shop", user=b"app", version=b"5.5.5-10.11.6-MariaDB"):
    case.s(pkt(0, greeting(caps=srv, version=version)))
    case.c(pkt(1, login(caps=caps, db=db, user=user)))
    case.s(pkt(2, ok()))


cases = []

# --- the basics --------------------------------------------------------------------------------
c = Case("basic", """
The handshake (server version, user and database; the auth data is never shown), then COM_QUERY
with a result set, an OK with rows affected, an ERR, PING, INIT_DB and QUIT (no reply).""")
handshake(c)
c.c(pkt(0, q(b"SELECT id,\n  name FROM users   WHERE id < 4")))
c.s(pkts(1, result([b"id", b"name"], [[b"1", b"ada"], [b"2", b"grace"], [b"3", None]])))
c.c(pkt(0, q(b"INSERT INTO users (name) VALUES ('linus')")))
c.s(pkt(1, ok(1, 4)))
c.c(pkt(0, q(b"SELECT * FROM nope")))
c.s(pkt(1, err(1146, b"42S02", b"Table 'shop.nope' doesn't exist")))
c.c(pkt(0, b"\x0e"))
c.s(pkt(1, ok()))
c.c(pkt(0, b"\x02archive"))
c.s(pkt(1, ok()))
c.c(pkt(0, b"\x01"))
c.raw("close")
cases.append(c)

c = Case("basic-v", """
-v: the requests' and answers' start lines (command, SQL, OK's counters and status, ERR).""",
         flags="-v")
handshake(c)
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.c(pkt(0, q(b"UPDATE users SET name = 'x' WHERE id = 1")))
c.s(pkt(1, ok(1, 0, info=b"Rows matched: 1  Changed: 1  Warnings: 0")))
c.c(pkt(0, q(b"SELECT * FROM nope")))
c.s(pkt(1, err(1146, b"42S02", b"Table 'shop.nope' doesn't exist")))
c.raw("close")
cases.append(c)

c = Case("json", """
--json: op (the SQL verb or the command's name), target and query (normalised SQL), rows,
error_code, sqlstate, mysql_error (the ERR's message), user / database / server_version.""",
         flags="--json")
handshake(c)
c.c(pkt(0, q(b"SELECT name FROM users")))
c.s(pkts(1, result([b"name"], [[b"ada"], [b"grace"]])))
c.c(pkt(0, q(b"INSERT INTO users VALUES (1, 'ada')")))
c.s(pkt(1, err(1062, b"23000", b"Duplicate entry '1' for key 'PRIMARY'")))
c.raw("close")
cases.append(c)

c = Case("errors-filter", """
--errors: only the transactions the server answered with ERR.""", flags="--errors")
handshake(c)
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.c(pkt(0, q(b"DROP TABLE nope")))
c.s(pkt(1, err(1051, b"42S02", b"Unknown table 'shop.nope'")))
c.c(pkt(0, q(b"SELECT 2")))
c.s(pkts(1, result([b"2"], [[b"2"]])))
c.raw("close")
cases.append(c)

c = Case("split-reads", """
Packets cut across reads as the server reads them (4-byte header, then the payload), several
packets in one write, and a result set written in many small writes.""")
handshake(c)
sel = pkt(0, q(b"SELECT a FROM t"))
c.c(sel[:4])
c.c(sel[4:])
rs = pkts(1, result([b"a"], [[b"x" * 30], [b"y" * 30], [b"z" * 30]]))
for i in range(0, len(rs), 17):
    c.s(rs[i:i + 17])
c.c(pkt(0, b"\x0e"), )
c.s(pkt(1, ok()))
c.raw("close")
cases.append(c)

# --- DEPRECATE_EOF, multiple results ------------------------------------------------------------
c = Case("deprecate-eof", """
CLIENT_DEPRECATE_EOF negotiated: no EOF after the column definitions, rows end with an OK whose
header is 0xfe; an empty result set; multiple statements answered by several results
(SERVER_MORE_RESULTS_EXISTS), and a multi-statement query whose second statement fails.""")
handshake(c, caps=BASE | DEPRECATE_EOF)
c.c(pkt(0, q(b"SELECT id FROM t")))
c.s(pkts(1, result([b"id"], [[b"1"], [b"2"]], deprecate=True)))
c.c(pkt(0, q(b"SELECT id FROM t WHERE 0")))
c.s(pkts(1, result([b"id"], [], deprecate=True)))
c.c(pkt(0, q(b"SELECT 1; INSERT INTO t VALUES (3); SELECT 2, 3")))
r1 = result([b"1"], [[b"1"]], deprecate=True, status=ST_AUTOCOMMIT | ST_MORE)
r3 = result([b"2", b"3"], [[b"2", b"3"]], deprecate=True)
c.s(pkts(1, r1 + [ok(1, 3, ST_AUTOCOMMIT | ST_MORE)] + r3))
c.c(pkt(0, q(b"SELECT 1; SELECT * FROM nope")))
c.s(pkts(1, r1 + [err(1146, b"42S02", b"Table 'shop.nope' doesn't exist")]))
c.raw("close")
cases.append(c)

c = Case("multi-results-flood", """
A deep flood of results: one COM_QUERY answered by 300 OKs that each say more results follow,
then a last one; counted (one transaction), never kept.""")
handshake(c, caps=BASE | DEPRECATE_EOF)
c.c(pkt(0, q(b"CALL many()")))
c.s(pkts(1, [ok(1, 0, ST_AUTOCOMMIT | ST_MORE) for _ in range(300)] + [ok(0)]))
c.c(pkt(0, b"\x0e"))
c.s(pkt(1, ok()))
c.raw("close")
cases.append(c)

# --- prepared statements -------------------------------------------------------------------------
T_TINY, T_SHORT, T_LONG, T_FLOAT, T_DOUBLE, T_NULL, T_TIMESTAMP, T_LONGLONG = 1, 2, 3, 4, 5, 6, 7, 8
T_DATE, T_TIME, T_DATETIME, T_YEAR, T_NEWDECIMAL, T_BLOB, T_VAR_STRING, T_STRING = (
    10, 11, 12, 13, 246, 252, 253, 254)


def prep_ok(stmt_id, ncols, nparams, warnings=0):
    return b"\x00" + le(stmt_id, 4) + le(ncols, 2) + le(nparams, 2) + b"\0" + le(warnings, 2)


def prepare_answer(stmt_id, params, cols, deprecate=False):
    out = [prep_ok(stmt_id, len(cols), params)]
    out += [coldef(b"?", T_VAR_STRING) for _ in range(params)]
    if params and not deprecate:
        out.append(eof())
    out += [coldef(c) for c in cols]
    if cols and not deprecate:
        out.append(eof())
    return out


def execute(stmt_id, values, types=None, bound=True, nulls=(), flags=0, nparams=None):
    """values: encoded binary values (bytes) of the params not NULL."""
    n = nparams if nparams is not None else len(types or values)
    p = b"\x17" + le(stmt_id, 4) + bytes([flags]) + le(1, 4)
    if n:
        bm = bytearray((n + 7) // 8)
        for i in nulls:
            bm[i // 8] |= 1 << (i % 8)
        p += bytes(bm) + bytes([1 if bound else 0])
        if bound:
            p += b"".join(le(t, 1) + le(u, 1) for t, u in types)
        p += b"".join(values)
    return p


def brow(null_bitmap, values):
    return b"\x00" + null_bitmap + b"".join(values)


c = Case("prepared", """
COM_STMT_PREPARE (statement 1: 2 parameters, 2 columns), EXECUTE with an int and a string (types
sent), EXECUTE again without the types (new-params-bound 0: the types of the last execute), with a
NULL; rows in the binary protocol; STMT_RESET; STMT_CLOSE (no reply); then an EXECUTE of the
closed statement: shown as unknown (never prepared on this connection), the server's ERR too.""")
handshake(c)
sql = b"SELECT id, name FROM users WHERE id > ? AND name <> ?"
c.c(pkt(0, b"\x16" + sql))
c.s(pkts(1, prepare_answer(1, 2, [b"id", b"name"])))
tys = [(T_LONGLONG, 0), (T_VAR_STRING, 0)]
c.c(pkt(0, execute(1, [le(10, 8), lstr(b"bob")], tys)))
rows = [brow(b"\x00", [le(11, 4), lstr(b"ada")]), brow(b"\x00", [le(12, 4), lstr(b"grace")])]
c.s(pkts(1, [b"\x02", coldef(b"id", T_LONG), coldef(b"name"), eof()] + rows + [eof()]))
c.c(pkt(0, execute(1, [le(2**63 + 5, 8)], tys, bound=False, nulls=(1,), nparams=2)))
c.s(pkts(1, [b"\x02", coldef(b"id", T_LONG), coldef(b"name"), eof(), eof()]))
c.c(pkt(0, b"\x1a" + le(1, 4)))
c.s(pkt(1, ok()))
c.c(pkt(0, b"\x19" + le(1, 4)))
c.c(pkt(0, execute(1, [le(1, 8), lstr(b"x")], tys)))
c.s(pkt(1, err(1243, b"HY000", b"Unknown prepared statement handler (1) given to mysqld_stmt_execute")))
c.raw("close")
cases.append(c)

c = Case("prepared-types", """
Bound parameters decoded by type: signed and unsigned integers of every size, FLOAT, DOUBLE, DATE,
DATETIME with microseconds, a negative TIME, DECIMAL (text), a UTF-8 string with a quote and a
newline, binary bytes (hex), NULL; then SEND_LONG_DATA for a BLOB (shown as long data, its null
bit ignored as the server does); -v shows the JSON array.""", flags="-v")
handshake(c, caps=BASE | DEPRECATE_EOF)
sql = b"INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
c.c(pkt(0, b"\x16" + sql))
c.s(pkts(1, prepare_answer(7, 14, [], deprecate=True)))
types = [(T_TINY, 0), (T_TINY, 0x80), (T_SHORT, 0), (T_LONG, 0x80), (T_LONGLONG, 0),
         (T_FLOAT, 0), (T_DOUBLE, 0), (T_DATE, 0), (T_DATETIME, 0), (T_TIME, 0),
         (T_NEWDECIMAL, 0), (T_VAR_STRING, 0), (T_BLOB, 0), (T_NULL, 0)]
vals = [le(-5, 1), le(250, 1), le(-300, 2), le(4000000000, 4), le(-9000000000, 8),
        struct.pack("<f", 1.25), struct.pack("<d", -0.1),
        b"\x04" + le(2024, 2) + b"\x02\x1d",
        b"\x0b" + le(2024, 2) + b"\x02\x1d\x17\x3b\x3a" + le(123456, 4),
        b"\x08\x01" + le(1, 4) + b"\x02\x03\x04",
        lstr(b"12345.67"), lstr("naïve \"q\"\nline".encode()), lstr(b"\x00\x01\xfe\xff")]
c.c(pkt(0, execute(7, vals, types, nulls=(13,))))
c.s(pkt(1, ok(1)))
c.c(pkt(0, b"\x18" + le(7, 4) + le(12, 2) + b"a long blob, sent apart"))
c.c(pkt(0, execute(7, vals[:12], types, nulls=(12, 13))))
c.s(pkt(1, ok(1)))
c.raw("close")
cases.append(c)

c = Case("execute-direct", """
MariaDB's pipelined PREPARE + EXECUTE with statement id -1 (the last prepared statement), in one
write, then a CLOSE: the EXECUTE shows the PREPARE's SQL at once and its parameters once the
PREPARE is answered (their count comes from it); both answers in one write.""", flags="-v")
handshake(c, caps=BASE | DEPRECATE_EOF)
sql = b"SELECT name FROM users WHERE id = ?"
c.c(pkt(0, b"\x16" + sql), pkt(0, execute(0xffffffff, [le(42, 4)], [(T_LONG, 0)])))
c.s(pkts(1, prepare_answer(3, 1, [b"name"], deprecate=True)),
    pkts(1, [b"\x01", coldef(b"name"), brow(b"\x00", [lstr(b"ada")]), ok(0, 0, hdr=0xfe)]))
c.c(pkt(0, b"\x19" + le(3, 4)))
c.c(pkt(0, b"\x0e"))
c.s(pkt(1, ok()))
c.raw("close")
cases.append(c)

c = Case("cursor-fetch", """
An EXECUTE that opens a read-only cursor (the answer is the columns and an EOF with
SERVER_STATUS_CURSOR_EXISTS, no rows), then COM_STMT_FETCH twice: binary rows and an EOF; the
last one says SERVER_STATUS_LAST_ROW_SENT.""")
handshake(c)
sql = b"SELECT id FROM t"
c.c(pkt(0, b"\x16" + sql))
c.s(pkts(1, prepare_answer(2, 0, [b"id"])))
c.c(pkt(0, execute(2, [], [], flags=1)))
c.s(pkts(1, [b"\x01", coldef(b"id", T_LONG), eof(ST_AUTOCOMMIT | ST_CURSOR)]))
c.c(pkt(0, b"\x1c" + le(2, 4) + le(2, 4)))
c.s(pkts(1, [brow(b"\x00", [le(1, 4)]), brow(b"\x00", [le(2, 4)]), eof(ST_AUTOCOMMIT | ST_CURSOR)]))
c.c(pkt(0, b"\x1c" + le(2, 4) + le(2, 4)))
c.s(pkts(1, [brow(b"\x00", [le(3, 4)]), eof(ST_AUTOCOMMIT | ST_LAST_ROW)]))
c.raw("close")
cases.append(c)

# --- mid-connection, gaps -------------------------------------------------------------------------
c = Case("midstream", """
Recorded mid-connection (no handshake): the tail of an answer comes first (skipped, counted on
the next line), then commands parse; an EXECUTE of a statement prepared before the recording is
shown as unknown, never guessed; a new PREPARE is known from then on.""")
c.s(b"\x01\x31" + pkt(5, eof()))
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.c(pkt(0, execute(9, [le(1, 4)], [(T_LONG, 0)])))
c.s(pkt(1, ok(1)))
c.c(pkt(0, b"\x16UPDATE t SET a = ? WHERE id = 1"))
c.s(pkts(1, prepare_answer(10, 1, [])))
c.c(pkt(0, execute(10, [le(5, 4)], [(T_LONG, 0)])))
c.s(pkt(1, ok(1)))
c.raw("close")
cases.append(c)

c = Case("midstream-unknown-role", """
Only one socket, without its CONN record (role and ports unknown): the greeting says which side
is the server.""", role="unknown", port=3306)
handshake(c)
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.raw("close")
cases.append(c)

c = Case("gap-in-row", """
Bytes lost inside a row whose packet length is known: stepped over (the transaction is marked
[gap], the rows still counted); then bytes lost across packets: the answer is given up on, and
the next command and its answer parse again.""")
handshake(c)
c.c(pkt(0, q(b"SELECT a FROM t")))
rs = pkts(1, result([b"a"], [[b"x" * 40], [b"y" * 40], [b"z" * 40]]))
cut = rs.index(b"y" * 40)
c.s(rs[:cut + 5])
c.raw("gap < 20")
c.s(rs[cut + 25:])
c.c(pkt(0, q(b"SELECT b FROM t")))
rs = pkts(1, result([b"b"], [[b"x" * 40], [b"y" * 40]]))
cut = rs.index(b"x" * 40)
c.s(rs[:cut])
c.raw("gap < 60")
c.s(rs[cut + 60:])
c.c(pkt(0, q(b"SELECT c FROM t")))
c.s(pkts(1, result([b"c"], [[b"1"]])))
c.raw("close")
cases.append(c)

c = Case("gap-in-request", """
Bytes of a command lost: the answers after it may answer lost commands, so they are not paired
with the wrong one; the next command resynchronises.""")
handshake(c)
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.raw("gap > 30")
c.s(pkt(1, ok(1)))
c.c(pkt(0, q(b"SELECT 2")))
c.s(pkts(1, result([b"2"], [[b"2"]])))
c.raw("close")
cases.append(c)

c = Case("big-multipacket", """
A COM_QUERY of 16 MiB and more: a first packet of 0xffffff bytes (its content mostly not
captured) and a last one: one command, counted in full ([gap]: bytes not captured), and its
packets; the answer after it parses.""", flags="-v")
handshake(c)
head = q(b"INSERT INTO blobs VALUES ('")
c.c(b"\xff\xff\xff\x00" + head)
c.raw("nodata > %d" % (0xffffff - len(head)))
c.c(pkt(1, b"aaaa')"))
c.s(pkt(2, ok(1)))
c.raw("close")
cases.append(c)

c = Case("exact-16m", """
A payload of exactly 16 MiB - 1 bytes needs an empty packet after its 0xffffff one; the
answer (sequence 2) follows.""")
handshake(c)
head = q(b"SELECT '")
c.c(b"\xff\xff\xff\x00" + head)
c.raw("nodata > %d" % (0xffffff - len(head)))
c.c(pkt(1, b""))
c.s(pkts(2, result([b"x"], [[b"1"]])))
c.raw("close")
cases.append(c)

# --- handshake variants ---------------------------------------------------------------------------
c = Case("auth-switch", """
Authentication with an auth switch (0xfe: the server asks for another plugin) and more data
(0x01), the client's answers in between (never shown), then OK; a second connection's login
fails (ERR 1045) and nothing after it is parsed.""")
c.s(pkt(0, greeting()))
c.c(pkt(1, login(plugin=b"caching_sha2_password")))
c.s(pkt(2, b"\xfeclient_ed25519\0" + b"n" * 32))
c.c(pkt(3, b"s" * 64))
c.s(pkt(4, b"\x01\x03"))
c.s(pkt(5, ok()))
c.c(pkt(0, q(b"SELECT CURRENT_USER()")))
c.s(pkts(1, result([b"CURRENT_USER()"], [[b"app@%"]])))
c.raw("close")
cases.append(c)

c = Case("auth-failed", """
A login the server refuses: ERR 1045 (28000); the server closes.""")
c.s(pkt(0, greeting()))
c.c(pkt(1, login(user=b"mallory", db=b"")))
c.s(pkt(2, err(1045, b"28000", b"Access denied for user 'mallory'@'localhost' (using password: YES)")))
c.raw("close")
cases.append(c)

c = Case("refused", """
No greeting: the server refuses the connection at once (ERR 1040, sequence 0).""")
c.s(pkt(0, err(1040, b"08004", b"Too many connections")))
c.raw("close")
cases.append(c)

c = Case("tls", """
The client asks for TLS (SSLRequest: 32 bytes with CLIENT_SSL): one line says so, and the
ciphertext after it is not parsed.""")
c.s(pkt(0, greeting()))
c.c(pkt(1, le(BASE | SSL, 4) + le(1 << 24, 4) + bytes([45]) + b"\0" * 23))
c.c(b"\x16\x03\x01\x00\x50\x01\x00\x00\x4c\x03\x03" + b"r" * 40)
c.s(b"\x16\x03\x03\x00\x40\x02\x00\x00\x3c\x03\x03" + b"s" * 40)
c.c(b"\x17\x03\x03\x00\x20" + b"e" * 32)
c.raw("close")
cases.append(c)

c = Case("old-protocol-320", """
A client without CLIENT_PROTOCOL_41 (HandshakeResponse320: 2-byte capabilities, 3-byte max
packet, user, auth, database).""")
c.s(pkt(0, greeting()))
c.c(pkt(1, le(LONG_FLAG | CONNECT_WITH_DB, 2) + le(1 << 16, 3) + b"old\0" + b"scramble\0" + b"legacy\0"))
c.s(pkt(2, ok()))
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkts(1, result([b"1"], [[b"1"]])))
c.raw("close")
cases.append(c)

# --- compressed protocol --------------------------------------------------------------------------


def zpkt(seq, data, compress):
    if compress:
        z = zlib.compress(data)
        return le(len(z), 3) + bytes([seq]) + le(len(data), 3) + z
    return le(len(data), 3) + bytes([seq]) + le(0, 3) + data


c = Case("compressed", """
CLIENT_COMPRESS negotiated: from the byte after the login's OK both directions are compressed
packets (7-byte header); a short command sent uncompressed inside one, answers compressed with
zlib (several packets in one, and a result set split across two compressed packets): decoded,
every line says [compressed].""")
handshake(c, caps=BASE | COMPRESS)
c.c(zpkt(0, pkt(0, q(b"SELECT name FROM users")), False))
rs = pkts(1, result([b"name"], [[b"ada" * 20], [b"grace" * 20], [b"linus" * 20]]))
c.s(zpkt(1, rs[:70], True), zpkt(2, rs[70:], True))
c.c(zpkt(0, pkt(0, q(b"SELECT * FROM nope " + b"-" * 60)), True))
c.s(zpkt(1, pkt(1, err(1146, b"42S02", b"Table 'shop.nope' doesn't exist")), False))
c.c(zpkt(0, pkt(0, b"\x01"), False))
c.raw("close")
cases.append(c)

c = Case("compressed-zstd", """
MySQL 8's zstd compression negotiated (CLIENT_ZSTD_COMPRESSION_ALGORITHM, the login ends with a
compression level): not decoded, the CONNECT line says so and nothing after it is read.""")
ZSTD = 1 << 26
c.s(pkt(0, greeting(caps=(SRV | ZSTD | LONG_PASSWORD_OR_MYSQL) & ~COMPRESS, version=b"8.0.36")))
c.c(pkt(1, login(caps=BASE | ZSTD | LONG_PASSWORD_OR_MYSQL) + b"\x03"))
c.s(pkt(2, ok()))
c.c(le(9, 3) + b"\x00" + le(13, 3) + b"\x28\xb5\x2f\xfd" + b"z" * 5)
c.s(le(9, 3) + b"\x01" + le(40, 3) + b"\x28\xb5\x2f\xfd" + b"y" * 5)
c.raw("close")
cases.append(c)

c = Case("compressed-bad", """
A compressed packet whose content does not decode: that answer is [invalid: why], and the next
command and answer (good compressed packets) parse again.""")
handshake(c, caps=BASE | COMPRESS)
c.c(zpkt(0, pkt(0, q(b"SELECT 1")), False))
c.s(le(12, 3) + b"\x01" + le(100, 3) + b"\x78\x9c" + b"\xff" * 10)
c.c(zpkt(0, pkt(0, q(b"SELECT 2")), False))
c.s(zpkt(1, pkts(1, result([b"2"], [[b"2"]])), True))
c.raw("close")
cases.append(c)

# --- other commands --------------------------------------------------------------------------------
c = Case("local-infile", """
LOAD DATA LOCAL INFILE: the server asks for the file (0xfb + name), the client sends it in
packets and an empty one, then the server's OK; the next command parses.""")
handshake(c)
c.c(pkt(0, q(b"LOAD DATA LOCAL INFILE '/tmp/u.csv' INTO TABLE users")))
c.s(pkt(1, b"\xfb/tmp/u.csv"))
c.c(pkt(2, b"1,ada\n2,grace\n"), pkt(3, b"3,linus\n"), pkt(4, b""))
c.s(pkt(5, ok(3, 0, info=b"Records: 3  Deleted: 0  Skipped: 0  Warnings: 0")))
c.c(pkt(0, b"\x0e"))
c.s(pkt(1, ok()))
c.raw("close")
cases.append(c)

c = Case("change-user", """
COM_CHANGE_USER: an auth switch, then OK; the statements prepared before are gone (the server
closed them): an EXECUTE of one is unknown. COM_RESET_CONNECTION too.""")
handshake(c)
c.c(pkt(0, b"\x16SELECT ?"))
c.s(pkts(1, prepare_answer(1, 1, [b"?"])))
c.c(pkt(0, b"\x11" + b"report\0" + b"\x14" + b"p" * 20 + b"stats\0" + le(45, 2) + b"mysql_native_password\0"))
c.s(pkt(1, b"\xfemysql_native_password\0" + b"n" * 20 + b"\0"))
c.c(pkt(2, b"q" * 20))
c.s(pkt(3, ok()))
c.c(pkt(0, execute(1, [le(1, 4)], [(T_LONG, 0)])))
c.s(pkt(1, err(1243, b"HY000", b"Unknown prepared statement handler (1) given to mysqld_stmt_execute")))
c.c(pkt(0, b"\x1f"))
c.s(pkt(1, ok()))
c.raw("close")
cases.append(c)

c = Case("misc-commands", """
STATISTICS (a string), FIELD_LIST (column definitions up to EOF), PROCESS_KILL, SET_OPTION (an
EOF), CREATE_DB / DROP_DB, a command byte nobody knows (the server's ERR), and an ERR the server
sends by itself before closing (shown without a request).""")
handshake(c)
c.c(pkt(0, b"\x09"))
c.s(pkt(1, b"Uptime: 42  Threads: 1  Questions: 7"))
c.c(pkt(0, b"\x04users\0"))
c.s(pkts(1, [coldef(b"id"), coldef(b"name"), eof()]))
c.c(pkt(0, b"\x0c" + le(77, 4)))
c.s(pkt(1, ok()))
c.c(pkt(0, b"\x1b" + le(0, 2)))
c.s(pkt(1, eof()))
c.c(pkt(0, b"\x05newdb"))
c.s(pkt(1, ok(1)))
c.c(pkt(0, b"\x06newdb"))
c.s(pkt(1, ok(0)))
c.c(pkt(0, b"\x2a"))
c.s(pkt(1, err(1047, b"08S01", b"Unknown command")))
c.raw("wait 100")
c.s(pkt(0, err(4031, b"HY000", b"The client was disconnected by the server because of inactivity.")))
c.raw("close")
cases.append(c)

c = Case("pipelined", """
Two commands in one write (a client that pipelines), their answers in one write: paired in
order.""")
handshake(c)
c.c(pkt(0, q(b"SELECT 1")), pkt(0, q(b"SELECT 2, 3")))
c.s(pkts(1, result([b"1"], [[b"1"]])), pkts(1, result([b"2", b"3"], [[b"2", b"3"]])))
c.raw("close")
cases.append(c)

c = Case("empty-query", """
An empty COM_QUERY (no SQL), under -vv: fuzz_mysql found the core copying its empty body to a
NULL buffer (undefined); shown as QUERY with an empty target.""", flags="-vv")
handshake(c)
c.c(pkt(0, b"\x03"))
c.s(pkt(1, err(1065, b"42000", b"Query was empty")))
c.raw("close")
cases.append(c)

# --- hostile -------------------------------------------------------------------------------------------
c = Case("hostile", """
Hostile answers: a column count of 2^64 - 1 (an 8-byte length-encoded integer) and a packet out
of sequence end as [invalid: why]; a command with an OK whose counters are 8-byte integers parses;
each is followed by a good exchange, which parses.""")
handshake(c)
c.c(pkt(0, q(b"SELECT 1")))
c.s(pkt(1, b"\xfe" + b"\xff" * 8))
c.c(pkt(0, q(b"SELECT 2")))
c.s(pkts(1, result([b"2"], [[b"2"]])))
c.c(pkt(0, q(b"SELECT 3")))
c.s(pkt(1, b"\x01"), pkt(9, coldef(b"3")))
c.c(pkt(0, q(b"UPDATE big SET a = 1")))
c.s(pkt(1, b"\x00" + lenenc(2**64 - 1) + lenenc(2**40) + le(2, 2) + le(0, 2)))
c.c(pkt(0, q(b"SELECT 4")))
c.s(pkts(1, result([b"4"], [[b"4"]])))
c.raw("close")
cases.append(c)

c = Case("not-mysql", """
Binary bytes that only look like a packet header are not taken for MySQL (sequence not 0, no
known command), even on port 3306.""")
c.c(b"\x05\x00\x00\x07\x99garbage and more garbage")
c.s(b"\x10\x00\x00\x03\x00\x01\x02")
c.raw("close")
cases.append(c)



def fuzz_input(case):
    """The case's bytes in tests/fuzz/proto_driver.h's format (role: client; > is egress)."""
    out = bytearray([1])
    for line in case.lines:
        if line.startswith("> ") or line.startswith("< "):
            d = 0 if line[0] == ">" else 1
            b = unesc(line[2:])
            while b:
                if len(b) >= 16:
                    k = min(len(b) // 16, 32)
                    out += bytes([d | 2 | (k - 1) << 3]) + b[:16 * k]
                    b = b[16 * k:]
                else:
                    out += bytes([d | (len(b) - 1) << 3]) + b
                    b = b""
        elif line.startswith("gap ") or line.startswith("nodata "):
            w = line.split()
            n = min(int(w[2]), 0xfffe)
            out += bytes([(0 if w[1] == ">" else 1) | (4 if w[0] == "gap" else 6)]) + le(n, 2)
    return bytes(out)


def unesc(t):
    o, i = bytearray(), 0
    while i < len(t):
        if t[i] == "\\" and t[i + 1] == "x":
            o.append(int(t[i + 2:i + 4], 16))
            i += 4
        elif t[i] == "\\":
            o.append(ord(t[i + 1]))
            i += 2
        else:
            o += t[i].encode()
            i += 1
    return bytes(o)


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        os.makedirs(sys.argv[2], exist_ok=True)
        for c in cases:
            with open(os.path.join(sys.argv[2], c.name), "wb") as f:
                f.write(fuzz_input(c))
        print("wrote %d seeds to %s" % (len(cases), sys.argv[2]))
    else:
        for c in cases:
            c.write()
        print("wrote %d cases" % len(cases))
