#!/usr/bin/env bash
# Robustness: tinytap-record killed with SIGKILL at 20 random moments under real traffic. Every
# file must read back with ttdump and tinytap-show: a clean end, or exactly one "truncated" error
# (exit status 1, as documented), never a crash or a hang; the traffic recorded is byte-exact and
# has no hole; at most ~1.5 s of traffic before the kill (the block still open) is missing.
# The delays come from a seeded RNG printed first: TT_SEED=N replays a run. Prints TAP lines.
# record_signals.sh has the single SIGKILL after known traffic; this one kills at random moments.
. "$(dirname "$0")/record_lib.sh"
preflight
: "${SHOW:=$TT_ROOT/tinytap-show}"
[ -x "$SHOW" ] || skip_all "no tinytap-show at $SHOW"
TRIALS=${TT_TRIALS:-20}
SEED=${TT_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED
echo "# seed $SEED (replay: TT_SEED=$SEED $0)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "$port" >"$WORK/port"
# Lockstep HTTP with byte-exact requests (seqtraffic.py), running past the trials; its server
# child exits when the client's socket closes.
"$PY" "$TT_ROOT/tests/e2e/seqtraffic.py" "$port" 120 200 &
PIDS+=($!)

# Two lanes of trials run side by side (each recorder takes ~1.7 s to load and ~1.3 s to
# detach). Each killed file is read as it is, and as cut at a random byte of its last block (a
# kill in the middle of a block's writes), while the other lane's recorder loads. The delays and
# the cut points are drawn here, before the lanes start, so a seed replays exactly.
declare -a DELAY CUTR
for i in $(seq "$TRIALS"); do
	DELAY[i]=$((200 + RANDOM % 1801))
	CUTR[i]=$((RANDOM * 32768 + RANDOM))
done
read_trial() { # i delay uptime-at-kill recorder-status -> $f.result
	local f=$WORK/kill$1.tinytap drc src last size cut=0 cdrc=0 csrc=0
	timeout 60 "$TTDUMP" "$f" >"$f.jsonl" 2>"$f.dumperr"
	drc=$?
	timeout 60 "$SHOW" --json "$f" >"$f.show" 2>"$f.showerr"
	src=$?
	last=$(sed -n 's/.*"offset":\([0-9]*\).*/\1/p' "$f.jsonl" | tail -1)
	size=$(stat -c %s "$f")
	if [ -n "$last" ] && [ "$size" -gt $((last + 1)) ]; then
		cut=$((last + 1 + CUTR[$1] % (size - last - 1)))
		head -c "$cut" "$f" >"$f.cut"
		timeout 60 "$TTDUMP" "$f.cut" >"$f.cut.jsonl" 2>"$f.cut.dumperr"
		cdrc=$?
		timeout 60 "$SHOW" --json "$f.cut" >"$f.cut.show" 2>"$f.cut.showerr"
		csrc=$?
	fi
	echo "$1 $2 $3 $4 $drc $src $cut $cdrc $csrc" >"$f.result"
}
lane() { # first-trial
	local i f p up rc
	for ((i = $1; i <= TRIALS; i += 2)); do
		f=$WORK/kill$i.tinytap
		"$REC" -q --duration 60 --port "$port" -o "$f" 2>"$f.err" &
		p=$!
		echo "$p" >"$f.pid"
		for _ in $(seq 600); do
			[ -s "$f" ] && break
			kill -0 "$p" 2>/dev/null || break
			sleep 0.02
		done
		[ -s "$f" ] && touch "$f.started"
		sleep "$(printf '%d.%03d' $((DELAY[i] / 1000)) $((DELAY[i] % 1000)))"
		read -r up _ </proc/uptime
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		rc=$?
		read_trial "$i" "${DELAY[i]}" "$up" "$rc"
	done
}
# A lane stopped early leaves its recorder running: kill those by their pid too.
trap 'for p in $(cat "$WORK"/*.pid 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done; cleanup_all' EXIT
t0=$(date +%s)
lane 1 2>/dev/null &
L1=$!
sleep 0.9
lane 2 2>/dev/null &
L2=$!
PIDS+=("$L1" "$L2")
wait "$L1" "$L2"
echo "# $TRIALS trials in $(($(date +%s) - t0)) s"
started=$(ls "$WORK"/kill*.tinytap.started 2>/dev/null | wc -l)
check "the recorder started in every trial ($started/$TRIALS)" test "$started" = "$TRIALS"
results=$WORK/trials.txt
for i in $(seq "$TRIALS"); do cat "$WORK/kill$i.tinytap.result" 2>/dev/null; done >"$results"

python3 - "$WORK" "$results" "$SEED" "$TT_ROOT/tests/e2e" <<'PY'
import json, os, re, sys
work, results, seed = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, sys.argv[4])
from seqtraffic import req, RESP

