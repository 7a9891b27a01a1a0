#!/usr/bin/env bash
# End-to-end (root): a throwaway PostgreSQL 15 cluster (tests/e2e/pg_lib.sh: initdb into a temp
# dir as nobody, postgres on 127.0.0.1:PORT, log_statement=all, log_min_error_statement=error,
# log_connections) driven over TCP by psql, pgbench (initialisation, then -M simple, -M extended,
# -M prepared and a pipelined script, bounded transactions), /usr/bin/python3 with psycopg2
# (SCRAM and cleartext logins, a failed login, SQL PREPARE/EXECUTE, a server-side cursor, a
# unique violation, LISTEN/NOTIFY, COPY in and out, a cancelled statement) and
# tests/e2e/pgwire.py (the extended protocol by hand: named and unnamed statements, binary
# parameters, a pipelined batch with an error, a portal read in pieces, an unknown statement);
# all recorded with $REC --port PORT. Then, against the server's own log:
#   1. every backend's statements, in order (simple queries split per statement; extended
#      Executes; statements that failed before running), are the server-side transactions of
#      tinytap-show for that backend pid, and the client-side ones of the same connection;
#   2. the errors (SQLSTATE, in order) are the same, and outcome error (--errors) has them all;
#   3. the logged bound parameters are the ones tinytap shows;
#   4. every logged connection is a startup (user, database, application_name) on both sides;
#      the failed login is an error on both sides; the cancel request is shown on both sides;
#   5. nothing extra: no statement the server did not log, no [invalid], no unknown statement,
#      no answer without request, no event lost;
#   6. the NOTIFY reached the listener as a notification line; pgwire.py's own record of its
#      executions (ok, error, skipped) matches; COPY shows its rows;
#   7. the passwords sent (cleartext login) appear in no output of tinytap-show (-vv, JSON), and
#      not in a --redact -w copy of the recording (they are in the recording itself).
# Prints TAP lines; "ok - ... # SKIP why" when PostgreSQL or psycopg2 is not installed.
# Env: REC, SHOW, TT_ROOT, O. Every process it starts is stopped by its own pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
O=${O:-build}
TTDUMP=$ROOT/$O/tests/helpers/ttdump
PYD=/usr/bin/python3 # apt's interpreter: psycopg2 is installed for it
NAME=proto_postgres
. "$ROOT/tests/e2e/pg_lib.sh"
T=$(mktemp -d /tmp/tt-proto-pg.XXXXXX)
REC_PID=
cleanup() {
	[ -n "$REC_PID" ] && kill -INT "$REC_PID" 2>/dev/null && wait "$REC_PID" 2>/dev/null
	pg_stop
	rm -rf "$T"
}
trap cleanup EXIT
skip() { echo "ok - $NAME # SKIP $*"; exit 0; }
fail() { echo "not ok - $NAME: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (BPF recording)"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
[ -x "$TTDUMP" ] || fail "no $TTDUMP (make)"
pg_find || skip "$PG_WHY"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
$PYD -c 'import psycopg2' 2>/dev/null || skip "no python3-psycopg2 for $PYD"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pg_start "$T" "$PORT" || fail "$PG_WHY"
echo "ok - $NAME: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') up as nobody on 127.0.0.1:$PORT"

# --- record ---------------------------------------------------------------------------------
log_from=$(stat -c %s "$T/pg.log")
"$REC" -q --duration 100 --ring-size 128 -o "$T/pg.tinytap" --port "$PORT" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 300); do [ -s "$T/pg.tinytap" ] && break; sleep 0.05; done
[ -s "$T/pg.tinytap" ] || fail "recorder did not start: $(cat "$T/rec.err")"
sleep 0.3
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres PGPASSWORD=$PG_SUPER_PW
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=0)
{
	"${PSQL[@]}" -c "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'a'), (2, 'b'); SELECT count(*) FROM items"
	"${PSQL[@]}" -c "INSERT INTO items VALUES (1, 'duplicate')"
	"${PSQL[@]}" -c "SELECT 1; SELECT 1/0; SELECT 2"
	printf 'BEGIN;\nUPDATE items SET name = upper(name);\nSELECT * FROM items ORDER BY id;\nCOMMIT;\n' |
		"${PSQL[@]}"
} >"$T/psql.out" 2>&1
PGB=("$PGBIN/pgbench" -n)
"$PGBIN/pgbench" -i -s 1 -I dtGvp -q >"$T/pgbench-init.out" 2>&1 || fail "pgbench -i: $(tail -2 "$T/pgbench-init.out")"
for mode in simple extended prepared; do
	"${PGB[@]}" -M "$mode" -c 2 -t 10 >"$T/pgbench-$mode.out" 2>&1 ||
		fail "pgbench -M $mode: $(tail -2 "$T/pgbench-$mode.out")"
