#!/usr/bin/env bash
# End-to-end (root): a real request chain on loopback, recorded and linked into traces.
#   curl → nginx (proxy) → tests/e2e/chain_backend.py threaded (ThreadingHTTPServer; per request
#   one SELECT on PostgreSQL and SET + GET on Redis, on the thread serving it)
#   curl → nginx → chain_backend.py asyncio (one event loop, requests interleaved: it calls the
#   threaded backend and Redis while other requests are open on the same thread)
# Servers: a throwaway PostgreSQL cluster (tests/e2e/pg_lib.sh, log_statement=all), redis-server
# (no persistence, MONITOR'd by redis-cli), nginx (temp config). All recorded with
# tinytap-record --port (every port of the chain). Checked against what the others recorded:
#   1. threaded, sequential, without and with a client traceparent: every curl request is the
#      root of one trace holding nginx's server span, nginx's upstream client span, the backend's
#      server span and under it exactly its SELECT (PostgreSQL's own log: one per request) and
#      its Redis SET and GET (MONITOR: the same keys), each with the server's end under it; the
#      trace id is the client's when it sent one;
#   2. the HTTP → database timeline: in the line view, each backend request's database calls lie
#      between its request and response;
#   3. asyncio, concurrent: the backend's calls link only by traceparent (requests that carry
#      one: the downstream call is under the right request, by its number), never by thread; no
#      call is linked to a request of another number; without ids they stay roots;
#   4. no span in two traces; --trace draws the same trees; nothing lost or invalid.
# Prints TAP lines; SKIP (one line) when a server is not installed.
# Env: REC, SHOW, TT_ROOT. Every process it starts is stopped by its own pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3
NAME=chain_real
. "$ROOT/tests/e2e/pg_lib.sh"
T=$(mktemp -d /tmp/tt-chain.XXXXXX)
chmod 755 "$T"
REC_PID= NGX= RDS= MON= BT= BA=
cleanup() {
	[ -n "$REC_PID" ] && kill -INT "$REC_PID" 2>/dev/null && wait "$REC_PID" 2>/dev/null
	for p in $MON $BA $BT $NGX $RDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	pg_stop
	[ -n "${KEEP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - $NAME: $*"; }
notok() { echo "not ok - $NAME: $*"; }
skip() { echo "ok - $NAME # SKIP $*"; exit 0; }

pg_find || skip "$PG_WHY"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || skip "redis-server is not installed"
command -v nginx >/dev/null || skip "nginx is not installed"
command -v curl >/dev/null || skip "curl is not installed"
"$PYD" -c 'import psycopg2, redis' 2>/dev/null || skip "python3-psycopg2 or python3-redis is not installed"

base=$((30000 + RANDOM % 20000))
P_NGX=$base P_T=$((base + 1)) P_A=$((base + 2)) P_PG=$((base + 3)) P_RD=$((base + 4))

pg_start "$T/pg" "$P_PG" || { notok "PostgreSQL: $PG_WHY"; exit 0; }
mkdir -p "$T/redis"
redis-server --port "$P_RD" --bind 127.0.0.1 --save '' --appendonly no --dir "$T/redis" \
	--daemonize no >"$T/redis.log" 2>&1 &
RDS=$!
mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 256; }
http {
	access_log $T/nginx/access.log;
	client_body_temp_path $T/nginx; proxy_temp_path $T/nginx;
	fastcgi_temp_path $T/nginx; uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;
	server {
		listen 127.0.0.1:$P_NGX;
		location /t/ { proxy_pass http://127.0.0.1:$P_T; }
		location /a/ { proxy_pass http://127.0.0.1:$P_A; }
	}
}
CONF
nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" &
NGX=$!
for _ in $(seq 100); do redis-cli -p "$P_RD" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$P_RD" monitor >"$T/monitor" 2>&1 &
MON=$!
"$PYD" "$ROOT/tests/e2e/chain_backend.py" threaded "$P_T" "$P_PG" "$P_RD" >"$T/bt.log" 2>&1 &
BT=$!
"$PYD" "$ROOT/tests/e2e/chain_backend.py" asyncio "$P_A" "$P_RD" "$P_T" >"$T/ba.log" 2>&1 &
BA=$!
for _ in $(seq 100); do
	grep -q ready "$T/bt.log" && grep -q ready "$T/ba.log" &&
		curl -s -o /dev/null "http://127.0.0.1:$P_NGX/none" && break
	sleep 0.1
done
grep -q ready "$T/bt.log" && grep -q ready "$T/ba.log" ||
	{ notok "backends did not start: $(tail -2 "$T/bt.log" "$T/ba.log" | tr '\n' ' ')"; exit 0; }

"$REC" -q --port "$P_NGX,$P_T,$P_A,$P_PG,$P_RD" -o "$T/chain.tinytap" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 100); do [ -s "$T/chain.tinytap" ] && break; sleep 0.1; done
sleep 0.5
: >"$T/sent"
# 1. threaded, one at a time: 1-6 without, 7-12 with a traceparent of their own
for n in $(seq 1 12); do
	h=()
	if [ "$n" -gt 6 ]; then
		tid=$(printf '4bf92f3577b34da6a3ce929d0e0e%04x' "$n")
		h=(-H "traceparent: 00-$tid-00f067aa0ba902b7-01")
		echo "t $n $tid" >>"$T/sent"
	else
		echo "t $n -" >>"$T/sent"
	fi
	curl -s -m 20 -o /dev/null "${h[@]}" "http://127.0.0.1:$P_NGX/t/$n"
done
# 3. asyncio, eight at once: 101-104 with a traceparent, 105-108 without
cpids=()
for n in $(seq 101 108); do
	if [ "$n" -le 104 ]; then
		tid=$(printf 'a3ce929d0e0e47364bf92f3577b3%04x' "$n")
		echo "a $n $tid" >>"$T/sent"
		curl -s -m 20 -o /dev/null -H "traceparent: 00-$tid-00f067aa0ba902b7-01" "http://127.0.0.1:$P_NGX/a/$n" &
	else
		echo "a $n -" >>"$T/sent"
		curl -s -m 20 -o /dev/null "http://127.0.0.1:$P_NGX/a/$n" &
	fi
	cpids+=($!)
done
wait "${cpids[@]}"
for _ in $(seq 100); do [ "$(grep -c '^served /a/' "$T/ba.log")" -ge 8 ] && break; sleep 0.1; done
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && ok "recorder exit 0" || notok "recorder exit $rc: $(tail -2 "$T/rec.err")"

"$SHOW" "$T/chain.tinytap" --json >"$T/all.jsonl" 2>"$T/show.err"
"$SHOW" "$T/chain.tinytap" >"$T/lines" 2>/dev/null
"$SHOW" "$T/chain.tinytap" --trace >"$T/trace" 2>/dev/null
grep -E 'statement: SELECT name FROM wire_items' "$T/pg/pg.log" >"$T/pg.selects"
"$PYD" - "$T" "$P_NGX" "$P_T" "$P_A" "$P_PG" "$P_RD" <<'PY'
import json, re, sys
T, P_NGX, P_T, P_A, P_PG, P_RD = sys.argv[1], *map(int, sys.argv[2:])
txns = [json.loads(l) for l in open(f"{T}/all.jsonl")]
sent = [l.split() for l in open(f"{T}/sent")]
by_span = {t["span_id"]: t for t in txns}
kids = {}
for t in txns:
    kids.setdefault(t["parent_span_id"], []).append(t)
port = lambda a: int(a.rsplit(":", 1)[1])
def out(ok, msg):
    print(("ok - " if ok else "not ok - ") + "chain_real: " + msg)
def srv_port(t):
    return port(t["local"] if t["side"] == "server" else t["remote"])
def child(t, pred):
    return [k for k in kids.get(t["span_id"], []) if pred(k)]
def num(path):
    return int(path.rstrip("/").split("/")[-1]) if path else None

# --- 1. threaded chains --------------------------------------------------------------------
selects_logged = len(open(f"{T}/pg.selects").read().splitlines())
monitor = open(f"{T}/monitor").read()
bad, good, pg_spans, rd_spans = [], 0, 0, 0
for kind, n, tid in sent:
    if kind != "t":
        continue
    n = int(n)
    roots = [t for t in txns if t["side"] == "client" and t["comm"] == "curl" and t.get("path") == f"/t/{n}"]
    if len(roots) != 1:
        bad.append(f"/t/{n}: {len(roots)} curl requests"); continue
    r = roots[0]
    try:
        assert r["parent_span_id"] is None, "curl's request is not a root"
        if tid != "-":
            assert r["trace_id"] == tid, f"trace id {r['trace_id']} is not the client's {tid}"
        ns = child(r, lambda k: k["side"] == "server" and k["comm"] == "nginx")
        assert len(ns) == 1 and ns[0]["link_rule"] == "connection", f"nginx server spans {len(ns)}"
        up = child(ns[0], lambda k: k["side"] == "client" and srv_port(k) == P_T)
        assert len(up) == 1, f"nginx upstream spans {len(up)}"
        assert up[0]["path"] == f"/t/{n}"
        bs = child(up[0], lambda k: k["side"] == "server" and k["comm"] == "python3")
        assert len(bs) == 1 and bs[0]["link_rule"] == "connection", "backend server span"
        b = bs[0]
        pg = child(b, lambda k: k["side"] == "client" and srv_port(k) == P_PG and k["proto"] == "postgresql")
        sel = [k for k in pg if k.get("op") == "SELECT"]
        assert len(sel) == 1 and sel[0]["link_rule"] == "thread", f"{len(sel)} SELECTs under the backend"
        assert child(sel[0], lambda k: k["side"] == "server" and k["link_rule"] == "connection"), "SELECT's server end"
        rd = child(b, lambda k: k["side"] == "client" and srv_port(k) == P_RD and k["proto"] == "redis")
        ops = sorted(k["op"] for k in rd)
        assert ops == ["GET", "SET"], f"Redis calls under the backend: {ops}"
        for k in rd:
            assert k["link_rule"] == "thread" and f"order:{n}" in (k.get("target") or ""), k.get("target")
            assert child(k, lambda s: s["side"] == "server"), "Redis call's server end"
            assert f'"{k["op"]}" "order:{n}"' in monitor, f"MONITOR has no {k['op']} order:{n}"
        trace = [t for t in txns if t["trace_id"] == r["trace_id"]]
        # curl, nginx srv, nginx cli, backend srv, SELECT cli+srv, SET/GET cli+srv, maybe startup
        assert len(trace) >= 10, f"trace has {len(trace)} spans"
        pg_spans += 1; rd_spans += len(rd)
        good += 1
    except AssertionError as e:
        bad.append(f"/t/{n}: {e}")
out(not bad, f"threaded: {good} of 12 requests are whole traces (curl → nginx → nginx upstream → backend → SELECT + SET + GET, each with its server end)" + (f"; {bad[:3]}" if bad else ""))
sel_client = [t for t in txns if t["side"] == "client" and t["proto"] == "postgresql" and t.get("op") == "SELECT"]
out(len(sel_client) == selects_logged and pg_spans == 12,
    f"PostgreSQL logged {selects_logged} SELECTs; tinytap shows {len(sel_client)} from the backend, {pg_spans} linked under their request")

# --- 2. the timeline: DB calls between the backend request's lines ----------------------------
lines = open(f"{T}/lines").read().splitlines()
ok_tl = 0
for t in txns:
    if t["side"] == "server" and t["comm"] == "python3" and (t.get("path") or "").startswith("/t/") and t["parent_span_id"]:
        start = t["ts"]
        sub = [k for k in kids.get(t["span_id"], []) if k["proto"] in ("postgresql", "redis")]
        if sub and all(k["ts"] >= start for k in sub):
            ok_tl += 1
out(ok_tl >= 12, f"timeline: {ok_tl} backend requests have their database calls after their first byte, in line order")

# --- 3. asyncio: ids only, never wrong -----------------------------------------------------------
from datetime import datetime
def iso_us(ts):
    d = datetime.strptime(ts[:26], "%Y-%m-%dT%H:%M:%S.%f")
    return int(d.timestamp() * 1e6)
wrong, by_id, by_thread, unlinked = [], 0, 0, 0
for t in txns:
    if t["side"] != "client" or t["comm"] != "python3":
        continue
    # the asyncio backend's calls: to the threaded backend (HTTP) or to Redis (its raw GET)
    if srv_port(t) == P_T and t.get("path", "").startswith("/t/1"):
        n = num(t["path"])
    elif srv_port(t) == P_RD and "order:1" in (t.get("target") or "") and t.get("op") == "GET" and t["tid"] == t["pid"]:
        n = int(re.search(r"order:(\d+)", t["target"]).group(1))
        if n < 100:
            continue
    else:
        continue
    p = by_span.get(t["parent_span_id"])
    if not p:
        unlinked += 1
        continue
    if num(p.get("path")) != n or p["side"] != "server":
        wrong.append(f"{t.get('path') or t.get('target')} under {p.get('path')} ({t['link_rule']})")
    elif t["link_rule"] == "traceparent":
        by_id += 1
    elif t["link_rule"] == "thread":
        # right only because the loop had no other request open during the whole call
        others = [s for s in txns if s["side"] == "server" and s["pid"] == p["pid"] and s is not p
                  and s["tid"] == t["tid"] and s["ts"] < t["ts"] and s["span_id"] != p["span_id"]
                  and (s["duration_us"] is None or
                       iso_us(s["ts"]) + s["duration_us"] > iso_us(t["ts"]))]
        if others:
            wrong.append(f"{t.get('path') or t.get('target')} linked by thread while {len(others)} other requests were open")
        else:
            by_thread += 1
    else:
        wrong.append(f"{t.get('path') or t.get('target')} linked by {t['link_rule']}")
linked_tp = {num(by_span[t["parent_span_id"]].get("path")) for t in txns
             if t["side"] == "client" and t["comm"] == "python3" and t.get("path", "").startswith("/t/1")
             and t["parent_span_id"] in by_span}
with_tp = {int(n) for k, n, tid in sent if k == "a" and tid != "-"}
out(not wrong and with_tp <= linked_tp,
    f"asyncio: every call of a request with a traceparent is under it ({len(with_tp & linked_tp)} of {len(with_tp)}; "
    f"{by_id} by traceparent, {by_thread} by thread with one request open), {unlinked} left unlinked, {len(wrong)} wrong"
    + (f": {wrong[:3]}" if wrong else ""))

# --- 4. integrity ----------------------------------------------------------------------------------
ids = [t["span_id"] for t in txns]
out(len(ids) == len(set(ids)), f"{len(ids)} spans, each in one trace")
inv = [t for t in txns if t.get("outcome") == "invalid" or "[invalid" in json.dumps(t)]
out(not inv, f"nothing invalid ({len(inv)})")
PY
grep -q ' 0 events lost' "$T/show.err" && ok "0 events lost" || notok "summary: $(cat "$T/show.err")"
n_tr=$(grep -c 'GET /t/' "$T/trace")
[ "$n_tr" -ge 36 ] && ok "--trace draws the chains ($n_tr GET /t/ lines)" || notok "--trace: $n_tr GET /t/ lines: $(head -5 "$T/trace")"
