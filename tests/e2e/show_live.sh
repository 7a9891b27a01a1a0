#!/usr/bin/env bash
# End-to-end (root): `tinytap-record -o - | tinytap-show -` shows each transaction while the
# recording is still running (stdout flushed per transaction), and the final summary once the
# recorder stops. Prints TAP lines. Env: REC, SHOW, TT_ROOT. Loopback only; servers stopped by pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
T=$(mktemp -d /tmp/tt-show-live.XXXXXX)
SRV_PID= REC_PID= SHOW_PID=
cleanup() {
	for p in $REC_PID $SHOW_PID $SRV_PID; do kill "$p" 2>/dev/null; done
	for p in $REC_PID $SHOW_PID $SRV_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "show_live: needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "show_live: build $REC and $SHOW first"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/www" && echo live >"$T/www/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$PORT" >/dev/null 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done
mkfifo "$T/pipe"
"$REC" -q -o - --port "$PORT" >"$T/pipe" &
REC_PID=$!
"$SHOW" - <"$T/pipe" >"$T/out" 2>"$T/err" &
SHOW_PID=$!
# attached when a request shows up (loading the programs and hooking the TLS libraries takes a
# while on a loaded machine; requests before that are not recorded)
for _ in $(seq 300); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/warm"
	grep -q 'GET /warm' "$T/out" && break
	sleep 0.1
done
start=$(date +%s%N)
curl -s -o /dev/null "http://127.0.0.1:$PORT/index.html"
seen=0
for _ in $(seq 250); do
	if [ "$(grep -c 'GET /index.html → 200' "$T/out")" = 2 ]; then seen=1; break; fi
	sleep 0.02
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$seen" = 1 ]; then
	echo "ok - show_live: client and server lines shown ${ms} ms after the request, recorder still running"
else
	echo "not ok - show_live: lines not shown within 5 s while recording"; sed 's/^/#   /' "$T/out" "$T/err"
fi
kill -0 "$REC_PID" 2>/dev/null && echo "ok - show_live: recorder still running" ||
	echo "not ok - show_live: recorder exited early"
kill -INT "$REC_PID"
wait "$REC_PID"
REC_PID=
timeout 10 tail --pid="$SHOW_PID" -f /dev/null
wait "$SHOW_PID"
rc=$?
SHOW_PID=
[ "$rc" = 0 ] && echo "ok - show_live: tinytap-show exit 0 at end of stream" ||
	echo "not ok - show_live: tinytap-show exited with $rc"
n=$(grep -c ' GET /' "$T/out")
grep -q "^tinytap-show: $n of $n transactions shown" "$T/err" && echo "ok - show_live: summary on stderr ($n of $n)" ||
	{ echo "not ok - show_live: summary"; sed 's/^/#   /' "$T/err"; }
