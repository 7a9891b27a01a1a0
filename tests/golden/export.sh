#!/usr/bin/env bash
# Exports without root, on the testdata recordings:
#   --format har: valid JSON on every recording; the HAR 1.2 schema (har-validator, a test-only
#     npm package, installed into a cache dir when node and npm are there: TAP SKIP otherwise);
#     one entry per exchange (the client's view when both ends are recorded) with the method,
#     URL, status and sizes of tinytap-show --json's transaction; headersSize + bodySize equals
#     the bytes on the wire for complete exchanges.
#   --format curl: the commands replayed against a local HTTP server that logs what it receives:
#     the same methods, targets, headers and bodies as the recording's client requests.
# Env: SHOW, TT_ROOT. TAP lines.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
export TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d /tmp/tt-export.XXXXXX)
SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
PY=$(python3 -c 'import sys; print(sys.executable)')
ok() { echo "ok - export: $*"; }
notok() { echo "not ok - export: $*"; }
cd "$ROOT/testdata" || exit 1

recs=(demo-workload http-nginx http-python http-secrets synthetic-http hostile-smuggling websocket http2 grpc)

# --- HAR: JSON, and the same exchanges as the JSON view ---------------------------------------
for r in "${recs[@]}"; do
	"$SHOW" "$r.tinytap" --format har >"$T/$r.har" 2>"$T/$r.err"
	"$SHOW" "$r.tinytap" --json -q >"$T/$r.jsonl" 2>/dev/null
	if "$PY" - "$T/$r.har" "$T/$r.jsonl" >"$T/check" 2>&1 <<'PY'; then ok "$r: HAR is JSON, $(cat "$T/check")"; else notok "$r: HAR: $(head -5 "$T/check")"; fi
import json, sys
har = json.load(open(sys.argv[1]))["log"]
txns = [json.loads(l) for l in open(sys.argv[2])]
# each exchange once: the client's view when both ends are recorded
want = [t for t in txns if (t.get("method") or t["proto"] == "grpc")
        and not (t["side"] == "server" and t["peer_sock_id"])]
for t in want:
    if t["proto"] == "grpc":  # an HTTP/2 POST to /service/method
        t["method"], t["path"] = "POST", f'/{t["grpc_service"]}/{t["grpc_method"]}'

# a WebSocket upgrade's entry is written when its messages are over: compare per connection
ents = sorted(har["entries"], key=lambda e: e["_tinytap"]["sock_id"])
want.sort(key=lambda t: t["sock_id"])
assert len(ents) == len(want), f"{len(ents)} entries, {len(want)} exchanges"
# _webSocketMessages (Chromium's export): every message of the client's socket, in order
nws = 0
for e in ents:
    if e.get("_resourceType") != "websocket":
        assert "_webSocketMessages" not in e
        continue
    msgs = [t for t in txns if t["proto"] == "websocket" and t["sock_id"] == e["_tinytap"]["sock_id"]]
    got = e["_webSocketMessages"]
    assert len(got) == len(msgs), (len(got), len(msgs))
    ops = {"text": 1, "binary": 2, "close": 8, "ping": 9, "pong": 10, "continuation": 0}
    for m, t in zip(got, msgs):
        assert m["type"] == ("send" if t["ws_direction"] == "sent" else "receive"), (m, t)
        assert m["opcode"] == ops[t["op"]], (m["opcode"], t["op"])
        assert isinstance(m["time"], float) and m["time"] > 1e9
        if t["op"] == "text" and t["ws_bytes"] <= 1024:
            assert m["data"] == t["ws_text"], (m["data"], t["ws_text"])
    nws += len(got)
wire_ok = 0
for e, t in zip(ents, want):
    rq, rs = e["request"], e["response"]
    assert rq["method"] == t["method"], (rq["method"], t["method"])
    assert rq["url"].endswith(t["path"]), (rq["url"], t["path"])
    assert rs["status"] == (t["status"] or 0), (rs["status"], t["status"])
    assert e["_tinytap"]["sock_id"] == t["sock_id"]
    for k in ("time",):
        assert isinstance(e[k], (int, float)) and e[k] >= 0
    tm = e["timings"]
    assert abs(tm["send"] + tm["wait"] + tm["receive"] - e["time"]) < 0.002
    if t["complete"] and rq["headersSize"] >= 0:
        assert rq["headersSize"] + rq["bodySize"] == t["req_wire_bytes"], (t["path"], rq["headersSize"], rq["bodySize"], t["req_wire_bytes"])
        assert rs["headersSize"] + rs["bodySize"] == t["resp_wire_bytes"], (t["path"], rs["headersSize"], rs["bodySize"], t["resp_wire_bytes"])
        wire_ok += 1
