#!/usr/bin/env bash
# Robustness: reading a recording that is still being written. While tinytap-record -o FILE runs
# under real traffic, ttdump FILE, tinytap-show FILE and `cat FILE | tinytap-show -` read what is
# there, like tcpdump -r on a growing pcap: every complete block, then a clean end (exit 0) or,
# caught in the middle of a block's writes, one "truncated" error (exit 1, as documented). Never a
# crash or a hang (each read is bounded by timeout); each read holds at least what the one before
# held. After the recorder stops, the file reads whole, with END, and holds every request the
# early reads showed. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight
: "${SHOW:=$TT_ROOT/tinytap-show}"
[ -x "$SHOW" ] || skip_all "no tinytap-show at $SHOW"
ROUNDS=5 # ttdump, tinytap-show and a piped tinytap-show each round, ~0.5 s apart
BURST_S=3 # then ttdump as fast as it goes for BURST_S seconds, to catch a block half written

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PY" "$TT_ROOT/tests/e2e/seqtraffic.py" "$port" 30 500 &
TRAFFIC=$!
PIDS+=("$TRAFFIC")
f=$WORK/grow.tinytap
# The recorder creates the file before it loads its BPF programs (~1.5 s) and writes the file
# header once they are attached: a read in between finds an empty file.
"$REC" -q --duration 60 --port "$port" -o "$f" 2>"$f.err" &
REC_PID=$!
PIDS+=("$REC_PID")
for _ in $(seq 300); do [ -e "$f" ] && break; sleep 0.01; done
s0=$(stat -c %s "$f" 2>/dev/null || echo none)
timeout 20 "$SHOW" "$f" >"$WORK/empty.out" 2>"$WORK/empty.err"
erc=$?
s1=$(stat -c %s "$f" 2>/dev/null || echo none)
if [ "$s0" = 0 ] && [ "$s1" = 0 ]; then
	check "read before the file header is written: exit 1, one line: $(cat "$WORK/empty.err")" \
		test "$erc" = 1 -a "$(wc -l <"$WORK/empty.err")" = 1 -a ! -s "$WORK/empty.out" -a \
		"$(grep -c 'truncated file header' "$WORK/empty.err")" = 1
else
	echo "# the file header was already there (size $s0 then $s1): no empty-file read"
fi
for _ in $(seq 600); do
	[ -s "$f" ] && break
	kill -0 "$REC_PID" 2>/dev/null || break
	sleep 0.02
done
[ -s "$f" ] || skip_all "recorder did not start: $(cat "$f.err")"
sleep 1.2 # the first block closes after about a second

# read TAG: one ttdump, one tinytap-show and one piped tinytap-show of the file as it is now;
# appends "TAG drc src prc" to reads.txt (a crash is a status > 128, a hang 124).
read_now() {
	local t=$WORK/$1
	timeout 20 "$TTDUMP" "$f" >"$t.jsonl" 2>"$t.dumperr"
	local drc=$?
	timeout 20 "$SHOW" --json "$f" >"$t.show" 2>"$t.showerr"
	local src=$?
	timeout 20 bash -c 'cat "$1" | "$2" --json -' _ "$f" "$SHOW" >"$t.pshow" 2>"$t.pshowerr"
	local prc=$?
	echo "$1 $drc $src $prc" >>"$WORK/reads.txt"
}
: >"$WORK/reads.txt"
for r in $(seq "$ROUNDS"); do
	read_now "r$r"
	sleep 0.5
done
: >"$WORK/burst.txt"
end=$(($(date +%s%N) + BURST_S * 1000000000))
while [ "$(date +%s%N)" -lt "$end" ]; do
	timeout 20 "$TTDUMP" "$f" >"$WORK/b.jsonl" 2>"$WORK/b.err"
	echo "$? $(tail -1 "$WORK/b.jsonl" | tr -d ' ') $(wc -l <"$WORK/b.err") $(grep -c truncated "$WORK/b.err")" >>"$WORK/burst.txt"
done
alive=0
kill -0 "$REC_PID" 2>/dev/null && alive=1
check "the recorder was still running through every read" test "$alive" = 1
stop_rec INT
check "recorder exits 0 (SIGINT) after being read $((ROUNDS * 3 + $(wc -l <"$WORK/burst.txt"))) times" test "$REC_RC" = 0
kill "$TRAFFIC" 2>/dev/null
read_now final

