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
"$REC" -q -G 60 -o "$IN" --port "$PORT" 2>"$T/rec.err" &
REC_PID=$!
for _ in $(seq 300); do [ -s "$IN" ] && break; sleep 0.05; done
[ -s "$IN" ] || fail "recorder did not start: $(cat "$T/rec.err")"
secrets_traffic "$PORT"
sleep 0.3
kill -INT "$REC_PID"
wait "$REC_PID"
REC_PID=

# count_secrets FILE: how many of SECRETS occur in FILE.
count_secrets() {
	local s n=0
	for s in "${SECRETS[@]}"; do grep -q -a -- "$s" "$1" && n=$((n + 1)); done
	echo "$n"
}
list_secrets() {
	local s
	for s in "${SECRETS[@]}"; do grep -q -a -- "$s" "$1" && printf '%s ' "$s"; done
}
N=${#SECRETS[@]}

# Without --redact every secret is there: the checks below can see one when it leaks.
zstd -q -dc "$IN" >"$T/in.raw" 2>/dev/null
n=$(count_secrets "$T/in.raw")
[ "$n" = "$N" ] && ok "all $N secrets are in the recording" ||
	notok "recording holds $n of $N secrets"
"$SHOW" -vv "$IN" >"$T/plain.out" 2>/dev/null
n=$(count_secrets "$T/plain.out")
[ "$n" = "$N" ] && ok "all $N secrets shown by -vv without --redact" ||
	notok "-vv without --redact shows $n of $N secrets"
total=$(grep -c '→' "$T/plain.out")
[ "$total" = 10 ] && ok "10 transactions (5 requests, both ends)" || notok "$total transactions"

# --redact: no secret in any mode, the same transactions, same sizes.
for mode in "" "-v" "-vv" "--json" "--json -vv"; do
	# shellcheck disable=SC2086
	"$SHOW" --redact $mode "$IN" >"$T/r.out" 2>"$T/r.err"
	rc=$?
	n=$(count_secrets "$T/r.out")
	if [ "$rc" = 0 ] && [ "$n" = 0 ]; then
		ok "--redact ${mode:-(default)}: no secret in the output"
	else
		notok "--redact ${mode:-(default)}: exit $rc, leaked: $(list_secrets "$T/r.out")"
	fi
done
"$SHOW" --redact --json "$IN" >"$T/r.jsonl" 2>"$T/r.err"
"$SHOW" --json "$IN" >"$T/p.jsonl" 2>/dev/null
# Same transactions, statuses and byte counts: masking keeps every length.
strip() { python3 -c '
import json,sys
for l in open(sys.argv[1]):
    t=json.loads(l); print(t["side"],t["method"],t["status"],t["req_wire_bytes"],t["resp_wire_bytes"],t["complete"])' "$1"; }
if cmp -s <(strip "$T/r.jsonl") <(strip "$T/p.jsonl"); then
	ok "--redact keeps transactions, statuses and sizes"
else
	notok "--redact changed transactions"; diff <(strip "$T/p.jsonl") <(strip "$T/r.jsonl") | sed 's/^/#   /'
fi
grep -q 'bytes redacted' "$T/r.err" && ok "summary counts redacted bytes" ||
	notok "summary: $(cat "$T/r.err")"
grep -q '"Authorization":"\*\*\*\*\*\*' "$T/r.jsonl" && ok "masked values are '*' runs" ||
	notok "no masked Authorization in --json"

# -w: the bug report file.
OUT=$T/bug.tinytap
SUDO_UID=65534 SUDO_GID=65534 "$SHOW" "$IN" --status 5xx --redact -w "$OUT" >"$T/w.out" 2>"$T/w.err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/w.out" ] && ok "-w: exit 0, nothing on stdout" ||
	notok "-w: exit $rc, stdout $(wc -c <"$T/w.out") bytes: $(cat "$T/w.err")"
[ "$(stat -c '%a %u' "$OUT" 2>/dev/null)" = "600 65534" ] && ok "-w: file mode 0600, owned by SUDO_UID" ||
	notok "-w: mode/owner $(stat -c '%a %u' "$OUT" 2>/dev/null)"
zstd -q -dc "$OUT" >"$T/out.raw" 2>/dev/null
n=$(count_secrets "$T/out.raw")
[ "$n" = 0 ] && ok "-w --redact: no secret in the decompressed file" ||
	notok "-w --redact: leaked $(list_secrets "$T/out.raw")"
"$SHOW" "$OUT" >"$T/o.out" 2>"$T/o.err"
rc=$?
lines=$(grep -c '→ 500' "$T/o.out")
others=$(grep -c '→' "$T/o.out")
[ "$rc" = 0 ] && [ "$lines" = 2 ] && [ "$others" = 2 ] &&
	ok "-w file is a valid recording holding just the 5xx connection (both ends)" ||
	{ notok "-w file: exit $rc, $lines 500s of $others"; sed 's/^/#   /' "$T/o.out" "$T/o.err"; }
grep -q 'GET /api/error?token=\*\*\*\*\*\*\*\*\*\*\*' "$T/o.out" &&
	ok "-w file: the query secret is masked at its length" ||
	{ notok "-w file: masked target"; sed 's/^/#   /' "$T/o.out"; }
"$SHOW" "$OUT" --json -q | python3 -c '
import json,sys
for l in sys.stdin:
    t=json.loads(l); assert t["complete"] and t["status"]==500 and t["comm"], t' &&
	ok "-w file: complete transactions with their process names" || notok "-w file: incomplete transactions"

# -w without --redact keeps the payload as it was (the filter, not the masking, excluded the rest).
"$SHOW" "$IN" --status 5xx -q -w "$T/plain5xx.tinytap"
zstd -q -dc "$T/plain5xx.tinytap" >"$T/p5.raw" 2>/dev/null
[ "$(list_secrets "$T/p5.raw")" = "S3cr3tErr10 S3cr3tErrAuth11 " ] &&
	ok "-w without --redact: exactly the 5xx connection's own secrets remain" ||
	notok "-w without --redact holds: $(list_secrets "$T/p5.raw")"

# From a pipe, and to stdout.
cat "$IN" | "$SHOW" - --redact -q -w - >"$T/pipe.tinytap"
"$SHOW" "$T/pipe.tinytap" -q | grep -c '→' >"$T/pipe.n"
zstd -q -dc "$T/pipe.tinytap" >"$T/pipe.raw" 2>/dev/null
[ "$(cat "$T/pipe.n")" = 10 ] && [ "$(count_secrets "$T/pipe.raw")" = 0 ] &&
	ok "stdin -> -w -: all 10 transactions, redacted" ||
	notok "stdin -> -w -: $(cat "$T/pipe.n") transactions, leaked $(list_secrets "$T/pipe.raw")"

# Usage errors.
"$SHOW" "$IN" -w "$IN" 2>"$T/e.err"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$T/e.err")" = 1 ] && ok "-w onto the input: exit 2, one line" ||
	notok "-w onto the input: exit $rc: $(cat "$T/e.err")"
"$SHOW" "$IN" -w "$T/no/such/dir/x.tinytap" 2>"$T/e.err"
rc=$?
[ "$rc" = 1 ] && grep -q 'cannot write' "$T/e.err" && ok "-w into a missing directory: exit 1, clear error" ||
	notok "-w missing dir: exit $rc: $(cat "$T/e.err")"
