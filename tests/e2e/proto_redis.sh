#!/usr/bin/env bash
# End-to-end (root): the Redis parser against a real redis-server.
#
# A throwaway redis-server on 127.0.0.1 on a free, non-default port, in its own temp dir, without
# persistence and with a password (requirepass), stopped by its pid. Recorded with $REC --port
# (both ends of every connection) while a separate redis-cli runs MONITOR (the server's own
# record of every command it runs, in order, per client address), driven by
#   - /usr/bin/python3 with python3-redis (tests/e2e/redis_traffic.py): a pipeline of 300
#     commands in one write, MULTI/EXEC with a failing command inside, WRONGTYPE and ERR
#     errors, a 300 kB value, pub/sub with a second connection publishing, RESP3 after HELLO 3
#     (map, set, double, null, pushes) and inline commands, on raw sockets;
#   - redis-cli: RESP3 (-3) and an error;
#   - redis-benchmark: 2000 SET and 2000 GET, pipelined 16 deep (-P 16), 2 clients.
# Then it compares tinytap-show's transactions with what the others recorded:
#   1. per connection, the commands MONITOR lists are exactly tinytap's, in order, seen from the
#      server's socket and from the client's (only the monitoring connection's own AUTH and
#      MONITOR, which MONITOR does not list, are extra);
#   2. per command, the calls INFO commandstats counted during the recording are tinytap's;
#   3. python's own counts: commands sent per operation, errors per operation, replies and
#      pushed messages received are tinytap's (client side);
#   4. hundreds of pipelined commands are one write; RESP3 replies have their types; the MONITOR lines
#      and pub/sub messages are one-way;
#   5. the password is in the recording, and in none of tinytap-show's outputs (line, -vv,
#      --json -vv, --redact), nor in the records --redact -w writes.
# Prints TAP lines. Env: REC, SHOW (binaries), TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3 # apt's python, with python3-redis
T=$(mktemp -d /tmp/tt-redis.XXXXXX)
SRV_PID= REC_PID= MON_PID=
cleanup() {
	for p in $MON_PID $REC_PID $SRV_PID; do kill "$p" 2>/dev/null; done
	for p in $MON_PID $REC_PID $SRV_PID; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
skip() { echo "ok - proto_redis # SKIP $*"; exit 0; }
fail() { echo "not ok - proto_redis: $*"; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v redis-server >/dev/null || skip "no redis-server (apt install redis-server)"
command -v redis-cli >/dev/null || skip "no redis-cli (apt install redis-tools)"
"$PYD" -c 'import redis' 2>/dev/null || skip "no python3-redis"
command -v zstd >/dev/null || skip "no zstd"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"

port() { "$PYD" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(port)
PW="tt-e2e-$RANDOM$RANDOM-pw"
C() { timeout 30 redis-cli -h 127.0.0.1 -p "$P" --no-auth-warning -a "$PW" "$@"; }

# --- the server ----------------------------------------------------------------------------------
redis-server --port "$P" --bind 127.0.0.1 --dir "$T" --save '' --appendonly no \
	--requirepass "$PW" --daemonize no --logfile "$T/redis.log" >/dev/null 2>&1 &
SRV_PID=$!
up=0
for _ in $(seq 100); do
	[ "$(C PING 2>/dev/null)" = PONG ] && up=1 && break
	kill -0 "$SRV_PID" 2>/dev/null || break
	sleep 0.05
done
[ "$up" = 1 ] || fail "redis-server did not start: $(tail -3 "$T/redis.log" | tr '\n' ' ')"
C CONFIG RESETSTAT >/dev/null

# --- record --------------------------------------------------------------------------------------
"$REC" -q -o "$T/r.tinytap" --port "$P" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 200); do [ -s "$T/r.tinytap" ] && break; sleep 0.05; done
sleep 0.3
redis-cli -h 127.0.0.1 -p "$P" --no-auth-warning -a "$PW" MONITOR >"$T/mon.out" 2>&1 &
MON_PID=$!
for _ in $(seq 100); do grep -q '^OK' "$T/mon.out" 2>/dev/null && break; sleep 0.05; done

timeout 120 "$PYD" "$ROOT/tests/e2e/redis_traffic.py" "$P" "$PW" 300 >"$T/py.out" 2>"$T/py.err" ||
	echo "# redis_traffic.py failed: $(tail -3 "$T/py.err")"
C -3 HGETALL h >"$T/cli3.out" 2>&1
C LPUSH str z >"$T/cli-err.out" 2>&1
timeout 120 redis-benchmark -h 127.0.0.1 -p "$P" -a "$PW" -n 2000 -P 16 -c 2 -t set,get -q \
	>"$T/bench.out" 2>&1 || echo "# redis-benchmark failed: $(tail -2 "$T/bench.out")"
sleep 0.5
kill "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
MON_PID=
sleep 0.3
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && echo "ok - proto_redis: recorder finished cleanly" ||
	echo "not ok - proto_redis: recorder exited with $rc: $(head -3 "$T/rec.err")"
C INFO commandstats >"$T/stats.out" 2>&1

for side in server client; do
	timeout 60 "$SHOW" --json --proto redis --side "$side" "$T/r.tinytap" >"$T/$side.jsonl" 2>"$T/show-$side.err"
	rc=$?
	[ "$rc" = 0 ] && echo "ok - proto_redis: tinytap-show --side $side exit 0" ||
		{ echo "not ok - proto_redis: tinytap-show --side $side exited with $rc"; sed 's/^/#   /' "$T/show-$side.err"; }
done
timeout 60 "$SHOW" "$T/r.tinytap" >"$T/lines.out" 2>&1
timeout 60 "$SHOW" -vv "$T/r.tinytap" >"$T/vv.out" 2>&1
timeout 60 "$SHOW" --json -vv "$T/r.tinytap" >"$T/vv.jsonl" 2>&1
timeout 60 "$SHOW" --redact --json -vv "$T/r.tinytap" >"$T/redact.jsonl" 2>&1
timeout 60 "$SHOW" --redact -w "$T/redacted.tinytap" "$T/r.tinytap" >/dev/null 2>&1
zstd -q -dc "$T/r.tinytap" >"$T/raw" 2>/dev/null
zstd -q -dc "$T/redacted.tinytap" >"$T/redacted.raw" 2>/dev/null

# 5. the password
if grep -qaF "$PW" "$T/raw"; then
	echo "ok - proto_redis: the password is in the recording (the checks below mean something)"
else
	echo "not ok - proto_redis: the password is not in the recording"
fi
leak=
for f in lines.out vv.out vv.jsonl redact.jsonl server.jsonl client.jsonl redacted.raw; do
	grep -qaF "$PW" "$T/$f" && leak="$leak $f"
done
[ -z "$leak" ] && echo "ok - proto_redis: the password appears in no output (line, -vv, JSON, --redact, -w)" ||
	echo "not ok - proto_redis: the password appears in:$leak"
[ -s "$T/redacted.raw" ] && echo "ok - proto_redis: --redact -w wrote a recording" ||
	echo "not ok - proto_redis: --redact -w wrote nothing"

"$PYD" - "$T" "$P" <<'EOF'
import collections, json, re, sys
T, port = sys.argv[1], sys.argv[2]
ok_all = True
def check(cond, what, why=""):
    global ok_all
    print(("ok - " if cond else "not ok - ") + "proto_redis: " + what + ("" if cond or not why else " # " + why))
    ok_all &= bool(cond)

def jl(name):
    return [json.loads(l) for l in open(f"{T}/{name}") if l.strip()]

# --- MONITOR: the commands per client address, in order -------------------------------------------
mon = collections.defaultdict(list)
for l in open(f"{T}/mon.out", errors="replace"):
    m = re.match(r'^\d+\.\d+ \[\d+ ([\d.]+:\d+)\] "((?:[^"\\]|\\.)*)"', l)
    if m:
        mon[m.group(1)].append(m.group(2).upper())
check(sum(map(len, mon.values())) > 4000, "MONITOR listed %d commands" % sum(map(len, mon.values())))

# Commands MONITOR never lists: administrative ones (redis-benchmark's CONFIG GET), and MONITOR.
ADMIN = {"CONFIG", "MONITOR"}

def ops(txns, addr_key):
    per = collections.defaultdict(list)
    for t in sorted(txns, key=lambda t: t["ts"]):
        if t.get("oneway") or t["incomplete"] == "no request" or t["op"] in ADMIN:
            continue
        per[t[addr_key]].append(t["op"])
    return per

srv, cli = jl("server.jsonl"), jl("client.jsonl")
for side, txns, key in (("server", srv, "remote"), ("client", cli, "local")):
    per = ops(txns, key)
    bad = []
    for a in sorted(set(per) | set(mon)):
        want, got = mon.get(a, []), per.get(a, [])
        if got == ["AUTH"] and not want:
            continue  # the monitoring connection: MONITOR does not list what came before it
        if want != got:
            i = next((i for i in range(min(len(want), len(got))) if want[i] != got[i]), min(len(want), len(got)))
            bad.append("%s: MONITOR %d, tinytap %d, first difference at %d: %s / %s" %
                       (a, len(want), len(got), i, want[i:i + 3], got[i:i + 3]))
    check(not bad and per, "%s side: every connection's commands are MONITOR's, in order (%d connections)"
          % (side, len(per)), "; ".join(bad[:3]))
    # the 300 kB value is written in one call, longer than the recorder's per-call cap (256k):
    # the bytes not captured are a gap of a known size, counted (the value's size stays exact)
    check(all(t["complete"] or (t.get("key") == "big" and t["incomplete"] == "gap")
              for t in txns if not t.get("oneway")),
          "%s side: every transaction complete (but the bytes of the big value not captured)" % side,
          str([(t["target"], t["incomplete"]) for t in txns if not t["complete"]][:3]))

# --- INFO commandstats: calls per command during the recording ------------------------------------
calls = {}
for l in open(f"{T}/stats.out"):
    m = re.match(r"^cmdstat_([a-z|_-]+):calls=(\d+)", l.strip())
    if m:
        calls[m.group(1).upper()] = int(m.group(2))
# every connection authenticates; CONFIG RESETSTAT before, INFO after: neither was recorded
tcount = collections.Counter(t["op"] for t in srv if not t.get("oneway") and t["op"])
diff = {op: (calls.get(op, 0), tcount.get(op, 0)) for op in set(calls) | set(tcount)
        if op not in ("INFO", "CONFIG|RESETSTAT", "AUTH", "CONFIG", "CONFIG|GET")
        and calls.get(op, 0) != tcount.get(op, 0)}
check(not diff and tcount["SET"] >= 2000, "INFO commandstats calls per command are tinytap's "
      "(SET %d, GET %d)" % (tcount["SET"], tcount["GET"]), str(diff))

# --- python's own counts (client side, comm python3) ------------------------------------------------
py = [t for t in cli if t["comm"] == "python3"]
want = collections.Counter()
werr = collections.Counter()
replies = pushes = 0
for l in open(f"{T}/py.out"):
    w = l.split()
    if w[0] == "sent":
        want[w[1]] = int(w[2])
    elif w[0] == "error":
        werr[w[1]] = int(w[2])
    elif w[0] == "replies":
        replies = int(w[1])
    elif w[0] == "pushes":
        pushes = int(w[1])
got = collections.Counter(t["op"] for t in py if not t.get("oneway"))
check(want and got == want, "python3's commands per operation are tinytap's (%d)" % sum(want.values()),
      str({k: (want[k], got[k]) for k in set(want) | set(got) if want[k] != got[k]}))
gerr = collections.Counter(t["op"] for t in py if t["outcome"] == "error")
check(gerr == werr and werr, "python3's errors are tinytap's error outcomes: %s" % dict(werr),
      str(dict(gerr)))
check(sum(1 for t in py if not t.get("oneway") and t["reply_type"]) == replies,
      "python3's %d replies are tinytap's" % replies)
msgs = [t for t in py if t.get("oneway") and t["op"] == "message"]
check(len(msgs) == pushes == 4, "the 4 pub/sub messages are one-way transactions", str(len(msgs)))

# --- shapes ----------------------------------------------------------------------------------------
same = collections.Counter(t["ts"] for t in py if not t.get("oneway"))
# redis-py writes a pipeline in pieces of about 6000 bytes
check(same.most_common(1)[0][1] >= 200, "hundreds of pipelined commands in one write (%d share it)"
      % same.most_common(1)[0][1])
ex = [t for t in py if t["op"] == "EXEC"]
check(len(ex) == 1 and ex[0]["reply_items"] == 3 and ex[0]["reply_type"] == "array",
      "EXEC answers with the array of the 3 queued commands")
q = [t for t in py if t.get("value") == "QUEUED"]
check(len(q) == 3, "3 commands QUEUED")
types = {t["op"]: t["reply_type"] for t in py if t["op"] in ("HELLO", "SMEMBERS", "ZSCORE", "HGETALL")}
check(types == {"HELLO": "map", "SMEMBERS": "set", "ZSCORE": "double", "HGETALL": "map"},
      "RESP3 replies have their types", str(types))
big = [t for t in py if t["op"] == "GET" and t.get("key") == "big"]
check(len(big) == 1 and big[0]["value_bytes"] == 300000, "the 300 kB value's size is exact")
mon_lines = [t for t in cli if t.get("oneway") and t["op"] == "monitor"]
check(len(mon_lines) == sum(map(len, mon.values())), "every MONITOR line is a one-way transaction "
      "(%d)" % len(mon_lines))
errs = [t for t in cli if t["comm"] == "redis-cli" and t["outcome"] == "error"]
check(len(errs) == 1 and errs[0]["redis_error"].startswith("WRONGTYPE"), "redis-cli's error is shown")
sys.exit(0 if ok_all else 1)
EOF