done
cat >"$T/pipeline.sql" <<'EOF'
\set aid random(1, 100000)
\startpipeline
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
\endpipeline
EOF
"${PGB[@]}" -M extended -c 1 -t 5 -f "$T/pipeline.sql" >"$T/pgbench-pipeline.out" 2>&1 ||
	fail "pgbench pipeline: $(tail -2 "$T/pgbench-pipeline.out")"
cat >"$T/client.py" <<'EOF'
import os, select, sys, threading, time
import psycopg2, psycopg2.extensions
port, plain_pw = sys.argv[1], sys.argv[2]
def conn(**kw):
    c = psycopg2.connect(host="127.0.0.1", port=port, dbname="postgres", **kw)
    return c
c = conn(user="postgres")
cur = c.cursor()
cur.execute("CREATE TABLE users (id int PRIMARY KEY, email text)")
cur.execute("INSERT INTO users VALUES (%s, %s)", (1, "ada@example.com"))
c.commit()
try:
    cur.execute("INSERT INTO users VALUES (%s, %s)", (1, "again@example.com"))
except psycopg2.errors.UniqueViolation:
    c.rollback()
cur.execute("PREPARE by_id (int) AS SELECT email FROM users WHERE id = $1")
cur.execute("EXECUTE by_id (1)")
cur.fetchall()
cur.execute("DEALLOCATE by_id")
c.commit()
named = c.cursor("big_cursor")  # a server-side cursor: DECLARE, FETCH, CLOSE
named.itersize = 40
named.execute("SELECT g FROM generate_series(1, 100) g")
rows = sum(1 for _ in named)
named.close()
c.commit()
import io
cur.copy_expert("COPY users (id, email) FROM STDIN", io.StringIO("2\tgrace@example.com\n3\tlinus@example.com\n"))
out = io.StringIO()
cur.copy_expert("COPY users TO STDOUT", out)
c.commit()
# LISTEN / NOTIFY between two connections
lc = conn(user="postgres")
lc.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
lc.cursor().execute("LISTEN jobs")
c.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
cur.execute("NOTIFY jobs, 'job 17 done'")
got = None
for _ in range(50):
    if select.select([lc], [], [], 0.1)[0]:
        lc.poll()
        if lc.notifies:
            got = lc.notifies.pop(0).payload
            break
print("notify", got)
# a statement cancelled from another thread (a CancelRequest on its own connection)
t = threading.Timer(0.5, c.cancel)
t.start()
try:
    cur.execute("SELECT pg_sleep(5)")
except psycopg2.errors.QueryCanceled:
    print("cancelled")
t.join()
# a cleartext password login, then a wrong one
p = conn(user="plainuser", password=plain_pw)
p.cursor().execute("SELECT name FROM wire_items WHERE id = 1")
p.close()
try:
    conn(user="plainuser", password="wrong-password")
except psycopg2.OperationalError:
    print("login refused")
lc.close()
c.close()
print("rows", rows)
EOF
PGPASSWORD=$PG_SUPER_PW $PYD "$T/client.py" "$PORT" "$PG_PLAIN_PW" >"$T/client.out" 2>&1 ||
	fail "psycopg2 client: $(tail -3 "$T/client.out")"
$PYD "$ROOT/tests/e2e/pgwire.py" 127.0.0.1 "$PORT" wire postgres >"$T/pgwire.out" 2>&1 ||
	fail "pgwire.py: $(tail -3 "$T/pgwire.out")"
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && echo "ok - $NAME: recorder finished cleanly" ||
	echo "not ok - $NAME: recorder exited with $rc: $(cat "$T/rec.err")"
sleep 0.3 # the server logs a statement's error after it has sent it
tail -c +$((log_from + 1)) "$T/pg.log" >"$T/window.log"
grep -q '^notify job 17 done$' "$T/client.out" && grep -q '^cancelled$' "$T/client.out" &&
	grep -q '^login refused$' "$T/client.out" && echo "ok - $NAME: the clients ran (notify, cancel, refused login)" ||
	echo "not ok - $NAME: psycopg2 client: $(tr '\n' ' ' <"$T/client.out")"

