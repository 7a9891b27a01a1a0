#!/usr/bin/env python3
# tests/proto/postgresql/mkcases.py - writes this directory's *.t cases (the PostgreSQL bytes are
# easier to read here than as escapes). Run it after changing a case, then
# `TT_PROTO_REGEN=1 build/tests/test_proto` to refresh the expected output, and review the diff.
# A case already on disk keeps its "== expect" part.
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))


def msg(t, body=b""):
    return t.encode() + struct.pack(">I", len(body) + 4) + body


def cstr(s):
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


# --- frontend ---
def startup(**kv):
    body = i32(196608) + b"".join(cstr(k) + cstr(v) for k, v in kv.items()) + b"\0"
    return struct.pack(">I", len(body) + 4) + body


def sslreq():
    return i32(8) + i32(80877103)


def gssreq():
    return i32(8) + i32(80877104)


def cancel(pid, key):
    return i32(16) + i32(80877102) + i32(pid) + i32(key)


def Q(sql):
    return msg("Q", cstr(sql))


def P(name, sql, oids=()):
    return msg("P", cstr(name) + cstr(sql) + i16(len(oids)) + b"".join(i32(o) for o in oids))


def B(portal, stmt, params=(), fmts=(), rfmts=()):
    b = cstr(portal) + cstr(stmt) + i16(len(fmts)) + b"".join(i16(f) for f in fmts)
    b += i16(len(params))
    for p in params:
        if p is None:
            b += i32(-1)
        else:
            p = p.encode() if isinstance(p, str) else p
            b += i32(len(p)) + p
    return msg("B", b + i16(len(rfmts)) + b"".join(i16(f) for f in rfmts))


def Dsc(kind, name):
    return msg("D", kind.encode() + cstr(name))


def Ex(portal="", maxrows=0):
    return msg("E", cstr(portal) + i32(maxrows))


def Cl(kind, name):
    return msg("C", kind.encode() + cstr(name))


def Sy():
    return msg("S")


def Fl():
    return msg("H")


def Xt():
    return msg("X")


def pw(secret):
    return msg("p", cstr(secret))


def cd(data):
    return msg("d", data.encode() if isinstance(data, str) else data)


def cdone():
    return msg("c")


# --- backend ---
def R(code, extra=b""):
    return msg("R", i32(code) + extra)


def PS(k, v):
    return msg("S", cstr(k) + cstr(v))


def K(pid, key):
    return msg("K", i32(pid) + i32(key))


def Z(st="I"):
    return msg("Z", st.encode())


def T(*cols):
    b = i16(len(cols))
    for c in cols:
        b += cstr(c) + i32(0) + i16(0) + i32(23) + i16(4) + i32(-1) + i16(0)
    return msg("T", b)


def DR(*vals):
    b = i16(len(vals))
    for v in vals:
        if v is None:
            b += i32(-1)
        else:
            v = v.encode() if isinstance(v, str) else v
            b += i32(len(v)) + v
    return msg("D", b)


def CC(tag):
    return msg("C", cstr(tag))


def ER(code, text, sev="ERROR", detail=None, t="E"):
    b = b"S" + cstr(sev) + b"V" + cstr(sev) + b"C" + cstr(code) + b"M" + cstr(text)
    if detail:
        b += b"D" + cstr(detail)
    return msg(t, b + b"\0")


def NR(code, text, sev="NOTICE"):
    return ER(code, text, sev, t="N")


def A(pid, ch, payload):
    return msg("A", i32(pid) + cstr(ch) + cstr(payload))


def one(t):
    return msg(t)  # ParseComplete '1', BindComplete '2', CloseComplete '3', NoData 'n', ...


def PD(*oids):
    return msg("t", i16(len(oids)) + b"".join(i32(o) for o in oids))


def CopyIn(ncols=1):
    return msg("G", b"\0" + i16(ncols) + b"".join(i16(0) for _ in range(ncols)))


def CopyOut(ncols=1):
    return msg("H", b"\0" + i16(ncols) + b"".join(i16(0) for _ in range(ncols)))


def esc(b):
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def server_hello(pid=4242):
    return R(0) + PS("server_version", "15.8") + PS("client_encoding", "UTF8") + K(pid, 99) + Z()


CASES = {}


def case(name, comment, steps, flags="", port=5433, role=None):
    CASES[name] = (comment, steps, flags, port, role)


