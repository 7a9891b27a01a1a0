#!/usr/bin/env bash
# End-to-end (root): tinytap-record --redact masks credentials before they are written, so no
# secret reaches the disk. The secrets workload (tests/e2e/secrets_lib.sh: curl <-> the demo
# server on 127.0.0.1, a credential in every request) is recorded at the same time by a plain
# recorder (which must hold every secret: the workload really sent them), by --redact into one
# file, and by --redact into a rotated set; every file is decompressed (zstd -dc) and searched.
# The redacted recordings keep every transaction, status and size, and read like tinytap-show
# --redact reads the plain one.
# Prints TAP lines. Env: REC, SHOW, TT_ROOT. Loopback only; every process stopped by its pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
. "$ROOT/tests/e2e/secrets_lib.sh"
T=$(mktemp -d /tmp/tt-flight-redact.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - flight_redact: $*"; }
notok() { echo "not ok - flight_redact: $*"; }
fail() { notok "$*"; exit 0; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
command -v zstd >/dev/null || fail "no zstd"
command -v curl >/dev/null || fail "no curl"
PY=$(python3 -c 'import sys; print(sys.executable)')

"$PY" "$ROOT/tests/demo/server.py" "$T/port" >"$T/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port" 2>/dev/null) || fail "server did not start"

mkdir -p "$T/set"
"$REC" -q --duration 60 -o "$T/plain.tinytap" --port "$PORT" 2>"$T/plain.err" &
R1=$!
"$REC" -q --duration 60 --redact -o "$T/red.tinytap" --port "$PORT" 2>"$T/red.err" &
R2=$!
"$REC" -q --duration 60 --redact -G 1 -o "$T/set/r.tinytap" --port "$PORT" 2>"$T/set.err" &
R3=$!
PIDS+=("$R1" "$R2" "$R3")
for _ in $(seq 300); do
	[ -s "$T/plain.tinytap" ] && [ -s "$T/red.tinytap" ] && ls "$T"/set/r-*.tinytap >/dev/null 2>&1 && break
	sleep 0.05
done
[ -s "$T/red.tinytap" ] || fail "recorders did not start: $(cat "$T"/*.err)"
# the workload twice, a second apart, so the set's secrets fall in more than one file
secrets_traffic "$PORT"
sleep 1.2
secrets_traffic "$PORT"
sleep 1.2
kill -INT "$R1" "$R2" "$R3"
for p in "$R1" "$R2" "$R3"; do wait "$p" || notok "recorder $p exited $?"; done
PIDS=("${PIDS[0]}")

N=${#SECRETS[@]}
zstd -q -dc "$T/plain.tinytap" >"$T/plain.raw" 2>/dev/null
n=$(count_secrets "$T/plain.raw")
[ "$n" = "$N" ] && ok "the plain recording holds all $N secrets (the workload sent them)" ||
	notok "the plain recording holds $n of $N secrets"
zstd -q -dc "$T/red.tinytap" >"$T/red.raw" 2>/dev/null
[ -s "$T/red.raw" ] && [ "$(count_secrets "$T/red.raw")" = 0 ] &&
	ok "--redact: no secret in the decompressed file ($(wc -c <"$T/red.raw") bytes)" ||
	notok "--redact: leaked $(list_secrets "$T/red.raw")"
nf=$(ls "$T"/set/r-*.tinytap | wc -l)
leak=""
for f in "$T"/set/r-*.tinytap; do
	zstd -q -dc "$f" >"$f.raw" 2>/dev/null || leak+="(unreadable $f) "
	leak+=$(list_secrets "$f.raw")
done
[ "$nf" -ge 2 ] && [ -z "$leak" ] && ok "--redact -G 1: no secret in any of the $nf files" ||
	notok "--redact -G 1: $nf files, leaked: $leak"
grep -qaP 'Authorization: \*{20}\r' "$T/red.raw" &&
	ok "masked in place at the same length (Authorization: 20 '*' for 'Bearer S3cr3tBearer1')" ||
	notok "no masked Authorization in the redacted file"

fields() { # the fields masking must not change, one line per transaction
	"$SHOW" --json "$@" 2>/dev/null | python3 -c 'import json, sys
for l in sys.stdin:
    t = json.loads(l)
    print(t["side"], t["method"], t["target"], t["status"], t["req_wire_bytes"], t["resp_wire_bytes"], t["complete"])'
}
fields "$T/plain.tinytap" --redact >"$T/p.f"
fields "$T/red.tinytap" >"$T/r.f"
fields "$T/set" >"$T/s.f"
[ "$(wc -l <"$T/p.f")" = 24 ] && cmp -s "$T/p.f" "$T/r.f" &&
	ok "record-time --redact reads like tinytap-show --redact of the plain file (24 transactions, same targets, statuses, sizes)" ||
	{ notok "record-time and show-time redaction differ"; diff "$T/p.f" "$T/r.f" | head -10 | sed 's/^/#   /'; }
cmp -s "$T/r.f" "$T/s.f" && ok "the redacted set reads like the redacted single file" ||
	{ notok "the redacted set differs"; diff "$T/r.f" "$T/s.f" | head -10 | sed 's/^/#   /'; }
# (two recorders: their own clock reads, so times and latencies differ by microseconds)
notime() { sed -E 's/^\[[0-9:.]+\]//; s/ \([0-9.]+m?s\)$//'; }
"$SHOW" -v "$T/plain.tinytap" --redact 2>/dev/null | notime >"$T/p.v"
"$SHOW" -v "$T/red.tinytap" 2>/dev/null | notime >"$T/r.v"
cmp -s "$T/p.v" "$T/r.v" && ok "-v output (headers) identical to tinytap-show --redact -v of the plain file" ||
	{ notok "-v differs"; diff "$T/p.v" "$T/r.v" | head -10 | sed 's/^/#   /'; }
