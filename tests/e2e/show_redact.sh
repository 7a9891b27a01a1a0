#!/usr/bin/env bash
# End-to-end (root): credentials sent over real HTTP (curl <-> tests/demo/server.py on 127.0.0.1,
# both ends recorded) are in the recording and in tinytap-show's output, and none of them survives
# --redact in any output mode, nor `--status 5xx --redact -w OUT` (checked in the decompressed
# bytes of OUT: zstd -dc), which is a valid 0600 .tinytap holding just the 5xx connections.
# Prints TAP lines. Env: REC, SHOW, TT_ROOT. Loopback only; servers stopped by pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
. "$ROOT/tests/e2e/secrets_lib.sh"
T=${KEEP_T:-$(mktemp -d /tmp/tt-show-redact.XXXXXX)}
SRV_PID= REC_PID=
cleanup() {
	for p in $REC_PID $SRV_PID; do kill "$p" 2>/dev/null; done
	for p in $REC_PID $SRV_PID; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - show_redact: $*"; }
notok() { echo "not ok - show_redact: $*"; }
fail() { notok "$*"; exit 0; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
command -v zstd >/dev/null || fail "no zstd"
PY=$(python3 -c 'import sys; print(sys.executable)')

"$PY" "$ROOT/tests/demo/server.py" "$T/port" >"$T/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port" 2>/dev/null) || fail "server did not start"
IN=$T/in.tinytap
"$REC" -q --duration 60 -o "$IN" --port "$PORT" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 300); do [ -s "$IN" ] && break; sleep 0.05; done
[ -s "$IN" ] || fail "recorder did not start: $(cat "$T/rec.err")"
secrets_traffic "$PORT"
sleep 0.3
kill -INT "$REC_PID"
wait "$REC_PID"
REC_PID=

secrets_checks "$IN"
