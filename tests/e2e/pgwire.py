#!/usr/bin/env python3
# tests/e2e/pgwire.py - a small PostgreSQL client speaking the v3 extended protocol itself (no
# library hides which messages go out), for tests/e2e/proto_postgres.sh and testdata/record.sh:
# unnamed and named statements, text and binary parameters (int4, int8, bool), Describe of a
# statement (the server's parameter types), a pipelined batch with an error in the middle (the
# server skips the rest to Sync), a portal read 2 rows at a time, Close, an unknown statement.
#   pgwire.py HOST PORT USER DATABASE        (trust authentication only)
# Prints one JSON line per Execute it sent: {"sql", "outcome": ok|error|skipped, "sqlstate"}
# (its own record of what ran), then {"executes": N, "errors": N, "skipped": N}.
import json, socket, struct, sys


def cstr(s):
    return s.encode() + b"\0"


def msg(t, body=b""):
    return t.encode() + struct.pack(">I", len(body) + 4) + body


def parse(name, sql, oids=()):
    return msg("P", cstr(name) + cstr(sql) + struct.pack(">h", len(oids)) +
               b"".join(struct.pack(">I", o) for o in oids))


def bind(stmt, params, fmts=(), portal=""):
    b = cstr(portal) + cstr(stmt) + struct.pack(">h", len(fmts))
    b += b"".join(struct.pack(">h", f) for f in fmts) + struct.pack(">h", len(params))
    for p in params:
        if p is None:
            b += struct.pack(">i", -1)
        else:
            p = p if isinstance(p, bytes) else str(p).encode()
            b += struct.pack(">i", len(p)) + p
    return msg("B", b + struct.pack(">h", 0))


def execute(portal="", maxrows=0):
    return msg("E", cstr(portal) + struct.pack(">i", maxrows))


def describe(kind, name):
    return msg("D", kind.encode() + cstr(name))


def close(kind, name):
    return msg("C", kind.encode() + cstr(name))


SYNC = msg("S")
FLUSH = msg("H")


class Conn:
    def __init__(self, host, port, user, db):
        self.s = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b""
        body = struct.pack(">I", 196608) + cstr("user") + cstr(user) + cstr("database") + \
            cstr(db) + cstr("application_name") + cstr("pgwire") + b"\0"
        self.s.sendall(struct.pack(">I", len(body) + 4) + body)
        self.until_ready()

    def read(self):
        while len(self.buf) < 5 or len(self.buf) < 1 + struct.unpack(">I", self.buf[1:5])[0]:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("server closed the connection")
            self.buf += d
        n = struct.unpack(">I", self.buf[1:5])[0]
        t, body, self.buf = chr(self.buf[0]), self.buf[5:1 + n], self.buf[1 + n:]
        return t, body

    def until_ready(self):
        """Messages up to ReadyForQuery: [(type, body)]."""
        out = []
        while True:
            t, b = self.read()
            out.append((t, b))
            if t == "R" and struct.unpack(">i", b[:4])[0] not in (0,):
                raise SystemExit("pgwire: only trust authentication is supported")
            if t == "Z":
                return out


def sqlstate(body):
    i = 0
    while i < len(body) and body[i]:
        code, end = body[i], body.index(b"\0", i + 1)
        if code == ord("C"):
            return body[i + 1:end].decode()
        i = end + 1
    return None


RECORD = []


def run_batch(c, wire, sqls):
    """Sends wire (ending in Sync), reads to ReadyForQuery; sqls: the SQL of each Execute in it,
    in order. Records each Execute's outcome as the server answered it."""
    c.s.sendall(wire)
    msgs = c.until_ready()
    ex, err = 0, None
    for t, b in msgs:
        if t in ("C", "I", "s") and ex < len(sqls):
            RECORD.append({"sql": sqls[ex], "outcome": "ok"})
            ex += 1
        elif t == "E":
            err = sqlstate(b)
            if ex < len(sqls):
                RECORD.append({"sql": sqls[ex], "outcome": "error", "sqlstate": err})
                ex += 1
            else:
                RECORD.append({"sql": None, "outcome": "error", "sqlstate": err})
            break  # the server skips to Sync
    for sql in sqls[ex:]:
        RECORD.append({"sql": sql, "outcome": "skipped"})
    return msgs


def main():
    host, port, user, db = sys.argv[1:5]
    c = Conn(host, port, user, db)
    i4 = lambda v: struct.pack(">i", v)
    i8 = lambda v: struct.pack(">q", v)
    q1 = "SELECT id, name FROM wire_items WHERE id = $1"
    # the unnamed statement, a text parameter
    run_batch(c, parse("", q1) + bind("", ["1"]) + describe("P", "") + execute() + SYNC, [q1])
    # a named statement with a typed parameter, prepared once, executed twice with binary values
    q2 = "SELECT name FROM wire_items WHERE id = $1"
    run_batch(c, parse("w_named", q2, [23]) + SYNC, [])
    for v in (1, 2):
        run_batch(c, bind("w_named", [i4(v)], [1]) + execute() + SYNC, [q2])
    # Describe statement: the server says the types; binary int8 and bool bound after
    q3 = "SELECT $1::int8 * 2, NOT $2::bool"
    run_batch(c, parse("w_typed", q3) + describe("S", "w_typed") + SYNC, [])
    run_batch(c, bind("w_typed", [i8(21000000000), b"\x01"], [1]) + execute() + SYNC, [q3])
    # a pipelined batch: the second fails at run time, the third is skipped to the Sync
    q4, q5, q6 = ("INSERT INTO wire_items VALUES ($1, 'p')", "SELECT 10 / $1",
                  "INSERT INTO wire_items VALUES ($1, 'q')")
    run_batch(c, parse("", q4) + bind("", ["100"]) + execute() +
              parse("", q5) + bind("", ["0"]) + execute() +
              parse("", q6) + bind("", ["101"]) + execute() + SYNC, [q4, q5, q6])
    # a portal read 2 rows at a time
    q7 = "SELECT g FROM generate_series(1, 5) g"
    c.s.sendall(parse("", q7) + bind("", []) + execute("", 2) + FLUSH)
    while c.read()[0] != "s":
        pass
    RECORD.append({"sql": q7, "outcome": "ok"})
    run_batch(c, execute("", 2) + execute("", 2) + SYNC, [q7, q7])
    # Close the named statement, then run it: the server says it does not exist
    run_batch(c, close("S", "w_named") + SYNC, [])
    run_batch(c, bind("w_named", [i4(1)], [1]) + execute() + SYNC, [q2])
    c.s.sendall(msg("X"))
    c.s.close()
    for r in RECORD:
        print(json.dumps(r))
    print(json.dumps({"executes": sum(r["outcome"] != "skipped" for r in RECORD),
                      "errors": sum(r["outcome"] == "error" for r in RECORD),
                      "skipped": sum(r["outcome"] == "skipped" for r in RECORD)}))


if __name__ == "__main__":
    main()
