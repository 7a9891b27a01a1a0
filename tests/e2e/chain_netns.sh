#!/usr/bin/env bash
# End-to-end (root): two "hosts" on one machine, recorded apart and merged.
# Network namespaces tt-web1-$$ (10.201.7.1) and tt-web2-$$ (10.201.7.2) joined by a veth pair
# (addresses exist inside the namespaces only). web1 runs a python3 HTTP server; web2 runs a
# shell that sends requests to it with curl: 3 plain, 2 with a W3C traceparent. Each side has its
# own recorder, in its own UTS namespace named web1 / web2 (the recording's host name) and
# filtered to its own processes (-p). Then `tinytap-show web1.tinytap web2.tinytap` must:
#   1. show each request twice, the client's view on host web2 and the server's on web1, with
#      the paths and statuses of the server's own log and curl's own count;
#   2. link each server span under its client span across the two files (rule connection: the
#      addresses mirror each other), with the client's trace id when it sent a traceparent;
#   3. --host-name web1 shows the server side only; JSON names host_name on every transaction.
# Prints TAP lines; SKIP when ip/netns cannot be used. Env: REC, SHOW, TT_ROOT.
# Everything it starts is stopped by its pid; the namespaces are deleted.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
NAME=chain_netns
T=$(mktemp -d /tmp/tt-netns.XXXXXX)
N1=tt-web1-$$ N2=tt-web2-$$
SRV= R1= R2= CLI=
PY=$(python3 -c 'import sys; print(sys.executable)')
cleanup() {
	for p in $R1 $R2; do kill -INT "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	for p in $CLI $SRV; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$N1" 2>/dev/null
	ip netns del "$N2" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - $NAME: $*"; }
notok() { echo "not ok - $NAME: $*"; }
command -v ip >/dev/null && command -v unshare >/dev/null && command -v curl >/dev/null ||
	{ echo "ok - $NAME # SKIP ip (iproute2), unshare or curl missing"; exit 0; }
if ! ip netns add "$N1" 2>"$T/err" || ! ip netns add "$N2" 2>>"$T/err" ||
	! ip link add "v1-$$" netns "$N1" type veth peer name "v2-$$" netns "$N2" 2>>"$T/err"; then
	echo "ok - $NAME # SKIP network namespaces unavailable: $(head -1 "$T/err")"
	exit 0
fi
ip -n "$N1" addr add 10.201.7.1/24 dev "v1-$$" && ip -n "$N1" link set "v1-$$" up && ip -n "$N1" link set lo up
ip -n "$N2" addr add 10.201.7.2/24 dev "v2-$$" && ip -n "$N2" link set "v2-$$" up && ip -n "$N2" link set lo up

mkdir -p "$T/www/api"
for i in 1 2 3 4 5; do echo "item $i" >"$T/www/api/item$i"; done
(cd "$T/www" && exec ip netns exec "$N1" "$PY" -m http.server 8080 --bind 10.201.7.1) >"$T/srv.log" 2>&1 &
SRV=$!
# web2's client: waits for "go" on a fifo, so its recorder can follow it from the start
mkfifo "$T/go"
ip netns exec "$N2" bash -c '
	read -r _ <"$1"
	for i in 1 2 3; do curl -s -m 10 -o /dev/null -w "%{http_code}\n" "http://10.201.7.1:8080/api/item$i"; done
	for i in 4 5; do
		curl -s -m 10 -o /dev/null -w "%{http_code}\n" \
			-H "traceparent: 00-0af7651916cd43dd8448eb211c8000$i$i-b7ad6b7169203331-01" \
			"http://10.201.7.1:8080/api/item$i"
	done' _ "$T/go" >"$T/codes" 2>&1 &
CLI=$!
for _ in $(seq 100); do
	ip netns exec "$N1" curl -s -o /dev/null "http://10.201.7.1:8080/" && break
	sleep 0.1
done
sleep 0.3 # the readiness probe above is not part of the recording
unshare --uts sh -c 'hostname web1 && exec "$0" -q -p "$1" -o "$2"' "$REC" "$SRV" "$T/web1.tinytap" 2>"$T/r1.err" &
R1=$!
unshare --uts sh -c 'hostname web2 && exec "$0" -q -p "$1" -o "$2"' "$REC" "$CLI" "$T/web2.tinytap" 2>"$T/r2.err" &
R2=$!
for _ in $(seq 100); do [ -s "$T/web1.tinytap" ] && [ -s "$T/web2.tinytap" ] && break; sleep 0.1; done
sleep 0.5
echo go >"$T/go"
wait "$CLI"
CLI=
sleep 0.5
kill -INT "$R1" "$R2"
wait "$R1"; rc1=$?
wait "$R2"; rc2=$?
R1= R2=
[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && ok "two recorders exit 0" || notok "recorders exit $rc1 $rc2: $(tail -1 "$T/r1.err" "$T/r2.err")"

"$SHOW" "$T/web1.tinytap" "$T/web2.tinytap" --json >"$T/all.jsonl" 2>"$T/show.err"
"$SHOW" "$T/web1.tinytap" "$T/web2.tinytap" --host-name web1 --json -q >"$T/web1.jsonl" 2>/dev/null
python3 - "$T" <<'PY'
import json, re, sys
T = sys.argv[1]
tx = [json.loads(l) for l in open(f"{T}/all.jsonl")]
codes = open(f"{T}/codes").read().split()
logged = re.findall(r'"GET (/api/item\d) HTTP/1.1" (\d+)', open(f"{T}/srv.log").read())
def out(ok, m): print(("ok - " if ok else "not ok - ") + "chain_netns: " + m)
cli = [t for t in tx if t["side"] == "client"]
srv = [t for t in tx if t["side"] == "server"]
out(codes == ["200"] * 5 and len(logged) == 5, f"curl saw {len(codes)} answers {set(codes)}, the server logged {len(logged)}")
out(sorted((t["path"], str(t["status"])) for t in srv) == sorted(logged),
    f"web1's server view = the server's log ({len(srv)} of {len(logged)})")
out(sorted(t["path"] for t in cli) == sorted(p for p, _ in logged) and all(str(t["status"]) == "200" for t in cli),
    f"web2's client view = curl's ({len(cli)} requests)")
out({t.get("host_name") for t in cli} == {"web2"} and {t.get("host_name") for t in srv} == {"web1"},
    "host_name: clients on web2, servers on web1")
by = {t["span_id"]: t for t in cli}
links = [t for t in srv if t["link_rule"] == "connection" and by.get(t["parent_span_id"], {}).get("path") == t["path"]]
out(len(links) == 5, f"{len(links)} of 5 server spans on web1 under their client span on web2 (connection)")
tp = [t for t in cli if t["path"] in ("/api/item4", "/api/item5")]
want = {"/api/item4": "0af7651916cd43dd8448eb211c800044", "/api/item5": "0af7651916cd43dd8448eb211c800055"}
out(all(t["trace_id"] == want[t["path"]] for t in tp) and len(tp) == 2 and
    all(s["trace_id"] == want[s["path"]] for s in srv if s["path"] in want),
    "the client's traceparent is the trace id on both hosts")
w1 = [json.loads(l) for l in open(f"{T}/web1.jsonl")]
out(len(w1) == 5 and all(t["side"] == "server" and t["host_name"] == "web1" for t in w1), f"--host-name web1: {len(w1)} server transactions")
PY
grep -q '2 recordings of 2 hosts' "$T/show.err" && ok "summary: $(grep -o '2 recordings of 2 hosts[^,]*' "$T/show.err")" ||
	notok "summary: $(cat "$T/show.err")"
