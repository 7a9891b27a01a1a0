#!/usr/bin/env bash
# End-to-end (root): gRPC with python3-grpcio (/usr/bin/python3) on 127.0.0.1, a non-default port.
# tests/e2e/grpc_demo.py: a test server built from generic handlers (no protoc: bytes in, bytes
# out; the bytes are protobuf wire format made by hand) with a unary, a server-streaming, a
# client-streaming and a bidi method, and one that answers UNAVAILABLE; a client calls each
# several times (one call gzip-compressed) and logs every call: method, status code, messages
# sent and received.
# Recorded with $REC --port; tinytap-show's gRPC calls must equal the client's own log on both
# sides (client and server socket): method, grpc-status, message counts; -vv decodes a message.
# Prints TAP lines. Env: REC, SHOW, TT_ROOT. Every process it starts is stopped by its pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3
T=$(mktemp -d /tmp/tt-proto-grpc.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - proto_grpc: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
$PYD -c 'import grpc' 2>/dev/null ||
	{ echo "ok - proto_grpc # SKIP python3-grpcio is not installed for $PYD (make deps)"; exit 0; }
PORT=$($PYD -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

GD=$ROOT/tests/e2e/grpc_demo.py
cd "$T" || fail "no temp dir"
$PYD "$GD" server "$PORT" >"$T/server.out" 2>"$T/server.err" &
PIDS+=($!)
for _ in $(seq 100); do
	grep -q ready "$T/server.out" 2>/dev/null && break
	sleep 0.05
done
grep -q ready "$T/server.out" || fail "the gRPC server did not start: $(cat "$T/server.err")"

rm -f "$T/g.tinytap"
"$REC" -q --duration 90 -o "$T/g.tinytap" --port "$PORT" 2>"$T/rec.err" &
REC_PID=$!
PIDS+=("$REC_PID")
for _ in $(seq 300); do
	[ -s "$T/g.tinytap" ] && break
	sleep 0.05
done
sleep 0.3
timeout 60 $PYD "$GD" client "$PORT" >"$T/client.jsonl" 2>"$T/client.err" ||
	echo "not ok - proto_grpc: the client failed: $(tail -3 "$T/client.err")"
sleep 0.3
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
[ "$rc" = 0 ] && echo "ok - proto_grpc: recorder finished cleanly" ||
	echo "not ok - proto_grpc: recorder exited with $rc"
timeout 60 "$SHOW" --json --proto grpc "$T/g.tinytap" >"$T/g.jsonl" 2>"$T/show.err"
rc=$?
[ "$rc" = 0 ] && echo "ok - proto_grpc: tinytap-show exit 0" || echo "not ok - proto_grpc: tinytap-show exited with $rc"
sed 's/^/# /' "$T/show.err"
timeout 60 "$SHOW" --side client "$T/g.tinytap" >"$T/g.out" 2>/dev/null
timeout 60 "$SHOW" -vv --side client --proto grpc --op 'tt.Demo/Unary' "$T/g.tinytap" >"$T/g-vv.out" 2>/dev/null
sed -n '1,3p' "$T/g.out" | sed 's/^/# /'

$PYD - "$T" <<'EOF'
import collections, json, sys
T = sys.argv[1]
ok = True
def check(cond, what, why=""):
    global ok
    print(("ok - " if cond else "not ok - ") + "proto_grpc: " + what + ("" if cond or not why else " # " + why))
    ok &= bool(cond)
log = [json.loads(l) for l in open(f"{T}/client.jsonl") if l.strip()]
g = [json.loads(l) for l in open(f"{T}/g.jsonl") if l.strip()]
want = collections.Counter((c["method"], c["code"], c["req"], c["resp"]) for c in log)
check(len(log) == 12, f"the client made {len(log)} calls")
for side in ("client", "server"):
    mine = [t for t in g if t["side"] == side]
    got = collections.Counter((t["grpc_method"], t["grpc_status"], t["req_messages"], t["resp_messages"]) for t in mine)
    check(got == want, f"{side} side: {len(mine)} calls = the client's log (method, grpc-status, messages each way)",
          f"missing {dict(want - got)}, extra {dict(got - want)}")
    check(all(t["grpc_service"] == "tt.Demo" and t["proto"] == "grpc" for t in mine), f"{side} side: service tt.Demo, proto grpc")
    check(all((t["outcome"] == "error") == (t["grpc_status"] != 0) for t in mine),
          f"{side} side: outcome error exactly when grpc-status is not 0")
    down = [t for t in mine if t["grpc_method"] == "Down"]
    check(len(down) == 2 and all(t["grpc_status"] == 14 and t["grpc_message"] == "down for maintenance" for t in down),
          f"{side} side: Down answered UNAVAILABLE with its message")
    z = [t for t in mine if t["grpc_method"] == "Unary" and t.get("req_compressed")]
    check(len(z) == 1 and z[0]["req_compressed"] == 1, f"{side} side: the gzip call's request message is marked compressed")
    check(all(t["complete"] for t in mine), f"{side} side: every call complete")
out = open(f"{T}/g.out").read()
check("grpc  tt.Demo/Unary → OK 1 msg/1 msg" in out and "grpc  tt.Demo/Down → UNAVAILABLE 1 msg/0 msgs" in out,
      "lines: 'grpc  tt.Demo/Unary → OK 1 msg/1 msg', 'tt.Demo/Down → UNAVAILABLE 1 msg/0 msgs'")
vv = open(f"{T}/g-vv.out").read()
check('1: "world 0"' in vv and '1: "hello world 0"' in vv and '1: "zipped zipped' in vv and "gzip:" in vv,
      "-vv decodes the messages as protobuf wire format (the gzip one inflated)")
sys.exit(0 if ok else 1)
EOF
