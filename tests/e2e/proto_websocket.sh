#!/usr/bin/env bash
# End-to-end (root): a python3-websockets echo server on 127.0.0.1 (a free port) and four clients
# (tests/e2e/ws_peer.py), recorded with $REC --port:
#   plain    without permessage-deflate: text, binary, fragmented text and binary, a ping,
#            unicode text, a 70000-byte text (64-bit length), 20 chat lines, an empty text, close
#            4000 "bye";
#   deflate  the same with permessage-deflate (context takeover across messages);
#   err      the server closes with 1011;
#   late     connected and two messages exchanged before the recording started: no upgrade is
#            recorded, the connection is told from its frames.
# Checks that, for each connection and on both sockets (client and server), tinytap-show --json
# lists exactly the messages the client logged itself as sent and received after the recording
# started (direction, opcode, size, text; close codes), mirrored on the server's socket; that the
# server's own log of data messages agrees; that messages join their upgrade transaction by
# sock_id + ws_key = Sec-WebSocket-Key; that --errors lists exactly the closes with codes other
# than 1000/1001; and that lines read `ws  → text 11 B "hello world"`.
# Prints TAP lines. Env: REC, SHOW (binaries), TT_ROOT. Every process is stopped by its own pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3 # apt's python3 (python3-websockets), not a pyenv build
PEER=$ROOT/tests/e2e/ws_peer.py
T=$(mktemp -d /tmp/tt-ws.XXXXXX)
chmod 755 "$T"
SRV_PID= REC_PID= LATE_PID=
cleanup() {
	for p in $REC_PID $LATE_PID $SRV_PID; do kill "$p" 2>/dev/null; done
	for p in $REC_PID $LATE_PID $SRV_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - proto_websocket: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
if ! "$PYD" -c 'import websockets' 2>/dev/null; then
	echo "ok - proto_websocket # SKIP python3-websockets is not installed (tests/deps.sh)"
	exit 0
fi

PORT=$("$PYD" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 100 "$PYD" "$PEER" server "$PORT" "$T/srv.log" 2>"$T/srv.err" &
SRV_PID=$!
up=0
for _ in $(seq 100); do
	if "$PYD" -c "import socket,sys; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; then
		up=1
		break
	fi
	sleep 0.05
done
[ "$up" = 1 ] || fail "the echo server did not start: $(head -c 300 "$T/srv.err")"

# a connection that exists before the recording
timeout 60 "$PYD" "$PEER" client "$PORT" "$T/cli.log" late --plain --chat 3 \
	--ready "$T/ready" --go "$T/go" 2>"$T/late.err" &
LATE_PID=$!
for _ in $(seq 200); do [ -e "$T/ready" ] && break; sleep 0.05; done
[ -e "$T/ready" ] || fail "the late client did not connect: $(head -c 300 "$T/late.err")"

"$REC" -q --duration 90 -o "$T/ws.tinytap" --port "$PORT" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 300); do [ -s "$T/ws.tinytap" ] && break; sleep 0.05; done
[ -s "$T/ws.tinytap" ] || fail "the recorder did not start: $(head -c 300 "$T/rec.err")"
sleep 0.3
touch "$T/go"
rc=0
timeout 60 "$PYD" "$PEER" client "$PORT" "$T/cli.log" plain --plain --chat 20 2>>"$T/cli.err" || rc=1
timeout 60 "$PYD" "$PEER" client "$PORT" "$T/cli.log" deflate --chat 20 2>>"$T/cli.err" || rc=1
timeout 60 "$PYD" "$PEER" client "$PORT" "$T/cli.log" err --plain 2>>"$T/cli.err" || rc=1
wait "$LATE_PID" || rc=1
LATE_PID=
[ "$rc" = 0 ] && echo "ok - proto_websocket: the four clients ran" ||
	{ echo "not ok - proto_websocket: a client failed"; sed 's/^/#   /' "$T/cli.err" "$T/late.err" | head -20; }
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && echo "ok - proto_websocket: recorder finished cleanly" ||
	echo "not ok - proto_websocket: recorder exited with $rc"

timeout 60 "$SHOW" --json "$T/ws.tinytap" >"$T/all.jsonl" 2>"$T/show.err"
rc=$?
[ "$rc" = 0 ] && echo "ok - proto_websocket: tinytap-show --json exit 0" ||
	{ echo "not ok - proto_websocket: tinytap-show exited with $rc"; sed 's/^/#   /' "$T/show.err"; }
timeout 60 "$SHOW" --json --errors "$T/ws.tinytap" >"$T/errors.jsonl" 2>/dev/null
timeout 60 "$SHOW" --utc "$T/ws.tinytap" >"$T/lines.out" 2>/dev/null

"$PYD" - "$T" <<'EOF'
import json, sys
T = sys.argv[1]
def jl(name):
    return [json.loads(l) for l in open(f"{T}/{name}") if l.strip()]
allt = jl("all.jsonl")
cli = [l for l in jl("cli.log") if l["phase"] == "after"]
srvlog = jl("srv.log")
msgs = [t for t in allt if t["proto"] == "websocket"]
ok = True
def check(cond, what, why=""):
    global ok
    print(("ok - " if cond else "not ok - ") + "proto_websocket: " + what + ("" if cond or not why else " # " + why))
    ok &= bool(cond)
def port(a):
    return int(a.rsplit(":", 1)[1])
MIRROR = {"sent": "received", "received": "sent"}

def same_text(want, t):
    got = t["ws_text"]
    if want is None or t["ws_opcode"] == "binary":
        return got is None
    if t.get("ws_text_truncated"):
        return got is not None and want.startswith(got) and len(got.encode()) <= 1024
    return got == want

def compare(name, side, got, want):
    """got: tinytap messages of one socket; want: the client's log, directions as this socket's."""
    bad = []
    for d in ("sent", "received"):
        g = [t for t in got if t["ws_direction"] == d]
        w = [l for l in want if l["dir"] == d]
        if len(g) != len(w):
            bad.append(f"{d}: {len(g)} shown, {len(w)} logged")
            continue
        for t, l in zip(g, w):
            if (t["ws_opcode"], t["ws_bytes"]) != (l["opcode"], l["bytes"]) or not same_text(l["text"], t) \
                    or (l["opcode"] == "close" and t.get("ws_close_code") != l["code"]):
                bad.append(f"{d}: shown {t['ws_opcode']} {t['ws_bytes']} {str(t['ws_text'])[:30]!r} "
                           f"code {t.get('ws_close_code')}, logged {l['opcode']} {l['bytes']} "
                           f"{str(l['text'])[:30]!r} code {l['code']}")
                break
    n = len(want)
    check(not bad, f"{name}, {side} socket: the {n} messages the client logged, direction, opcode, "
          f"size, text and close code", "; ".join(bad))

total = 0
for name in ("plain", "deflate", "err", "late"):
    want = [l for l in cli if l["conn"] == name]
    if not want:
        check(False, f"{name}: the client logged messages")
        continue
    cport = want[0]["port"]
    c = [t for t in msgs if t["side"] == "client" and port(t["local"]) == cport]
    s = [t for t in msgs if t["side"] == "server" and port(t["remote"]) == cport]
    total += len(c) + len(s)
    compare(name, "client", c, want)
    compare(name, "server", s, [dict(l, dir=MIRROR[l["dir"]]) for l in want])
    check(all(t["complete"] and t["outcome"] in ("ok", "error") and not t.get("error") for t in c + s),
          f"{name}: every message complete, none invalid")
    data = [t for t in c + s if t["ws_opcode"] in ("text", "binary")]
    if name == "deflate":
        check(data and all(t.get("ws_compressed") for t in data),
              f"deflate: all {len(data)} data messages were compressed and are shown inflated")
    else:
        check(not any(t.get("ws_compressed") for t in data), f"{name}: no message compressed")
    # the server's own log of data messages (control frames are its library's)
    slog = [l for l in srvlog if l["port"] == cport]
    sdata = [t for t in s if t["ws_opcode"] in ("text", "binary")]
    for d in ("sent", "received"):
        g = [(t["ws_opcode"], t["ws_bytes"]) for t in sdata if t["ws_direction"] == d]
        w = [(l["opcode"], l["bytes"]) for l in slog if l["dir"] == d]
        if name == "late":
            w = w[2:]  # the server logged the two exchanges before the recording too
        check(g == w, f"{name}: server socket's {d} data messages equal the server's own log ({len(w)})",
              f"shown {g[:5]}..., logged {w[:5]}...")
    ups = [t for t in allt if t["proto"] == "http/1.1" and
           ((t["side"] == "client" and port(t["local"]) == cport) or
            (t["side"] == "server" and port(t["remote"]) == cport))]
    if name == "late":
        check(not ups and all(t["ws_key"] is None for t in c + s) and c and s,
              "late: no upgrade recorded, both sockets told from their frames (ws_key null)")
        continue
    check(len(ups) == 2 and all(u["status"] == 101 and u.get("upgraded") for u in ups),
          f"{name}: the upgrade is one http/1.1 101 transaction per socket")
    joined = all(any(u["sock_id"] == t["sock_id"] and
                     u["req_headers"].get("Sec-WebSocket-Key") == t["ws_key"] for u in ups)
                 for t in c + s)
    check(joined, f"{name}: every message joins its upgrade by sock_id + ws_key = Sec-WebSocket-Key")

check(total == len(msgs), f"no other WebSocket message shown ({len(msgs)} in all)",
      f"{len(msgs) - total} extra")
# --errors: the closes with a code other than 1000/1001, on both sockets, nothing else
errs = jl("errors.jsonl")
want = sum(2 for l in cli if l["opcode"] == "close" and l["code"] not in (None, 1000, 1001))
check(len(errs) == want and all(t["ws_opcode"] == "close" and t["ws_close_code"] not in (1000, 1001)
                                 for t in errs),
      f"--errors lists exactly the {want} closes with a code other than 1000/1001",
      f"{len(errs)} listed: {[(t['op'], t.get('ws_close_code')) for t in errs][:8]}")
lines = open(f"{T}/lines.out").read().splitlines()
sent = [l for l in lines if "] cli pid=" in l and ' ws  → text 11 B "hello world"' in l]
rcvd = [l for l in lines if "] srv pid=" in l and ' ws  ← text 11 B "hello world"' in l]
n = sum(1 for l in cli if l["dir"] == "sent" and l["text"] == "hello world")
check(len(sent) == n and len(rcvd) == n,
      f'lines: {n} × cli "ws  → text 11 B \\"hello world\\"" and srv "ws  ← ..."',
      f"{len(sent)} and {len(rcvd)}")
sys.exit(0 if ok else 1)
EOF
