#!/usr/bin/env bash
# tinytap-record end to end: the payload bytes of every syscall family sockio uses (TCP on
# 127.0.0.1 and a unix stream socket, both ends) are captured exactly, with the right pids, fds,
# directions, addresses and call sizes; snaplen cuts (default 256 KiB, -s 2M, -s 100) keep the
# true sizes. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

big_check() { # dump snaplen desc: the client's 1 MiB write on TCP
	python3 - "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
snap = int(sys.argv[2])
big = [r for r in recs if r["type"] == "data" and r["call_bytes"] == 1048576 and r["dir"] == 0]
want = min(snap, 1048576)
ok = len(big) == 2 and all(r["cap_len"] == want and bool(r["flags"] & 1) == (want < 1048576) for r in big)
print(("ok" if ok else "not ok") + " - 1 MiB write: call_bytes 1048576, cap_len %d%s (tcp and unix)%s" % (
    want, ", TRUNCATED" if want < 1048576 else ", whole",
    "" if ok else " # got " + str([(r["cap_len"], r["flags"]) for r in big])))
PY
}

end_check() { # dump desc
	python3 - "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
end = [r for r in recs if r["type"] == "end"]
summ = [r for r in recs if r["type"] == "summary"]
ok = len(end) == 1 and end[0]["lost_events"] == 0 and end[0]["lost_bytes"] == 0 and summ and summ[0]["errors"] == 0
print(("ok" if ok else "not ok") + " - %s: clean file with END, nothing lost" % sys.argv[2])
PY
}

# 1. System-wide, default snaplen.
f=$WORK/all.tinytap
if start_rec "$f"; then
	timeout 30 "$SOCKIO" >"$WORK/all.json"
	check "sockio ran (system-wide)" test $? = 0
	stop_rec INT
	check "recorder exits 0 on SIGINT" test "$REC_RC" = 0
	dump "$f"
	check "ttdump reads the recording" test -s "$f.jsonl"
	check_sockio "$f.jsonl" "$WORK/all.json" --tag "default snaplen"
	big_check "$f.jsonl" 262144
	end_check "$f.jsonl" "system-wide"
else
	notok "recorder starts (system-wide)"
fi

# 2. Command mode, -s 2M: the 1 MiB write is captured whole.
f=$WORK/cmd.tinytap
timeout 60 "$REC" -q -o "$f" -s 2M -- "$SOCKIO" >"$WORK/cmd.json" 2>"$WORK/cmd.err"
check "recorder -- sockio exits 0" test $? = 0
dump "$f"
check_sockio "$f.jsonl" "$WORK/cmd.json" --snaplen 2097152 --tag "-s 2M, -- CMD"
big_check "$f.jsonl" 2097152
end_check "$f.jsonl" "command mode"

# 3. -s 100: every call cut at 100 bytes, true sizes exact.
f=$WORK/s100.tinytap
timeout 60 "$REC" -q -o "$f" -s 100 -- "$SOCKIO" --no-big >"$WORK/s100.json" 2>"$WORK/s100.err"
check "recorder -s 100 exits 0" test $? = 0
dump "$f"
check_sockio "$f.jsonl" "$WORK/s100.json" --snaplen 100 --tag "-s 100"
