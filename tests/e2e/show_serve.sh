#!/usr/bin/env bash
# End-to-end (root): live capture into the web page.
#   sudo tinytap-record -o - -- workload | tinytap-show --serve 127.0.0.1:0 -
# where the workload is curl against python3's http.server on 127.0.0.1 (a free port): 10
# requests, a pause, then 10 more (2 of them to a missing path). While the pause lasts, an event
# stream (curl on /api/events) is opened; the second ten must arrive on it as rows.
# Checks: the kept transactions are exactly the client's requests the server logged (method,
# path, status, in order), the 404s are the --errors of the filter box, and the event stream
# delivered the second ten. Prints TAP lines. Env: REC, SHOW, TT_ROOT. Every process is stopped
# by its own pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3
T=$(mktemp -d /tmp/tt-serve-e2e.XXXXXX)
chmod 755 "$T"
SRV_PID= SHOW_PID= SSE_PID= REC_PID=
cleanup() {
	for p in $SSE_PID $REC_PID $SHOW_PID $SRV_PID; do kill "$p" 2>/dev/null; done
	for p in $SSE_PID $REC_PID $SHOW_PID $SRV_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - show_serve: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
for tool in curl jq; do command -v "$tool" >/dev/null || fail "$tool is missing (tests/deps.sh)"; done

mkdir -p "$T/www"
echo hello >"$T/www/index.html"
PORT=$("$PYD" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$T/www" && exec timeout 120 "$PYD" -m http.server "$PORT" --bind 127.0.0.1) 2>"$T/srv.log" &
SRV_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done
: >"$T/srv.log" # the probe is not part of the workload

cat >"$T/work.sh" <<EOF
#!/bin/sh
for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null "http://127.0.0.1:$PORT/index.html?n=\$i"; done
while [ ! -e "$T/go" ]; do sleep 0.1; done
for i in 11 12 13 14 15 16 17 18; do curl -s -o /dev/null "http://127.0.0.1:$PORT/index.html?n=\$i"; done
curl -s -o /dev/null "http://127.0.0.1:$PORT/missing?n=19"
curl -s -o /dev/null "http://127.0.0.1:$PORT/missing?n=20"
EOF
chmod +x "$T/work.sh"
mkfifo "$T/pipe"
timeout 100 "$REC" -q -o - -- "$T/work.sh" >"$T/pipe" 2>"$T/rec.err" &
REC_PID=$!
"$SHOW" --serve 127.0.0.1:0 - <"$T/pipe" 2>"$T/show.err" &
SHOW_PID=$!
URL=
for _ in $(seq 100); do
	URL=$(sed -n 's/.* on \(http:[^ ]*\) (Ctrl-C stops)$/\1/p' "$T/show.err" | head -1)
	[ -n "$URL" ] && break
	sleep 0.1
done
[ -n "$URL" ] || fail "tinytap-show --serve printed no URL: $(head -3 "$T/show.err")"
BASE=${URL%%/\?token=*}
TOKEN=${URL##*token=}
api() { curl -sS --max-time 20 "$BASE$1${2:-}token=$TOKEN"; }

# the first ten, as they complete
n=0
for _ in $(seq 200); do
	n=$(api "/api/info?" | jq .seen)
	[ "$n" -ge 10 ] && break
	sleep 0.1
done
[ "$n" = 10 ] || fail "the first ten requests: $n transactions in the page"
curl -sN --max-time 30 "$BASE/api/events?after=10&token=$TOKEN" >"$T/sse" &
SSE_PID=$!
for _ in $(seq 100); do [ "$(api "/api/info?" | jq .streams)" -ge 1 ] && break; sleep 0.1; done
touch "$T/go"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] || fail "tinytap-record exited $rc: $(head -3 "$T/rec.err")"
for _ in $(seq 100); do [ "$(api "/api/info?" | jq .done)" = true ] && break; sleep 0.1; done
kill "$SSE_PID" 2>/dev/null
wait "$SSE_PID" 2>/dev/null
SSE_PID=

# what the server logged: "GET /index.html?n=1 HTTP/1.1" 200 -
sed -n 's/.*"\([A-Z]*\) \([^ ]*\) HTTP[^"]*" \([0-9]*\) .*/\1 \2 \3/p' "$T/srv.log" >"$T/want"
api "/api/txns?" "limit=1000&" | jq -r '.rows[].txn | "\(.method) \(.path) \(.status)"' >"$T/got"
if [ "$(wc -l <"$T/want")" = 20 ] && cmp -s "$T/got" "$T/want"; then
	echo "ok - show_serve: live: the page holds the 20 requests the server logged, in order"
else
	echo "not ok - show_serve: live: page vs server log: $(diff "$T/got" "$T/want" | head -5)"
fi
errs=$(api "/api/txns?" "filter=errors&" | jq -r '[.rows[].txn.path] | join(" ")')
if [ "$errs" = "/missing?n=19 /missing?n=20" ]; then
	echo "ok - show_serve: the filter box's 'errors': the two 404s"
else
	echo "not ok - show_serve: 'errors' gave: $errs"
fi
ids=$(sed -n 's/^data: //p' "$T/sse" | jq -s -c '[.[].rows[].txn.path | capture("n=(?<n>[0-9]+)").n | tonumber]')
if [ "$ids" = "[11,12,13,14,15,16,17,18,19,20]" ]; then
	echo "ok - show_serve: Server-Sent Events delivered the ten recorded after the stream opened"
else
	echo "not ok - show_serve: SSE rows: $ids"
fi
kill "$SHOW_PID"
wait "$SHOW_PID"
rc=$?
SHOW_PID=
[ "$rc" = 0 ] && echo "ok - show_serve: SIGTERM: tinytap-show exits 0" ||
	echo "not ok - show_serve: tinytap-show exited $rc on SIGTERM: $(tail -2 "$T/show.err")"