def write():
    for name, (comment, steps, flags, port, role) in CASES.items():
        path = os.path.join(HERE, name + ".t")
        expect = ""
        if os.path.exists(path):
            txt = open(path).read()
            k = txt.find("== expect\n")
            if k >= 0:
                expect = txt[k + len("== expect\n"):]
        lines = ["# " + l for l in comment.strip().split("\n")]
        if role:
            lines.append("role " + role)
        lines.append("port %d" % port)
        if flags:
            lines.append("flags " + flags)
        for st in steps:
            if isinstance(st, str):
                lines.append(st)
            else:
                d, b = st
                lines.append(d + " " + esc(b))
        open(path, "w").write("\n".join(lines) + "\n== expect\n" + expect)


# --- the cases --------------------------------------------------------------------------------

case("startup-simple", """Startup over TCP: psql asks for TLS, is refused (N), starts up (trust), runs a query and
leaves. The SSLRequest folds into the startup line; -v shows the messages.""", [
    (">", sslreq()), ("<", b"N"),
    (">", startup(user="alice", database="shop", application_name="psql", client_encoding="UTF8")),
    ("<", server_hello()),
    (">", Q("SELECT  id,\n\tname FROM users\n WHERE id = 1;")),
    ("<", T("id", "name") + DR("1", "ada") + CC("SELECT 1") + Z()),
    (">", Xt()), "close"], flags="-v")

case("startup-json", """The startup's fields in JSON: user, database, application_name, auth (SCRAM), server_version,
backend_pid, encryption; the SASL messages are counted, never shown.""", [
    (">", sslreq()), ("<", b"N"),
    (">", startup(user="bob", database="bench", application_name="pgbench")),
    ("<", R(10, cstr("SCRAM-SHA-256") + b"\0")),
    (">", msg("p", cstr("SCRAM-SHA-256") + i32(32) + b"n,,n=,r=SECRETNONCEabcdefghijklmnop")),
    ("<", R(11, b"r=SECRETNONCEabcdefghijklmnopSERVER,s=c2FsdA==,i=4096")),
    (">", msg("p", b"c=biws,r=SECRETNONCEabcdefghijklmnopSERVER,p=CLIENTPROOFSECRET=")),
    ("<", R(12, b"v=SERVERSIGNATURE=") + server_hello(777)),
    "close"], flags="--json")

case("startup-password-fail", """A cleartext password (never shown, even with -vv) that the server rejects: FATAL 28P01, an
error; the connection ends.""", [
    (">", startup(user="mallory", database="shop")),
    ("<", R(3)),
    (">", pw("hunter2-secret")),
    ("<", ER("28P01", 'password authentication failed for user "mallory"', "FATAL")),
    "close"], flags="-vv")

case("simple-multi", """A simple Query of four statements: one transaction each, in order, with its own tag and rows;
semicolons inside literals, identifiers, $$ bodies and comments do not split.""", [
    (">", Q("BEGIN; INSERT INTO t VALUES ('a;b'); SELECT \"x;y\", $$;$$ FROM t /* ; */ -- ;\n; COMMIT;")),
    ("<", CC("BEGIN") + CC("INSERT 0 1") + T("x;y", "?column?") + DR("1", ";") + DR("2", ";") +
     CC("SELECT 2") + CC("COMMIT") + Z()),
    "close"], flags="-v", role="client")

case("simple-error", """A statement fails inside a multi-statement Query: it is the error (SQLSTATE, message, detail),
the statements after it are not executed, and the status is failed inside a transaction.""", [
    (">", Q("BEGIN; INSERT INTO users VALUES (1, 'ada'); SELECT 1; COMMIT")),
    ("<", CC("BEGIN") + ER("23505", 'duplicate key value violates unique constraint "users_pkey"',
                           detail="Key (id)=(1) already exists.") + Z("E")),
    (">", Q("ROLLBACK")), ("<", CC("ROLLBACK") + Z("I")),
    "close"], flags="-v", role="server")

case("errors-filter", """--errors keeps the statements the server rejected (outcome error), not the ones skipped.""", [
    (">", Q("SELECT 1/0; SELECT 2")),
    ("<", T("?column?") + ER("22012", "division by zero") + Z()),
    (">", Q("SELECT 3")), ("<", T("?column?") + DR("3") + CC("SELECT 1") + Z()),
    "close"], flags="--errors", role="client")