def stream_ok(cat, gen, what):
    """cat must be a contiguous piece of the stream gen(0) gen(1) ... (bytes exact)."""
    if not cat:
        return None
    if gen is None:  # the fixed response, repeated
        k = cat.find(RESP)
        k = k if k >= 0 else 0
        ok = cat[:k] == RESP[len(RESP) - k:] and all(
            cat[j:j + len(RESP)] == RESP[:len(cat) - j] for j in range(k, len(cat), len(RESP)))
        return None if ok else "%s: bytes differ from the responses sent" % what
    k = cat.find(b"POST /seq/")
    if k < 0:
        return "%s: no request start in %d bytes" % (what, len(cat))
    seq = int(cat[k + 10:k + 20])
    if k and (seq == 0 or cat[:k] != gen(seq - 1)[-k:]):
        return "%s: %d bytes before request %d differ" % (what, k, seq)
    off, s = k, seq
    while off < len(cat):
        want = gen(s)
        got = cat[off:off + len(want)]
        if got != want[:len(got)]:
            j = next(j for j in range(len(got)) if got[j] != want[j])
            return "%s: request %d differs at byte %d (hole or wrong bytes)" % (what, s, j)
        off += len(want)
        s += 1
    return None

survived, total, figs = 0, 0, []
for line in open(results):
    i, delay, killup, rrc, drc, src, cutat, cdrc, csrc = line.split()
    i, delay, rrc, drc, src, cutat, cdrc, csrc = map(int, (i, delay, rrc, drc, src, cutat, cdrc, csrc))
    kill_ns = int(round(float(killup) * 100)) * 10_000_000
    f = os.path.join(work, "kill%d.tinytap" % i)
    total += 1
    why = []
    if rrc != 137:
        why.append("recorder exit %d, not killed by SIGKILL (stderr: %s)"
                   % (rrc, open(f + ".err").read().strip()))
    derr = open(f + ".dumperr").read().splitlines()
    serr = open(f + ".showerr").read().splitlines()
    lines = [json.loads(l) for l in open(f + ".jsonl")]
    summ = lines[-1] if lines and lines[-1]["type"] == "summary" else None
    hdr = lines[0] if lines and lines[0]["type"] == "header" else None
    if not summ or not hdr:
        why.append("ttdump exit %d, no header/summary: %s" % (drc, derr))
        summ = {"blocks": 0, "records": 0, "truncated": False, "has_end": False, "errors": 0}
    cut = bool(summ["truncated"])
    # ttdump: clean end and exit 0, or one "truncated" line and exit 1; nothing else.
    if cut:
        if not (drc == 1 and len(derr) == 1 and "truncated" in derr[0]):
            why.append("ttdump on a cut file: exit %d, stderr %s" % (drc, derr))
    elif not (drc == 0 and not derr):
        why.append("ttdump: exit %d, stderr %s" % (drc, derr))
    if summ["has_end"] or summ.get("bad_blocks", 0):
        why.append("ttdump summary %s" % summ)
    # tinytap-show: the same verdict, exit 0 or 1 as documented, its summary line last.
    serr_err = [l for l in serr if "transactions shown" not in l]
    if cut:
        if not (src == 1 and len(serr_err) == 1 and "truncated" in serr_err[0]):
            why.append("tinytap-show on a cut file: exit %d, stderr %s" % (src, serr))
    elif not (src == 0 and not serr_err):
        why.append("tinytap-show: exit %d, stderr %s" % (src, serr))
    if not serr or "transactions shown" not in serr[-1] or "no end record" not in serr[-1]:
        why.append("tinytap-show summary line missing or not saying 'no end record': %s" % serr)
    recs = lines[1:-1]
    data = [r for r in recs if r["type"] == "data"]
    conns = {r["sock_id"]: r for r in recs if r["type"] == "conn"}
    cli = {s for s, c in conns.items() if c["remote"]["port"] == int(open(work + "/port").read())}
    streams = {}
    for r in data:
        if r["flags"] & ~1:  # only TRUNCATED would be allowed (it never happens at 4 KiB)
            why.append("DATA flags %d" % r["flags"])
        side = "client" if r["sock_id"] in cli else "server"
        streams.setdefault((side, r["dir"]), []).append(bytes.fromhex(r["payload_hex"]))
    for (side, d), parts in sorted(streams.items()):
        cat = b"".join(parts)
        gen = req if (side, d) in (("client", 0), ("server", 1)) else None
        e = stream_ok(cat, gen, "%s %s" % (side, "sent" if d == 0 else "received"))
        if e:
            why.append(e)
    nreq = len(streams.get(("client", 0), []))
    # Only the block still open at the kill may be missing: blocks close after 1 s (+100 ms poll).
    last_ts = max([r["ts_ns"] for r in recs if "ts_ns" in r] + [hdr["start_boot_ns"] if hdr else 0])
    tail_ms = (kill_ns - last_ts) / 1e6
    if tail_ms > 1500 + 20:
        why.append("the last %.0f ms before the kill are missing (> 1.5 s)" % tail_ms)
    # What tinytap-show paired: requests it shows come from the recorded ones, in order.
    txns = [json.loads(l) for l in open(f + ".show")]
    paths = [t["path"] for t in txns if t["side"] == "client" and t["path"]]
    seqs = [int(p[5:]) for p in paths]
    if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        why.append("tinytap-show client requests not consecutive")
    if any(t["complete"] and t["status"] != 200 for t in txns):
        why.append("a complete transaction without its 200")
    # The same file cut inside its last block: exactly the blocks before it, one truncated error.
    if cutat:
        cl = [json.loads(l) for l in open(f + ".cut.jsonl")]
        cerr = open(f + ".cut.dumperr").read().splitlines()
        cs = cl[-1] if cl and cl[-1]["type"] == "summary" else {}
        lastoff = recs[-1]["offset"]
        want = len([r for r in recs if r["offset"] < lastoff])
        if not (cdrc == 1 and len(cerr) == 1 and "truncated" in cerr[0] and cs.get("truncated")
                and cs.get("records") == want and cs.get("blocks") == summ["blocks"] - 1
                and [json.dumps(r) for r in cl[1:-1]] == [json.dumps(r) for r in recs[:want]]):
            why.append("cut at byte %d: ttdump exit %d, %s, %s records (want %d)"
                       % (cutat, cdrc, cerr, cs.get("records"), want))
        cse = [l for l in open(f + ".cut.showerr").read().splitlines()
               if "transactions shown" not in l]
        if not (csrc == 1 and len(cse) == 1 and "truncated" in cse[0]):
            why.append("cut at byte %d: tinytap-show exit %d, stderr %s" % (cutat, csrc, cse))
    figs.append((delay, summ["blocks"], summ["records"], nreq, len(txns), cut, tail_ms))
    desc = ("trial %d: SIGKILL %d ms after attach: %d blocks, %d records, %d requests, "
            "%d transactions shown, %s, last %.0f ms lost%s"
            % (i, delay, summ["blocks"], summ["records"], nreq, len(txns),
               "cut inside a block (1 truncated error)" if cut else "clean end", tail_ms,
               "; cut at byte %d: 1 truncated error, earlier blocks intact" % cutat if cutat else ""))
    if why:
        print("not ok - %s # %s" % (desc, "; ".join(why)))
    else:
        survived += 1
        print("ok - " + desc)
# Block counts grow with the time recorded: a run killed 300 ms or more later never holds
# fewer blocks (up to one). Blocks close at 256 KiB or after 1 s, so under this traffic a block
# is ~150 ms of it, and trials a few ms apart differ by the phase of the traffic: the margin.
figs.sort()
late = [(a, b) for a in figs for b in figs if b[0] >= a[0] + 300 and b[1] + 1 < a[1]]
print(("ok" if not late else "not ok") + " - blocks grow with the delay before SIGKILL: " +
      " ".join("%dms:%d" % (f[0], f[1]) for f in figs) +
      ("" if not late else " # fewer blocks %d ms later: %s" % (late[0][1][0] - late[0][0][0], late[0])))
print("# cut inside a block: %d of %d files; longest tail lost %.0f ms" %
      (sum(f[5] for f in figs), len(figs), max(f[6] for f in figs) if figs else 0))
print(("ok" if survived == total and total > 0 else "not ok") +
      " - %d/%d trials survived (seed %s)" % (survived, total, seed))
PY