python3 - "$WORK" "$ROUNDS" <<'PY'
import json, os, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - " + d + ("" if ok else " # " + why))
def verdict(rc, errs, summ_line=None):
    """'clean', 'truncated', or what went wrong."""
    errs = [l for l in errs if not (summ_line and summ_line in l)]
    if rc == 0 and not errs:
        return "clean"
    if rc == 1 and len(errs) == 1 and "truncated" in errs[0]:
        return "truncated"
    return "exit %d, stderr %s" % (rc, errs)
reads = [l.split() for l in open(os.path.join(work, "reads.txt"))]
prev_recs = prev_txn = 0
seen = set()
outcomes = []
for tag, drc, src, prc in reads:
    drc, src, prc = int(drc), int(src), int(prc)
    p = os.path.join(work, tag)
    lines = [json.loads(l) for l in open(p + ".jsonl")]
    summ = lines[-1] if lines and lines[-1]["type"] == "summary" else {}
    dv = verdict(drc, open(p + ".dumperr").read().splitlines())
    sv = verdict(src, open(p + ".showerr").read().splitlines(), "transactions shown")
    pv = verdict(prc, open(p + ".pshowerr").read().splitlines(), "transactions shown")
    txns = [json.loads(l) for l in open(p + ".show")]
    ptxns = [json.loads(l) for l in open(p + ".pshow")]
    reqs = {t["path"] for t in txns if t["side"] == "client" and t["complete"]}
    final = tag == "final"
    why = []
    if dv not in ("clean", "truncated"):
        why.append("ttdump " + dv)
    if sv not in ("clean", "truncated"):
        why.append("tinytap-show " + sv)
    if pv not in ("clean", "truncated"):
        why.append("cat | tinytap-show - " + pv)
    if bool(summ.get("truncated")) != (dv == "truncated"):
        why.append("ttdump summary truncated=%s but verdict %s" % (summ.get("truncated"), dv))
    if final:
        if (dv, sv, pv) != ("clean",) * 3 or not summ.get("has_end"):
            why.append("the finished file does not read whole with END: %s %s %s %s" % (dv, sv, pv, summ))
        if not seen <= reqs:
            why.append("%d requests shown while recording are missing at the end" % len(seen - reqs))
    elif summ.get("has_end"):
        why.append("END while the recorder runs")
    if summ.get("records", 0) < prev_recs or len(txns) < prev_txn:
        why.append("fewer records/transactions than the read before (%d < %d or %d < %d)"
                   % (summ.get("records", 0), prev_recs, len(txns), prev_txn))
    if not final and summ.get("blocks", 0) == 0:
        why.append("no block readable yet")
    if len(ptxns) < len(txns) and "truncated" not in (sv, pv):  # the pipe reads later
        why.append("piped read shows %d transactions, file read %d" % (len(ptxns), len(txns)))
    prev_recs, prev_txn = summ.get("records", 0), len(txns)
    seen |= reqs
    outcomes.append(dv)
    d = ("%s: %d blocks, %d records, %d transactions; ttdump %s, tinytap-show %s, piped %s"
         % ("after the recorder stopped" if final else "read %s while recording" % tag[1:],
            summ.get("blocks", 0), summ.get("records", 0), len(txns), dv, sv, pv))
    res(not why, d, "; ".join(why))
# The fast burst: every read a clean end or one truncated error, never fewer records than before.
burst = [l.split(" ", 3) for l in open(os.path.join(work, "burst.txt"))]
bad, recs, cut = [], [], 0
for rc, summ, nerr, ntrunc in burst:
    s = json.loads(summ) if summ.startswith("{") else {}
    rc, nerr, ntrunc = int(rc), int(nerr), int(ntrunc)
    if s.get("type") != "summary" or not ((rc == 0 and nerr == 0 and not s["truncated"]) or
                                          (rc == 1 and nerr == 1 and ntrunc == 1 and s["truncated"])):
        bad.append("exit %d, %d error lines, %s" % (rc, nerr, summ.strip()))
    recs.append(s.get("records", 0))
    cut += rc == 1
res(not bad and recs == sorted(recs),
    "%d back-to-back ttdump reads: %d clean ends, %d cut inside a block (1 truncated error), "
    "records %d..%d" % (len(burst), len(burst) - cut, cut, min(recs or [0]), max(recs or [0])),
    "; ".join(bad[:3]) + ("" if recs == sorted(recs) else " records went down: %s" % recs))
PY
