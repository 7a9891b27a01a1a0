#!/usr/bin/env bash
# --format har as Chromium's DevTools imports it: a headless Chromium (apt's chromium, its own
# temp profile, loopback debugging port) runs the HAR importer of its bundled DevTools front end
# (tests/golden/har_devtools.py) on the HAR of each testdata recording, and the requests it makes
# must be the HAR's entries: same count, URL, method and status for each, every WebSocket
# upgrade a "websocket" request with as many frames as the entry's _webSocketMessages.
# No root. TAP lines; SKIP when chromium or python3-websockets is missing or Chromium cannot start.
# Env: SHOW, TT_ROOT. Chromium is stopped by its pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
PYD=/usr/bin/python3 # apt's interpreter: python3-websockets is installed for it
T=$(mktemp -d /tmp/tt-devtools.XXXXXX)
CHR=
cleanup() {
	[ -n "$CHR" ] && kill "$CHR" 2>/dev/null && wait "$CHR" 2>/dev/null
	# its helper processes leave with it, writing the profile as they go
	for _ in $(seq 50); do rm -rf "$T" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
recs=(demo-workload http-nginx http-python synthetic-http hostile-smuggling websocket http2 grpc)
skip() {
	echo "ok - export_devtools: Chromium DevTools imports the HAR # SKIP $*"
	exit 0
}
command -v chromium >/dev/null || skip "chromium is not installed"
"$PYD" -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$T/profile" \
	--remote-debugging-address=127.0.0.1 --remote-debugging-port=0 about:blank \
	>"$T/chromium.log" 2>&1 &
CHR=$!
port=
for _ in $(seq 100); do
	[ -s "$T/profile/DevToolsActivePort" ] && port=$(head -1 "$T/profile/DevToolsActivePort") && break
	kill -0 "$CHR" 2>/dev/null || break
	sleep 0.1
done
[ -n "$port" ] || skip "Chromium did not start: $(tail -1 "$T/chromium.log")"
hars=()
for r in "${recs[@]}"; do
	"$SHOW" "$ROOT/testdata/$r.tinytap" --format har >"$T/$r.har" 2>/dev/null
	hars+=("$T/$r.har")
done
if ! timeout 300 "$PYD" "$ROOT/tests/golden/har_devtools.py" "$port" "${hars[@]}" >"$T/imported" 2>"$T/py.err"; then
	echo "not ok - export_devtools: the DevTools driver failed: $(tail -3 "$T/py.err")"
	exit 0
fi
i=0
for r in "${recs[@]}"; do
	i=$((i + 1))
	sed -n "${i}p" "$T/imported" >"$T/$r.imported"
	if "$PYD" - "$T/$r.har" "$T/$r.imported" >"$T/check" 2>&1 <<'PY'; then echo "ok - export_devtools: $r: $(cat "$T/check")"; else echo "not ok - export_devtools: $r: $(head -c 600 "$T/check")"; fi
import json, sys
ents = json.load(open(sys.argv[1]))["log"]["entries"]
got = json.loads(open(sys.argv[2]).read() or '{"error":"no answer"}')
assert "error" not in got, "the importer refused it: " + got["error"]
reqs = got["requests"]
assert len(reqs) == len(ents), f"{len(reqs)} requests imported from {len(ents)} entries"
key = lambda u, m, s: (u, m, s)
want = sorted(key(e["request"]["url"], e["request"]["method"], e["response"]["status"]) for e in ents)
have = sorted(key(q["url"], q["method"], q["status"]) for q in reqs)
assert want == have, [w for w, h in zip(want, have) if w != h][:3]
ws_want = sorted(len(e["_webSocketMessages"]) for e in ents if e.get("_resourceType") == "websocket")
ws_have = sorted(q["frames"] for q in reqs if q["type"] == "websocket")
assert ws_want == ws_have, (ws_want, ws_have)
hdrs = sum(len(e["request"]["headers"]) for e in ents)
assert sum(q["request_headers"] for q in reqs) == hdrs, "request headers differ"
print(f"{len(reqs)} requests imported with their URL, method, status and headers"
      + (f", {len(ws_have)} WebSocket connections with {sum(ws_have)} frames" if ws_have else ""))
PY
done
