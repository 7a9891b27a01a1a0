#!/usr/bin/env bash
# End-to-end (root): the MySQL / MariaDB parser against a real MariaDB server.
#
# A throwaway datadir (mariadb-install-db) and a mariadbd on 127.0.0.1 on a free, non-default
# port, with its general log on and TLS (a self-signed certificate made here), started as root
# (--user=root: the sandbox has no other user the server accepts) and stopped by its pid. Recorded
# with $REC --port (both ends of every connection), driven by
#   - the mariadb client: statements with errors (--force), USE, a procedure answering with two
#     result sets, LOAD DATA LOCAL INFILE, the compressed protocol (--compress), a 17 MiB query
#     (several packets), a login with a wrong password, and one connection over TLS (--ssl);
#   - mariadb-slap (bounded: 3 clients, 60 queries);
#   - /usr/bin/python3 with pymysql (text protocol: parameters, errors, multi-statements,
#     LOCAL INFILE, PING, INIT_DB);
#   - tests/helpers/mysql_stmt (libmariadb, binary protocol: PREPARE, EXECUTE with int, string,
#     double, date and NULL parameters, SEND_LONG_DATA, cursors and FETCH, RESET, CLOSE, MariaDB's
#     PREPARE + EXECUTE(-1) in one round trip), 2 rounds.
# Then it compares tinytap-show's transactions with the server's own record, both sides:
#   1. per connection (the greeting's connection id = the log's thread id), the commands the
#      general log lists (Connect, Query, Prepare, Execute, Close stmt, Reset stmt, Long Data,
#      Init DB, Statistics, Quit) are exactly tinytap's, in order, with the same SQL (Query,
#      Prepare), from the server's socket and from the client's; nothing extra but the commands
#      the general log does not list (Ping, Fetch, Reset connection), which must match the
#      clients' own counts;
#   2. the errors the clients reported (code and count) are exactly the ERR answers tinytap shows;
#   3. the rows pymysql counted for its SELECTs are tinytap's rows;
#   4. the TLS connection is one TLS line, then only what the TLS plaintext layer holds (SELECT 42); the compressed connection is
#      decoded ([compressed]); the 17 MiB query is one transaction of 2 packets; the parameters
#      tinytap decoded are the values the server logged for each Execute.
# Prints TAP lines. Env: REC, SHOW (binaries), TT_ROOT, O (build dir, for the helper).
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
STMT=$ROOT/${O:-build}/tests/helpers/mysql_stmt
PYD=/usr/bin/python3 # apt's python, with pymysql
T=$(mktemp -d /tmp/tt-mysql.XXXXXX)
chmod 755 "$T"
DB_PID= REC_PID=
cleanup() {
	for p in $REC_PID $DB_PID; do kill "$p" 2>/dev/null; done
	for p in $REC_PID $DB_PID; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
skip() { echo "ok - proto_mysql # SKIP $*"; exit 0; }
fail() { echo "not ok - proto_mysql: $*"; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null ||
	skip "no MariaDB server (apt install mariadb-server)"
command -v mariadb >/dev/null || skip "no mariadb client (apt install mariadb-client)"
"$PYD" -c 'import pymysql' 2>/dev/null || skip "no python3-pymysql"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
[ -x "$STMT" ] || fail "no $STMT (libmariadb-dev, then make)"
SLAP=$(command -v mariadb-slap || command -v mysqlslap || true)

port() { "$PYD" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(port)
M() { timeout 60 mariadb --no-defaults -h127.0.0.1 -P"$P" --skip-ssl "$@"; }

# --- the server ----------------------------------------------------------------------------------
timeout 60 mariadb-install-db --no-defaults --datadir="$T/data" --user=root \
	--auth-root-authentication-method=normal --skip-test-db >"$T/install.log" 2>&1 ||
	fail "mariadb-install-db: $(tail -3 "$T/install.log" | tr '\n' ' ')"
TLS=0
if command -v openssl >/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1; then
	TLS=1
fi
SSLOPT=()
[ "$TLS" = 1 ] && SSLOPT=(--ssl-cert="$T/cert.pem" --ssl-key="$T/key.pem")
mariadbd --no-defaults --datadir="$T/data" --user=root --port="$P" --bind-address=127.0.0.1 \
	--socket="$T/sock" --pid-file="$T/pid" --log-error="$T/err.log" --skip-log-bin \
	--innodb-buffer-pool-size=16M --max-allowed-packet=64M --local-infile=1 \
	--general-log=1 --general-log-file="$T/setup.log" "${SSLOPT[@]}" >/dev/null 2>&1 &
DB_PID=$!
up=0
for _ in $(seq 300); do
	if M -uroot -e 'SELECT 1' >/dev/null 2>&1; then
		up=1
		break
	fi
	kill -0 "$DB_PID" 2>/dev/null || break
	sleep 0.1
done
[ "$up" = 1 ] || fail "mariadbd did not start: $(tail -5 "$T/err.log" | tr '\n' ' ')"
M -uroot -e "CREATE DATABASE tt; CREATE USER app@'%' IDENTIFIED BY 's3cret';
	GRANT ALL ON *.* TO app@'%'; CREATE TABLE tt.cli (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(32));
	SET GLOBAL general_log_file='$T/general.log';" || fail "setup failed"

# --- record --------------------------------------------------------------------------------------
"$REC" -q -o "$T/m.tinytap" --port "$P" --duration 120 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 200); do [ -s "$T/m.tinytap" ] && break; sleep 0.05; done
sleep 0.3

printf '1,one\n2,two\n3,three\n' >"$T/cli.csv"
cat >"$T/cli.sql" <<EOF
INSERT INTO cli (v) VALUES ('a'), ('b'), ('c');
SELECT * FROM cli ORDER BY id;
INSERT INTO cli (id, v) VALUES (1, 'dup');
SELECT * FROM nosuch;
USE tt;
DELIMITER //
CREATE PROCEDURE two() BEGIN SELECT 1; SELECT 2, 3; END //
DELIMITER ;
CALL two();
CREATE TABLE csv (id INT, v VARCHAR(16));
LOAD DATA LOCAL INFILE '$T/cli.csv' INTO TABLE csv FIELDS TERMINATED BY ',';
SELECT COUNT(*) FROM csv;
EOF
M -uapp -ps3cret --force --local-infile=1 tt <"$T/cli.sql" >"$T/cli.out" 2>"$T/cli.err"
M -uapp -ps3cret --compress tt -e "SELECT COUNT(*) FROM cli; SELECT REPEAT('x', 5000)" >/dev/null 2>>"$T/cli.err"
M -uapp -pwrong tt -e 'SELECT 1' >/dev/null 2>>"$T/cli.err"
"$PYD" -c "import sys; sys.stdout.write(\"INSERT INTO big VALUES ('\" + 'z' * (17 << 20) + \"');\\n\")" >"$T/big.sql"
M -uapp -ps3cret --max-allowed-packet=64M tt -e 'CREATE TABLE big (v LONGTEXT)' 2>>"$T/cli.err"
M -uapp -ps3cret --max-allowed-packet=64M tt <"$T/big.sql" 2>>"$T/cli.err"
if [ "$TLS" = 1 ]; then
	timeout 60 mariadb --no-defaults -h127.0.0.1 -P"$P" -uapp -ps3cret --ssl tt \
		-e 'SELECT 42' >"$T/tls.out" 2>>"$T/cli.err"
fi
if [ -n "$SLAP" ]; then
	timeout 60 "$SLAP" --no-defaults -h127.0.0.1 -P"$P" -uroot --skip-ssl --concurrency=3 --iterations=1 \
		--number-of-queries=60 --auto-generate-sql --create-schema=slap --silent \
		>"$T/slap.out" 2>&1 || echo "# mariadb-slap failed: $(tail -2 "$T/slap.out")"
fi
cat >"$T/py.py" <<'EOF'
import sys, pymysql
from pymysql.constants import CLIENT
port, d = int(sys.argv[1]), sys.argv[2]
def conn(pw="s3cret"):
    return pymysql.connect(host="127.0.0.1", port=port, user="app", password=pw, database="tt",
                           client_flag=CLIENT.MULTI_STATEMENTS, local_infile=True, autocommit=True)
c = conn()
cur = c.cursor()
cur.execute("CREATE TABLE py (id INT PRIMARY KEY, name VARCHAR(64))")
for i in range(20):
    cur.execute("INSERT INTO py VALUES (%s, %s)", (i, "name %d" % i))
for lim in (7, 0, 20):
    sql = "SELECT id, name FROM py WHERE id < %d" % lim
    print("rows\t%s\t%d" % (sql, cur.execute(sql)))
for bad in ("INSERT INTO py VALUES (1, 'dup')", "SELEC nonsense", "SELECT * FROM py WHERE nope = 1"):
    try:
        cur.execute(bad)
    except pymysql.err.MySQLError as e:
        print("error\t%d" % e.args[0])
cur.execute("SELECT 1; SELECT 2, 3; UPDATE py SET name = 'x' WHERE id = 1")
while cur.nextset():
    pass
with open(d + "/py.csv", "w") as f:
    f.write("".join("%d,csv %d\n" % (i, i) for i in range(100, 150)))
cur.execute("LOAD DATA LOCAL INFILE %s INTO TABLE py FIELDS TERMINATED BY ','", (d + "/py.csv",))
print("rows\tLOAD DATA\t%d" % cur.rowcount)
c.ping()
print("sent\tPING\t1")
c.select_db("tt")
c.close()
try:
    conn("wrong")
except pymysql.err.MySQLError as e:
    print("error\t%d" % e.args[0])
EOF
timeout 60 "$PYD" "$T/py.py" "$P" "$T" >"$T/py.out" 2>&1 || echo "# pymysql: $(tail -3 "$T/py.out")"
timeout 60 "$STMT" 127.0.0.1 "$P" app s3cret tt 2 >"$T/stmt.out" 2>&1 || echo "# mysql_stmt: $(tail -3 "$T/stmt.out")"
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && echo "ok - proto_mysql: recorder finished cleanly" ||
	echo "not ok - proto_mysql: recorder exited with $rc: $(head -3 "$T/rec.err")"
M -uroot -e 'SET GLOBAL general_log = 0' 2>/dev/null

for side in server client; do
	timeout 60 "$SHOW" --json --proto mysql --side "$side" "$T/m.tinytap" >"$T/$side.jsonl" 2>"$T/show-$side.err"
	rc=$?
	[ "$rc" = 0 ] && echo "ok - proto_mysql: tinytap-show --side $side exit 0" ||
		{ echo "not ok - proto_mysql: tinytap-show --side $side exited with $rc"; sed 's/^/#   /' "$T/show-$side.err"; }
done
timeout 60 "$SHOW" "$T/m.tinytap" >"$T/lines.out" 2>&1

"$PYD" - "$T" "$TLS" "${SLAP:+1}" <<'EOF'
import collections, json, re, sys
T, tls, slap = sys.argv[1], sys.argv[2] == "1", sys.argv[3] == "1"
ok_all = True
def check(cond, what, why=""):
    global ok_all
    print(("ok - " if cond else "not ok - ") + "proto_mysql: " + what + ("" if cond or not why else " # " + why))
    ok_all &= bool(cond)

def jl(name):
    return [json.loads(l) for l in open(f"{T}/{name}") if l.strip()]

# --- the general log: entries per thread ---------------------------------------------------------
KINDS = ["Connect", "Query", "Prepare", "Execute", "Close stmt", "Reset stmt", "Long Data", "Init DB",
         "Quit", "Statistics", "Field List", "Change user", "Set option", "Fetch", "Ping",
         "Processlist", "Kill", "Refresh", "Debug", "Reset connection"]
head = re.compile(r"^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+) (" + "|".join(KINDS) + r")\t?(.*)$")
log = collections.defaultdict(list)
last = None
for line in open(f"{T}/general.log", errors="replace"):
    line = line.rstrip("\n")
    m = head.match(line)
    if m:
        last = [m.group(2), m.group(3)]
        log[int(m.group(1))].append(last)
    elif last is not None and not line.startswith(("/usr/sbin/mariadbd", "Tcp port", "Time ")):
        last[1] += "\n" + line
# threads that began before the recording (the setup's, whose Quit is in this file) and the last
# statement of the test (SET GLOBAL general_log = 0, after the recording) are not compared
for tid in list(log):
    if log[tid][0][0] != "Connect" or any(a.startswith("SET GLOBAL general_log = 0")
                                         for k, a in log[tid] if k == "Query"):
        del log[tid]
# a refused login is two Connect entries: who, then "Access denied..."
for tid, ents in log.items():
    if len(ents) >= 2 and ents[1][0] == "Connect" and ents[1][1].startswith("Access denied"):
        ents[0][1] = "failed: " + ents[1][1]
        del ents[1]

NAME = {"CONNECT": "Connect", "QUERY": "Query", "STMT_PREPARE": "Prepare", "STMT_EXECUTE": "Execute",
        "STMT_CLOSE": "Close stmt", "STMT_RESET": "Reset stmt", "STMT_SEND_LONG_DATA": "Long Data",
        "INIT_DB": "Init DB", "QUIT": "Quit", "STATISTICS": "Statistics", "FIELD_LIST": "Field List",
        "CHANGE_USER": "Change user"}
UNLOGGED = {"PING", "STMT_FETCH", "RESET_CONNECTION"}
norm = lambda s: " ".join(s.replace("\0", " ").split())

def by_conn(txns):
    """tinytap's transactions per server thread id (from the CONNECT / TLS line)."""
    socks = collections.defaultdict(list)
    for t in txns:
        socks[t["sock_id"]].append(t)
    out = {}
    for sock, ts in socks.items():
        ids = [t["connection_id"] for t in ts if t.get("command") in ("CONNECT", "TLS")]
        if len(ids) != 1:
            out[("sock", sock)] = ts
        else:
            out[ids[0]] = ts
    return out

stmt = {}
for line in open(f"{T}/stmt.out"):
    w = line.split()
    if w and w[0] == "sent":
        stmt[w[1]] = int(w[2])
py = [l.rstrip("\n").split("\t") for l in open(f"{T}/py.out") if "\t" in l]
client_errors = collections.Counter()
for l in open(f"{T}/cli.err"):
    m = re.match(r"ERROR (\d+) \(", l)
    if m:
        client_errors[int(m.group(1))] += 1
for l in open(f"{T}/stmt.out"):
    if l.startswith("error "):
        client_errors[int(l.split()[1])] += 1
for w in py:
    if w[0] == "error":
        client_errors[int(w[1])] += 1

for side in ("server", "client"):
    txns = jl(f"{side}.jsonl")
    conns = by_conn(txns)
    tls_ids = {k for k, ts in conns.items() if any(t.get("command") == "TLS" for t in ts)}
    unmatched = [k for k in conns if k not in log]
    check(not unmatched, f"{side}: every connection tinytap shows is a thread of the general log",
          f"not in the log: {unmatched[:5]}")
    missing = [tid for tid in log if tid not in conns]
    check(not missing, f"{side}: every thread of the general log is a connection tinytap shows "
          f"({len(log)} threads)", f"missing: {missing[:5]}")
    same, diffs, unlogged = 0, [], collections.Counter()
    for tid, ents in sorted(log.items()):
        ts = conns.get(tid)
        if ts is None or tid in tls_ids:
            continue
        mine = []
        for t in ts:
            cmd = t.get("command")
            if cmd in UNLOGGED:
                unlogged[cmd] += 1
            elif cmd in NAME:
                mine.append([NAME[cmd], t])
            else:
                diffs.append(f"thread {tid}: extra {cmd} {t['target']}")
        kinds = [k for k, _ in mine]
        theirs = [k for k, _ in ents]
        if kinds != theirs:
            diffs.append(f"thread {tid}: tinytap {kinds[:8]}... log {theirs[:8]}...")
            continue
        for (k, t), (_, arg) in zip(mine, ents):
            if k in ("Query", "Prepare"):
                a, b = norm(t["query"] or ""), norm(arg)
                if a.endswith("\u2026") and b.startswith(a[:-1]):
                    continue
                if a != b:
                    diffs.append(f"thread {tid}: {k} {a[:60]!r} vs {b[:60]!r}")
            if k == "Init DB" and t["database"] != arg:
                diffs.append(f"thread {tid}: Init DB {t['database']} vs {arg}")
            if k == "Connect" and (t["outcome"] == "error") != arg.startswith("failed: "):
                diffs.append(f"thread {tid}: CONNECT {t['outcome']} vs {arg[:60]!r}")
            if k == "Execute" and t.get("params"):  # each decoded value is in the logged SQL
                for v in t["params"]:
                    s = v if isinstance(v, str) else "NULL" if v is None else json.dumps(v)
                    if isinstance(v, str) and v.startswith("("):
                        continue
                    if s.replace('"', '\\"') not in arg and s not in arg:
                        diffs.append(f"thread {tid}: Execute parameter {s!r} not in {arg[:80]!r}")
        same += len(ents)
    check(not diffs, f"{side}: per connection, the general log's {same} entries are tinytap's, "
          "in order, same SQL and parameters", "; ".join(diffs[:4]))
    want = collections.Counter({"PING": stmt.get("PING", 0) + sum(1 for w in py if w[:2] == ["sent", "PING"]),
                                "STMT_FETCH": stmt.get("STMT_FETCH", 0),
                                "RESET_CONNECTION": stmt.get("RESET_CONNECTION", 0)})
    check(unlogged == want, f"{side}: commands the log does not list match the clients' counts "
          f"({dict(want)})", f"tinytap {dict(unlogged)}")
    errs = collections.Counter(t["error_code"] for t in txns if t["outcome"] == "error")
    check(errs == client_errors, f"{side}: the {sum(client_errors.values())} errors the clients "
          f"reported are tinytap's ERR answers ({dict(client_errors)})", f"tinytap {dict(errs)}")
    rows_ok = True
    for w in py:
        if w[0] == "rows" and w[1].startswith("SELECT"):
            r = [t["rows"] for t in txns if t.get("query") == w[1]]
            if r != [int(w[2])]:
                rows_ok = False
                print(f"#   {w[1]}: tinytap {r}, pymysql {w[2]}")
        if w[0] == "rows" and w[1] == "LOAD DATA":
            r = [t["rows"] for t in txns if (t.get("query") or "").startswith("LOAD DATA LOCAL INFILE") and "/py.csv" in t["query"]]
            if r != [int(w[2])]:
                rows_ok = False
                print(f"#   LOAD DATA: tinytap {r}, pymysql {w[2]}")
    check(rows_ok, f"{side}: rows of pymysql's SELECTs and LOAD DATA are tinytap's")
    check(all(t["complete"] or t.get("command") in ("QUIT", "STMT_CLOSE", "STMT_SEND_LONG_DATA", "TLS") and not t["incomplete"] in ("gap", "invalid")
              for t in txns if not (t.get("query") or "").startswith("INSERT INTO big")),
          f"{side}: every transaction is complete (but the 17 MiB one: not all captured)",
          str([(t["target"][:40], t["incomplete"]) for t in txns if not t["complete"]][:4]))
    comp = [t for t in txns if t.get("compressed") and t.get("command") == "QUERY"]
    check(len(comp) >= 2 and all(t["complete"] for t in comp),
          f"{side}: the compressed connection's {len(comp)} queries are decoded")
    big = [t for t in txns if (t.get("query") or "").startswith("INSERT INTO big VALUES ('zzz")]
    check(len(big) == 1 and big[0]["req_wire_bytes"] > (17 << 20) and big[0]["outcome"] == "ok",
          f"{side}: the 17 MiB query is one transaction of {big[0]['req_wire_bytes'] if big else 0} bytes, OK")
    if tls:
        tl = [t for t in txns if t.get("command") == "TLS"]
        after = [t for t in txns if tl and t["sock_id"] == tl[0]["sock_id"] and t.get("command") != "TLS"]
        # after the switch: nothing from the ciphertext; the commands from the TLS plaintext
        # layer (OpenSSL uprobes) when the process's TLS library is hooked
        plain_ok = all(t.get("tls") and t["incomplete"] != "invalid" for t in after) and \
            (not after or any((t.get("query") or "") == "SELECT 42" and t["outcome"] == "ok" for t in after))
        check(len(tl) == 1 and plain_ok and tl[0]["connection_id"] in log,
              f"{side}: the TLS connection is one TLS line, then " +
              (f"{len(after)} commands from the TLS plaintext ({sorted(set(t.get('command') or '?' for t in after))})"
               if after else "nothing (its TLS library is not hooked)")
              + ("" if plain_ok else f": {[(t.get('command'), t.get('query'), t.get('tls'), t['incomplete']) for t in after][:4]}"))
    else:
        print("ok - proto_mysql: TLS connection # SKIP no openssl to make a certificate")
    slapped = [t for t in txns if t["comm"].startswith(("mariadb-slap", "mysqlslap"))]
    if slap and side == "client":
        check(len(slapped) > 60, f"{side}: mariadb-slap's {len(slapped)} transactions are shown")
sys.exit(0 if ok_all else 1)
EOF