print(f"{len(ents)} entries match the JSON view, {wire_ok} with exact header and body sizes"
      + (f", {nws} WebSocket messages" if nws else ""))
PY
done

# --- HAR: the HAR 1.2 schema ---------------------------------------------------------------------
npmdir=${TT_NPM_CACHE:-$ROOT/build/npm}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "ok - export: HAR schema # SKIP node/npm not installed (har-validator runs on node)"
elif ! { [ -d "$npmdir/node_modules/har-validator" ] ||
	(mkdir -p "$npmdir" && cd "$npmdir" &&
		timeout 180 npm install --no-audit --no-fund --loglevel=error har-validator@5 >/dev/null 2>&1); }; then
	echo "ok - export: HAR schema # SKIP npm could not install har-validator (registry unreachable?)"
else
	for r in "${recs[@]}"; do
		if NODE_PATH="$npmdir/node_modules" node -e '
			const v = require("har-validator");
			const har = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			v.har(har).then(() => process.exit(0)).catch(e => {
				console.log(JSON.stringify(e.errors ? e.errors.slice(0, 3) : e.message));
				process.exit(1); });' "$T/$r.har" >"$T/v" 2>&1; then
			ok "$r: valid HAR 1.2 (har-validator)"
		else
			notok "$r: har-validator: $(head -c 400 "$T/v")"
		fi
	done
fi

# --- curl: replayed, the server sees the recorded requests ---------------------------------------
"$PY" - "$T/srv.log" "$T/port" >/dev/null 2>&1 <<'PY' &
import http.server, json, sys, hashlib
log = open(sys.argv[1], "a")
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        hdrs = sorted(f"{k.lower()}: {v}" for k, v in self.headers.items()
                      if k.lower() not in ("host", "content-length", "connection"))
        log.write(json.dumps({"method": self.command, "path": self.path, "headers": hdrs,
                              "body": hashlib.sha1(body).hexdigest()}) + "\n")
        log.flush()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one
    def do_HEAD(self):
        self.handle_one()
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
port=$(cat "$T/port" 2>/dev/null)
for r in demo-workload http-secrets; do
	: >"$T/srv.log"
	"$SHOW" "$r.tinytap" --format curl -q >"$T/$r.sh"
	# the recorded server's address -> this test's server
	sed -E "s#'http://[^/']+/#'http://127.0.0.1:$port/#" "$T/$r.sh" >"$T/$r.local.sh"
	sh "$T/$r.local.sh" >/dev/null 2>"$T/curl.err"
	"$SHOW" "$r.tinytap" --json -vv --body-max 1048576 -q >"$T/$r.vv.jsonl"
	if "$PY" - "$T/$r.vv.jsonl" "$T/srv.log" >"$T/check" 2>&1 <<'PY'; then ok "curl $r: $(cat "$T/check")"; else notok "curl $r: $(head -5 "$T/check"; head -3 "$T/curl.err")"; fi
import json, sys, hashlib, base64
txns = [json.loads(l) for l in open(sys.argv[1])]
want = []
for t in txns:
    if not t.get("method") or (t["side"] == "server" and t["peer_sock_id"]):
        continue
    body = base64.b64decode(t["req_body_b64"]) if "req_body_b64" in t else t.get("req_body", "").encode()
    hdrs = sorted(f"{k.lower()}: {v}" for k, v in t["req_headers"].items()
                  if k.lower() not in ("host", "content-length", "connection", "expect", "transfer-encoding", "te", "trailer", "upgrade", "keep-alive", "proxy-connection"))
    want.append({"method": t["method"], "path": t["path"], "headers": hdrs, "body": hashlib.sha1(body).hexdigest()})
got = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == len(want), f"server got {len(got)} requests, the recording has {len(want)}"
for g, w in zip(got, want):
    assert g == w, f"\n got  {g}\n want {w}"
print(f"{len(got)} requests replayed: same methods, targets, headers and bodies")
PY
done