# --- what tinytap-show makes of it ------------------------------------------------------------
timeout 120 "$SHOW" --json "$T/pg.tinytap" >"$T/all.jsonl" 2>"$T/show.err"
rc=$?
[ "$rc" = 0 ] && echo "ok - $NAME: tinytap-show exit 0 ($(tail -1 "$T/show.err"))" ||
	echo "not ok - $NAME: tinytap-show exited with $rc: $(cat "$T/show.err")"
timeout 120 "$SHOW" --json --errors "$T/pg.tinytap" >"$T/errors.jsonl" 2>/dev/null
timeout 120 "$SHOW" -vv "$T/pg.tinytap" >"$T/all-vv.out" 2>&1
timeout 120 "$SHOW" --json -vv "$T/pg.tinytap" >"$T/all-vv.jsonl" 2>&1
timeout 120 "$SHOW" --redact -w "$T/redacted.tinytap" "$T/pg.tinytap" >/dev/null 2>&1
"$TTDUMP" "$T/pg.tinytap" >"$T/raw.jsonl" 2>/dev/null
"$TTDUMP" "$T/redacted.tinytap" >"$T/redacted.jsonl" 2>/dev/null

$PYD - "$T" "$PG_SUPER_PW" "$PG_PLAIN_PW" <<'EOF'
import collections, json, re, sys
T, super_pw, plain_pw = sys.argv[1:4]
N = "proto_postgres"
fails = 0
def check(ok, what, why=""):
    global fails
    print(("ok - " if ok else "not ok - ") + N + ": " + what + ("" if ok or not why else " # " + why))
    fails += not ok

def norm(s):
    s = " ".join(s.split())
    while s.endswith(";"):
        s = s[:-1].rstrip()
    return s

def split_sql(s):
    # the statements of a simple Query as the server splits them (our SQL has no ; in literals)
    return [norm(p) for p in s.split(";") if norm(p)]

# --- the server's log: per backend pid, in order --------------------------------------------
LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\w+):  (?:([0-9A-Z]{5}): )?(.*)$")
log_stmts = collections.defaultdict(list)   # pid -> statements in order
log_errors = collections.defaultdict(list)  # pid -> SQLSTATEs in order
conns = {}                                  # pid -> (user, database, application_name)
params = collections.defaultdict(list)      # pid -> [params of each logged execute]
last_line = {}                              # pid -> the last statement/execute line's text
pending = None                              # (pid, sqlstate) of an ERROR waiting for its STATEMENT
last = None

def settle():
    """An error whose statement was not logged as run failed at Parse/Bind: it counts as one."""
    global pending
    if pending:
        pid, code, text = pending
        if code != "28P01" and (text is None or text != last_line.get(pid)):
            log_stmts[pid].append(text)
        pending = None

for line in open(f"{T}/window.log", errors="replace"):
    m = LINE.match(line.rstrip("\n"))
    if not m:
        continue
    pid, kind, code, text = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if kind == "STATEMENT" and pending and pending[0] == pid:
        pending = (pid, pending[1], norm(text))
        continue
    if kind in ("DETAIL", "HINT", "LOCATION", "CONTEXT", "QUERY"):
        if kind == "DETAIL" and text.startswith("parameters: ") and last == (pid, "exec"):
            params[pid][-1] = [None if v == "NULL" else v[1:-1].replace("''", "'")
                               for v in re.findall(r"\$\d+ = (NULL|'(?:[^']|'')*')", text)]
        continue
    settle()
    if kind == "LOG" and text.startswith("statement: "):
        whole = text[len("statement: "):]
        log_stmts[pid] += split_sql(whole)
        last_line[pid] = norm(whole)
        last = (pid, "stmt")
    elif kind == "LOG" and text.startswith("execute "):
        st = norm(text.split(": ", 1)[1])
        log_stmts[pid].append(st)
        last_line[pid] = st
        params[pid].append(None)
        last = (pid, "exec")
    elif kind == "LOG" and text.startswith("connection authorized: "):
        kv = dict(re.findall(r"(\w+)=(\S+)", text))
        conns[pid] = (kv.get("user"), kv.get("database"), kv.get("application_name", ""))
    elif kind in ("ERROR", "FATAL"):
        log_errors[pid].append(code)
        pending = (pid, code, None)
        last = (pid, "error")
settle()

# --- tinytap-show -----------------------------------------------------------------------------
txns = [json.loads(l) for l in open(f"{T}/all.jsonl") if l.strip()]
pg = [t for t in txns if t["proto"] == "postgresql"]
check(len(pg) == len(txns) and len(pg) > 500, f"{len(pg)} PostgreSQL transactions, nothing else",
      f"{len(txns) - len(pg)} of another protocol")
by_sock = collections.defaultdict(list)
for t in pg:
    by_sock[t["sock_id"]].append(t)