case("extended-unnamed", """Extended query with the unnamed statement and portal (Parse, Bind, Describe, Execute, Sync in
one write): one transaction from the Parse to the completion, with the SQL and its parameters
(int4 binary shown as a number, text as text, NULL).""", [
    (">", P("", "SELECT name FROM users WHERE id = $1 AND tag = $2 AND x IS $3", [23, 25, 0]) +
     B("", "", [struct.pack(">i", 42), "it's", None], fmts=[1, 0, 0]) + Dsc("P", "") + Ex() + Sy()),
    ("<", one("1") + one("2") + T("name") + DR("ada") + CC("SELECT 1") + Z()),
    "close"], flags="-v")

case("extended-json", """The extended query's JSON: query, statement (unnamed: ""), params as a typed array, rows,
command_tag, tx_status.""", [
    (">", P("", "UPDATE accounts SET balance = balance + $1 WHERE id = $2", [20, 21]) +
     B("", "", [struct.pack(">q", -5), struct.pack(">h", 7)], fmts=[1]) + Ex() + Sy()),
    ("<", one("1") + one("2") + CC("UPDATE 1") + Z("T")),
    "close"], flags="--json", role="client")

case("extended-named", """A named statement prepared once (a PREPARE line), executed twice later by name with text
parameters (the statement map gives the SQL), closed, then executed again: the server says it
does not exist.""", [
    (">", P("S_1", "SELECT abalance FROM pgbench_accounts WHERE aid = $1") + Sy()),
    ("<", one("1") + Z()),
    (">", B("", "S_1", ["4242"]) + Dsc("P", "") + Ex() + Sy()),
    ("<", one("2") + T("abalance") + DR("0") + CC("SELECT 1") + Z()),
    (">", B("", "S_1", ["7"]) + Ex() + Sy()),
    ("<", one("2") + DR("-12") + CC("SELECT 1") + Z()),
    (">", Cl("S", "S_1") + Sy()), ("<", one("3") + Z()),
    (">", B("", "S_1", ["1"]) + Ex() + Sy()),
    ("<", ER("26000", 'prepared statement "S_1" does not exist') + Z()),
    "close"], flags="-v", role="client")

case("describe-types", """Parse without types, Describe statement: the server's ParameterDescription gives the types,
so binary parameters bound later show as numbers and booleans.""", [
    (">", P("q", "SELECT $1::int8 + $2, $3::bool") + Dsc("S", "q") + Sy()),
    ("<", one("1") + PD(20, 23, 16) + T("?column?", "bool") + Z()),
    (">", B("", "q", [struct.pack(">q", 10**12), struct.pack(">i", -3), b"\x01"], fmts=[1]) +
     Ex() + Sy()),
    ("<", one("2") + DR("1000000000000", "t") + CC("SELECT 1") + Z()),
    "close"], flags="-v", role="client")

case("pipeline-error", """Three executions pipelined before one Sync; the second fails at run time: the third is not
executed (the server skipped it), never paired with a later answer; the next batch pairs.""", [
    (">", P("", "INSERT INTO t VALUES (1)") + B("", "") + Ex() +
     P("", "SELECT 1/0") + B("", "") + Ex() +
     P("", "INSERT INTO t VALUES (3)") + B("", "") + Ex() + Sy()),
    ("<", one("1") + one("2") + CC("INSERT 0 1") + one("1") + one("2") +
     ER("22012", "division by zero") + Z()),
    (">", Q("SELECT count(*) FROM t")), ("<", T("count") + DR("1") + CC("SELECT 1") + Z()),
    "close"], flags="-v", role="client")

case("pipeline-parse-error", """A Parse that fails (syntax error) is the failing statement; the Bind and Execute after it
are skipped with it; a second execution pipelined behind, before the Sync, is not executed.""", [
    (">", P("", "SELEC 1") + B("", "") + Ex() + P("", "SELECT 2") + B("", "") + Ex() + Sy()),
    ("<", ER("42601", 'syntax error at or near "SELEC"') + Z()),
    "close"], role="client")

