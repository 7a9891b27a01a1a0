#!/usr/bin/env bash
# tinytap-record stops cleanly: SIGINT and SIGTERM finish the file with END; SIGKILL leaves a
# file readable up to its last block; --duration stops by itself; -o - streams a pipe that reads back.
# Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

summary() { # dump.jsonl -> "has_end records errors truncated"
	python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{\"type\":\"summary\"")]
s = s[-1] if s else {}
print(int(bool(s.get("has_end"))), s.get("records", 0), s.get("errors", -1), int(bool(s.get("truncated"))))' "$1"
}

for sig in INT TERM; do
	f=$WORK/sig$sig.tinytap
	if start_rec "$f"; then
		timeout 30 "$SOCKIO" --no-big >"$WORK/sig$sig.json"
		stop_rec "$sig"
		check "SIG$sig: recorder exits 0" test "$REC_RC" = 0
		dump "$f"
		check "SIG$sig: ttdump reads the file without error" test -s "$f.jsonl" -a ! -s "$f.dumperr"
		read -r has_end _ errors _ < <(summary "$f.jsonl")
		check "SIG$sig: file ends with END" test "$has_end" = 1 -a "$errors" = 0
		check_sockio "$f.jsonl" "$WORK/sig$sig.json" --tag "SIG$sig"
	else
		notok "recorder starts (SIG$sig)"
	fi
done

# SIGKILL: no END, but every closed block reads back (blocks close every second).
f=$WORK/kill.tinytap
if start_rec "$f"; then
	timeout 30 "$SOCKIO" --no-big >"$WORK/kill.json"
	sleep 2.5 # let the block holding sockio's traffic close
	stop_rec KILL
	"$TTDUMP" "$f" >"$f.jsonl" 2>"$f.dumperr"
	read -r has_end records errors _ < <(summary "$f.jsonl")
	check "SIGKILL: file has no END" test "$has_end" = 0
	check "SIGKILL: earlier blocks read back ($records records)" test "$records" -gt 0
	check_sockio "$f.jsonl" "$WORK/kill.json" --tag "SIGKILL"
else
	notok "recorder starts (SIGKILL)"
fi

# --duration: stops by itself with END exit_reason 1.
f=$WORK/dur.tinytap
start=$(date +%s)
timeout 30 "$REC" -q -o "$f" --duration 1 2>"$WORK/dur.err"
rc=$?
check "--duration 1: exits 0 soon after a second (load and detach included)" test "$rc" = 0 -a $(($(date +%s) - start)) -le 12
dump "$f"
check "--duration 1: END with exit_reason 1" grep -q '"type":"end".*"exit_reason":1' "$f.jsonl"

# -o -: the recording streams through a pipe and reads back.
f=$WORK/pipe.tinytap
timeout -s INT 20 "$REC" -q -o - -- "$SOCKIO" --no-big 2>"$WORK/pipe.err" | cat >"$f"
# command mode with -o -: sockio's stdout went to stderr, so take its JSON from there
grep '^{"client_pid"' "$WORK/pipe.err" >"$WORK/pipe.json"
dump "$f"
read -r has_end records errors _ < <(summary "$f.jsonl")
check "-o -: piped recording reads back with END ($records records)" test "$has_end" = 1 -a "$errors" = 0
check_sockio "$f.jsonl" "$WORK/pipe.json" --tag "-o -"

# On a terminal: a status line refreshed every second, then a one-line summary; -q: silence.
if command -v script >/dev/null; then
	timeout 30 script -qec "'$REC' -o '$WORK/tty.tinytap' --duration 3" "$WORK/tty.log" >/dev/null 2>&1
	check "terminal: live status line (elapsed, events, captured, ratio, lost)" \
		grep -qE $'\r[0-9.]+s  [0-9]+ events  .* captured  ratio .*x  lost [0-9]+ events' "$WORK/tty.log"
	check "terminal: one summary line at exit" \
		grep -qE 'tinytap-record: [0-9]+ events, .* captured in [0-9.]+s, lost 0 events \(0 bytes\)' "$WORK/tty.log"
	timeout 30 script -qec "'$REC' -q -o '$WORK/tty2.tinytap' --duration 2" "$WORK/tty2.log" >/dev/null 2>&1
	check "terminal with -q: nothing printed" test "$(grep -c "events" "$WORK/tty2.log")" = 0
else
	notok "terminal: no script(1) to fake a terminal"
fi