backend_of = {}   # sock_id -> backend pid (its startup's BackendKeyData)
for s, ts in by_sock.items():
    for t in ts:
        if t["op"] == "STARTUP" and t.get("backend_pid"):
            backend_of[s] = t["backend_pid"]

def stmt_seq(ts):
    """What the server would log of these transactions, in order."""
    out = []
    for t in ts:
        if t["op"] in ("STARTUP", "SSL", "GSSENC", "CANCEL", "NOTIFICATION") or "no request" == t["incomplete"]:
            continue
        if t.get("statement") is not None:          # extended
            if t["op"] == "PREPARE" or t.get("not_executed"):
                continue                            # a Parse alone, or skipped: never logged
        out.append(t["query"])
    return out

def err_seq(ts):
    return [t["sqlstate"] for t in ts if t.get("sqlstate") and t.get("severity") in ("ERROR", "FATAL")]

server = {s: ts for s, ts in by_sock.items() if ts[0]["side"] == "server"}
client = {s: ts for s, ts in by_sock.items() if ts[0]["side"] == "client"}
srv_by_pid = collections.defaultdict(list)
for s, ts in server.items():
    srv_by_pid[ts[0]["pid"]] += ts
cli_by_backend = collections.defaultdict(list)
for s, ts in client.items():
    if s in backend_of:
        cli_by_backend[backend_of[s]] += ts

# 1. statements per backend, both sides
pids = sorted(set(log_stmts) | set(srv_by_pid))
bad = []
for pid in pids:
    want = log_stmts.get(pid, [])
    got_s = stmt_seq(srv_by_pid.get(pid, []))
    got_c = stmt_seq(cli_by_backend.get(pid, []))
    if want != got_s or want != got_c:
        bad.append(pid)
        for name, got in (("server", got_s), ("client", got_c)):
            if got != want:
                k = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
                print(f"#   pid {pid} {name} side: {len(got)} statements, log {len(want)}; first difference at {k}: "
                      f"tinytap {got[k:k+2]} log {want[k:k+2]}")
total = sum(len(v) for v in log_stmts.values())
verbs = collections.Counter((s or "EXECUTE").split()[0].upper() for v in log_stmts.values() for s in v)
check(not bad, f"every backend's {total} logged statements are its transactions in order, "
      f"both sides ({len(pids)} backends; {dict(verbs.most_common(8))})", f"backends differing: {bad}")

# 2. errors
# (a refused login has no BackendKeyData: its client side is not matched here but in 4.)
bad = [pid for pid in pids if log_errors.get(pid, []) != err_seq(srv_by_pid.get(pid, []))
       or (log_errors.get(pid, []) != err_seq(cli_by_backend.get(pid, []))
           and not (pid not in cli_by_backend and log_errors.get(pid) == ["28P01"]))]
nerr = collections.Counter(c for v in log_errors.values() for c in v)
check(not bad, f"the same errors in order, both sides ({dict(nerr)})",
      "; ".join(f"pid {p}: log {log_errors.get(p)} tinytap {err_seq(srv_by_pid.get(p, []))}" for p in bad[:4]))
errs = [json.loads(l) for l in open(f"{T}/errors.jsonl") if l.strip()]
check(all(t["outcome"] == "error" for t in errs) and
      collections.Counter(t["sqlstate"] for t in errs if t["side"] == "server") == nerr,
      f"--errors shows exactly those ({len(errs)} lines, both sides)")

# 3. bound parameters
def as_text(v):
    return None if v is None else "t" if v is True else "f" if v is False else str(v)
bad, n = [], 0
for pid in pids:
    got = [[as_text(v) for v in t["params"]] if "params" in t else None
           for t in srv_by_pid.get(pid, [])
           if t.get("statement") is not None and t["op"] != "PREPARE" and not t.get("not_executed")
           and t["outcome"] != "error"]
    want = params.get(pid, [])
    n += sum(1 for w in want if w)
    if [g or None for g in got] != [w or None for w in want]:
        bad.append((pid, got[:3], want[:3]))
check(not bad and n > 20, f"the {n} logged parameter lists are the bound parameters shown",
      str(bad[:2]))

# 4. connections
starts = [t for t in pg if t["op"] == "STARTUP"]
ok_s = collections.Counter((t["user"], t["database"], t.get("application_name", "")) for t in starts
                           if t["side"] == "server" and t["outcome"] == "ok")
ok_c = collections.Counter((t["user"], t["database"], t.get("application_name", "")) for t in starts
                           if t["side"] == "client" and t["outcome"] == "ok")