case("pipeline-late-sync", """libpq pipeline mode: the error comes back before the client sends the Sync; what it sends
after the error, up to the Sync, is skipped too.""", [
    (">", P("", "SELECT 1/0") + B("", "") + Ex() + Fl()),
    ("<", one("1") + one("2") + ER("22012", "division by zero")),
    (">", P("", "SELECT 5") + B("", "") + Ex() + Sy()),
    ("<", Z()),
    (">", Q("SELECT 6")), ("<", T("x") + DR("6") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("portal-suspended", """Execute with a row limit: PortalSuspended after 2 rows, then the rest of the portal.""", [
    (">", P("", "SELECT g FROM generate_series(1,3) g") + B("", "") + Ex("", 2) + Fl()),
    ("<", one("1") + one("2") + DR("1") + DR("2") + one("s")),
    (">", Ex("", 2) + Sy()),
    ("<", DR("3") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("copy", """COPY FROM STDIN and COPY TO STDOUT: sizes in the line, the data in the bodies (-vv), never
rows on the line.""", [
    (">", Q("COPY t (a, b) FROM STDIN")),
    ("<", CopyIn(2)),
    (">", cd("1\tone\n") + cd("2\ttwo\n")),
    (">", cdone()),
    ("<", CC("COPY 2") + Z()),
    (">", Q("COPY t TO STDOUT")),
    ("<", CopyOut(2) + cd("1\tone\n") + cd("2\ttwo\n") + cdone() + CC("COPY 2") + Z()),
    "close"], flags="-vv", role="client")

case("notify", """LISTEN, then a NotificationResponse pushed by the server: its own line (channel, payload,
sender); a notice attached to the statement that caused it.""", [
    (">", Q("LISTEN jobs")), ("<", CC("LISTEN") + Z()),
    ("<", A(5151, "jobs", "job 17 done")),
    (">", Q("DROP TABLE IF EXISTS nope")),
    ("<", NR("00000", 'table "nope" does not exist, skipping') + CC("DROP TABLE") + Z()),
    "close"], flags="-v", role="client")

case("notify-json", """Notifications and notices in JSON: channel, payload, backend_pid; notice.""", [
    (">", Q("LISTEN jobs")), ("<", CC("LISTEN") + Z()),
    ("<", A(5151, "jobs", "{\"id\":17}")),
    "close"], flags="--json", role="client")

case("tls", """SSLRequest answered S: one line says the connection is encrypted from there; the ciphertext
is not parsed.""", [
    (">", sslreq()), ("<", b"S"),
    (">", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32))),
    ("<", b"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03" + bytes(range(64, 96))),
    "close"])

case("gssenc-refused-then-ssl", """libpq tries GSS encryption (refused), then TLS (refused), then starts up in the clear.""", [
    (">", gssreq()), ("<", b"N"), (">", sslreq()), ("<", b"N"),
    (">", startup(user="u", database="d")), ("<", server_hello()),
    "close"], role="client")

case("cancel", """A CancelRequest on its own connection: the backend pid it names; no answer by design.""", [
    (">", cancel(4242, 12345678)), "close"])

case("midstream", """Recorded after the startup: the answers in flight when the recording began have no request;
from the ReadyForQuery on, pairs are right. A statement prepared before the recording is unknown,
with the reason; the tag still gives the op.""", [
    ("<", DR("7") + CC("SELECT 1") + Z()),
    (">", B("", "S_9", ["5"]) + Ex() + Sy()),
    ("<", one("2") + DR("5") + CC("SELECT 1") + Z("T")),
    (">", Q("COMMIT")), ("<", CC("COMMIT") + Z()),
    "close"], role="client")

case("midstream-unknown-role", """No CONN record (role and ports unknown): the frontend is told from the messages.""", [
    (">", Q("SELECT now()")), ("<", T("now") + DR("2026-11-25 10:00:00+00") + CC("SELECT 1") + Z()),
    "close"], role="unknown")

case("gap-requests", """Bytes lost inside the client's Query are stepped over by count: that statement shows what was
kept, marked gap, and pairing goes on. A loss of unknown size (events lost) means requests may
be missing: the answers after it are shown without a request, and what was asked since is
given up on at the next ReadyForQuery (it cannot be told which request they answer); a client
that waited for that ReadyForQuery is paired again.""", [
    (">", Q("SELECT 1")), ("<", T("a") + DR("1") + CC("SELECT 1") + Z()),
    (">", Q("SELECT 2 AS two")[:-7]), "gap > 7",
    ("<", T("two") + DR("2") + CC("SELECT 1") + Z()),
    "loss",
    (">", Q("SELECT 3")), ("<", T("c") + DR("3") + CC("SELECT 1") + Z()),
    (">", Q("SELECT 4")), ("<", T("d") + DR("4") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("gap-answers", """Bytes of an answer are lost: inside a DataRow they are stepped over (that statement is marked
gap); in a header the answers are lost and the request is given up on, then pairing resumes.""", [
    (">", Q("SELECT big")), ("<", T("b") + b"D" + i32(4 + 2 + 4 + 20) + i16(1) + i32(20) + b"0123456789"),
    "gap < 10",
    ("<", CC("SELECT 1") + Z()),
    (">", Q("SELECT 2")), ("<", T("a")), "gap < 3", ("<", DR("2") + CC("SELECT 1") + Z()),
    (">", Q("SELECT 3")), ("<", T("c") + DR("3") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("hostile-lengths", """Declared lengths PostgreSQL never sends: over 1 GiB, a Sync with a body, below 4 (from the
server). Each ends as [invalid: why] and the direction resynchronises on the next whole message.
Where a message ended is lost with it, so the answers after it go without a request until a
ReadyForQuery with nothing awaited; what was asked meanwhile is given up on (it cannot be told
which request those answers belong to); then pairing resumes.""", [
    (">", Q("SELECT 1")), ("<", T("a") + DR("1") + CC("SELECT 1") + Z()),
    (">", b"Q\x7f\xff\xff\xff SELECT"),
    (">", Q("SELECT 2")), ("<", T("a") + DR("2") + CC("SELECT 1") + Z()),
    (">", b"S\x00\x00\x00\x08abcd"),
    (">", Q("SELECT 3")), ("<", b"D\x00\x00\x00\x02"),
    ("<", T("a") + DR("3") + CC("SELECT 1") + Z()),
    (">", Q("SELECT 4")), ("<", T("a") + DR("4") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("hostile-structure", """Messages whose insides do not match their lengths: a Bind whose parameter runs past its end, a
Parse with a bad type count, an ErrorResponse without its final NUL. Each is [invalid: why]; the
answers that follow are not paired with the wrong request.""", [
    (">", startup(user="u", database="d")), ("<", server_hello()),
    (">", msg("B", cstr("") + cstr("") + i16(0) + i16(1) + i32(1000) + b"xx" + i16(0)) + Sy()),
    ("<", ER("08P01", "insufficient data left in message") + Z()),
    (">", msg("P", cstr("") + cstr("SELECT 1") + i16(3) + i32(23)) + Sy()),
    ("<", ER("08P01", "insufficient data left in message") + Z()),
    (">", Q("SELECT 5")), ("<", msg("E", b"SERROR\0C42000\0Mbad") + Z()),
    (">", Q("SELECT 6")), ("<", T("a") + DR("6") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("empty-and-function", """An empty query, and a FunctionCall (large objects use them).""", [
    (">", Q("")), ("<", one("I") + Z()),
    (">", msg("F", i32(952) + i16(1) + i16(1) + i16(1) + i32(4) + i32(7) + i16(1))),
    ("<", msg("V", i32(4) + i32(33)) + Z()),
    "close"], flags="-v", role="client")

case("async-fatal", """The server ends an idle session by itself: a FATAL nobody asked for is its own line.""", [
    (">", Q("SELECT 1")), ("<", T("a") + DR("1") + CC("SELECT 1") + Z()),
    "wait 5",
    ("<", ER("57P01", "terminating connection due to administrator command", "FATAL")),
    "close"], role="client")

case("with-and-atomic", """A WITH query takes its op from the command tag; a CREATE FUNCTION ... BEGIN ATOMIC body is one
statement despite its semicolons.""", [
    (">", Q("WITH x AS (DELETE FROM t RETURNING *) SELECT count(*) FROM x; "
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT f()")),
    ("<", T("count") + DR("0") + CC("SELECT 1") + CC("CREATE FUNCTION") + T("f") + DR("2") +
     CC("SELECT 1") + Z()),
    "close"], role="client")

case("sql-prepare", """SQL-level PREPARE shares the table with protocol-level statements: a Bind to it shows its SQL
and its typed parameters; DEALLOCATE removes it (then it is unknown, and this connection's
start was seen, so it is not prepared here), DEALLOCATE ALL empties the table.""", [
    (">", startup(user="u", database="d")), ("<", server_hello()),
    (">", Q("PREPARE Q1 (int, text) AS SELECT $1 + 1, $2")), ("<", CC("PREPARE") + Z()),
    (">", B("", "q1", [struct.pack(">i", 5), "x"], fmts=[1, 0]) + Ex() + Sy()),
    ("<", one("2") + DR("6", "x") + CC("SELECT 1") + Z()),
    (">", Q("EXECUTE q1(7, 'y')")), ("<", DR("8", "y") + CC("SELECT 1") + Z()),
    (">", Q("DEALLOCATE q1")), ("<", CC("DEALLOCATE") + Z()),
    (">", B("", "q1", ["1", "z"]) + Ex() + Sy()),
    ("<", ER("26000", 'prepared statement "q1" does not exist') + Z()),
    (">", P("S_2", "SELECT 2") + Sy()), ("<", one("1") + Z()),
    (">", Q("DEALLOCATE ALL")), ("<", CC("DEALLOCATE ALL") + Z()),
    (">", B("", "S_2") + Ex() + Sy()),
    ("<", ER("26000", 'prepared statement "S_2" does not exist') + Z()),
    "close"], role="client")

case("copy-fail", """The client aborts a COPY FROM STDIN (CopyFail): the server's error is that statement's; a
server that ends a COPY without its CommandComplete leaves no dangling state behind
(fuzz_postgresql found one).""", [
    (">", Q("COPY t FROM STDIN")), ("<", CopyIn(1)),
    (">", cd("1\n") + msg("f", cstr("aborted by user"))),
    ("<", ER("57014", "COPY from stdin failed: aborted by user") + Z()),
    (">", Q("COPY t FROM STDIN")), ("<", CopyIn(1) + Z()),
    (">", Q("SELECT 1")), ("<", T("a") + DR("1") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("hostile-extra-results", """More results than the query's text has statements (a tag no verb can be read from): the
extra one gets its own line, its op unknown, and the next query pairs (fuzz_postgresql).""", [
    (">", Q("SELECT 1")), ("<", T("a") + DR("1") + CC("SELECT 1") + CC("C8MMIT") + Z()),
    (">", Q("SELECT 2")), ("<", T("a") + DR("2") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("hostile-resync-candidate", """After a message that does not parse, the bytes left of it may look like the start of another
(here "t\\0" and the next header read as a ParameterDescription of 5.9 MB): what is seen of a
candidate must already be well-formed, so the next ReadyForQuery is found at once and the
following query pairs, instead of everything waiting for megabytes that never come.""", [
    (">", startup(user="u", database="d")), ("<", server_hello()),
    (">", Q("SELECT 7")), ("<", msg("?", cstr("what"))), ("<", Z()),
    (">", Q("SELECT 8")), ("<", T("n") + DR("8") + CC("SELECT 1") + Z()),
    "close"], role="client")

case("detect-port-only", """A port alone is not PostgreSQL: binary bytes on 5432 that are not its messages stay
unrecognised.""", [
    (">", b"\x01\x02\x03\x04hello there, not postgres at all\r\n"),
    ("<", b"\xff\xfe nope"),
    "close"], port=5432)

def corpus(outdir):
    """Each case as an input of tests/fuzz/proto_driver.h: role client, every write a data step
    (egress from the client, ingress to it), gaps as gap steps."""
    os.makedirs(outdir, exist_ok=True)
    for name, (comment, steps, flags, port, role) in CASES.items():
        out = bytearray([1])
        for st in steps:
            if isinstance(st, str):
                if st.startswith("gap "):
                    d = 0 if st[4] == ">" else 1
                    out += bytes([4 | d]) + struct.pack("<H", int(st[6:]))
                elif st == "loss":
                    out += bytes([4]) + b"\xff\xff" + bytes([5]) + b"\xff\xff"
                continue
            d, b = st
            dirbit = 0 if d == ">" else 1
            while b:
                if len(b) >= 16:
                    k = min(len(b) // 16, 32)
                    out += bytes([((k - 1) << 3) | 2 | dirbit]) + b[:16 * k]
                    b = b[16 * k:]
                else:
                    out += bytes([((len(b) - 1) << 3) | dirbit]) + b
                    b = b""
        open(os.path.join(outdir, name), "wb").write(bytes(out))


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        corpus(sys.argv[2])
    else:
        write()