logged = collections.Counter(conns.values())
check(ok_s == logged and ok_c == logged, f"{sum(logged.values())} logged connections are startups on both sides "
      f"(user, database, application_name)", f"log {dict(logged)} server {dict(ok_s)} client {dict(ok_c)}")
refused = [t for t in starts if t["outcome"] == "error" and t.get("sqlstate") == "28P01"]
check(sorted(t["side"] for t in refused) == ["client", "server"], "the refused login is an error (28P01) on both sides")
auths = {t.get("auth") for t in starts if t["outcome"] == "ok"}
check({"scram-sha-256", "password", "trust"} <= auths, f"authentication methods shown: {sorted(a for a in auths if a)}")
cancels = [t for t in pg if t["op"] == "CANCEL"]
sleeper = [pid for pid, ev in log_errors.items() if "57014" in ev]
check(len(cancels) == 2 and {t["side"] for t in cancels} == {"client", "server"} and
      all(t.get("backend_pid") in sleeper for t in cancels),
      "the CancelRequest is shown on both sides, naming the cancelled backend")
check(all(t.get("encryption") == "ssl refused" for t in starts
          if t.get("application_name") in ("psql", "pgbench") and t["side"] == "client"),
      "psql/pgbench asked for TLS and were refused: folded into their startup")

# 5. nothing extra
inval = [t for t in pg if t["incomplete"] not in (None,)]
check(not inval, "every transaction complete: no [invalid], no gap, no answer without request",
      "; ".join(f"{t['op']} {t['target']!r} {t['incomplete']} {t.get('error')}" for t in inval[:5]))
unk = [t for t in pg if (t["target"] or "").startswith("(unknown") and t.get("sqlstate") != "26000"]
check(not unk, "no Execute shows an unknown statement (but the one the server did not know either)",
      str([t["target"] for t in unk[:3]]))
show_err = open(f"{T}/show.err").read()
check(" 0 events lost" in show_err, "no event lost", show_err.strip())

# 6. notification, pgwire's own record, COPY
notes = [t for t in pg if t["op"] == "NOTIFICATION"]
check(len(notes) == 2 and all(t["channel"] == "jobs" and t["payload"] == "job 17 done" for t in notes),
      "NOTIFY reached the listener: a notification line on both sides")
rec = [json.loads(l) for l in open(f"{T}/pgwire.out") if l.strip()]
own = [(r["sql"], r["outcome"], r.get("sqlstate")) for r in rec if "outcome" in r]
wire_s = [t for s, ts in client.items() for t in ts if t["comm"].startswith("python") and
          any(x["op"] == "STARTUP" and x.get("user") == "wire" for x in ts)]
# (an Execute of a statement closed before is unknown to tinytap too: its SQL is not shown)
mine_t = [t for t in wire_s if t.get("statement") is not None and t["op"] != "PREPARE"]
mine = [(t["query"], "skipped" if t.get("not_executed") else t["outcome"], t.get("sqlstate"))
        for t in mine_t]
for i, t in enumerate(mine_t):
    if i < len(own) and (t["target"] or "").startswith("(unknown statement"):
        own[i] = (None,) + own[i][1:]
check(mine == own, f"pgwire.py's own record of its {len(own)} executions (ok, error, skipped) is what tinytap shows",
      f"tinytap {mine[:4]} pgwire {own[:4]}")
copies = sorted((t["command_tag"], t["side"]) for t in pg if t["op"] == "COPY" and t["side"] == "client"
                and t["comm"].startswith("python"))
check(copies == [("COPY 2", "client"), ("COPY 3", "client")], f"COPY in and out with their rows ({copies})")
types = [t for t in wire_s if t.get("params") and isinstance(t["params"][0], int) and t["params"][0] == 21000000000]
check(len(types) == 1 and types[0]["params"][1] is True, "binary int8 and bool parameters shown as values (types from Describe)")

# 7. passwords
outs = {n: open(f"{T}/{n}", errors="replace").read() for n in ("all.jsonl", "all-vv.out", "all-vv.jsonl")}
leaks = [n for n, s in outs.items() for pw in (super_pw, plain_pw) if pw in s]
check(not leaks, "no password in tinytap-show's output (-vv, JSON -vv)", str(leaks))
hexpw = plain_pw.encode().hex()
raw = open(f"{T}/raw.jsonl").read()
red = open(f"{T}/redacted.jsonl").read()
check(hexpw in raw and hexpw not in red and '"type":"data"' in red,
      "the cleartext password is in the recording, not in its --redact -w copy")
sys.exit(1 if fails else 0)
EOF
