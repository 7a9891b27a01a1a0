#!/usr/bin/env bash
# End-to-end (root): the flight recorder's rotation under load. HTTP/1.1 traffic on 127.0.0.1
# (tests/e2e/flight_traffic.py: keep-alive connections that span rotations, and a new connection
# per request), its server logging every request it answered, recorded at the same time by a
# rotated set (-C 1M) and by a single file. Checks: several files, each complete and readable
# alone (END "rotated" then the last one's, every transaction naming its process and addresses),
# the set read as one (tinytap-show DIR) holds every request the server answered exactly once per
# side, the same as the single file, a keep-alive connection is one socket across all files;
# then -C 256k -W 5 never holds more than 5 files, --max-disk and --max-age hold their bounds.
# Prints TAP lines. Env: REC, SHOW, TT_ROOT, O. Loopback only; every process stopped by its pid.
. "$(dirname "$0")/record_lib.sh"
preflight
SHOW=${SHOW:-$TT_ROOT/tinytap-show}
[ -x "$SHOW" ] || skip_all "no $SHOW"
SECS=${FLIGHT_SECS:-8}
port=$((20000 + RANDOM % 20000))

# rec_set DIR ARGS...: a recorder writing a set in DIR (REC_PID), returns once it is attached
rec_set() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$REC" -v --duration 120 --port "$port" -o "$dir/fr.tinytap" "$@" 2>"$dir.err" &
	REC_PID=$!
	PIDS+=("$REC_PID")
	for _ in $(seq 300); do
		ls "$dir"/fr-*.tinytap >/dev/null 2>&1 && return 0
		kill -0 "$REC_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# recorder did not start: $(cat "$dir.err")"
	return 1
}

# ---- A: a set and a single file of the same traffic -------------------------------------------
A=$WORK/a
start_rec "$WORK/single.tinytap" --port "$port" || skip_all "recorder did not start"
SINGLE_PID=$REC_PID
rec_set "$A" -C 1M || skip_all "set recorder did not start"
SET_PID=$REC_PID
"$PY" "$TT_ROOT/tests/e2e/flight_traffic.py" "$port" "$SECS" "$WORK/served.log" 4
trc=$?
check "traffic: the clients got 200 for every request" test "$trc" = 0
sleep 0.5
REC_PID=$SET_PID stop_rec
set_rc=$REC_RC
REC_PID=$SINGLE_PID stop_rec
check "set recorder exits 0 (exit $set_rc)" test "$set_rc" = 0
grep -q "files written" "$A.err" && ok "summary names the files written: $(grep -o '[0-9]* files written, [0-9]* deleted' "$A.err")" ||
	notok "no 'files written' in the summary: $(tail -2 "$A.err")"
grep rotation: "$A.err" | sed 's/^/# /'
served=$(wc -l <"$WORK/served.log")
nfiles=$(ls "$A"/fr-*.tinytap | wc -l)
echo "# $served requests served in ${SECS}s; $nfiles files; sizes: $(du -b "$A"/fr-*.tinytap | awk '{printf "%d ", $1}')"
check "several files ($nfiles >= 3)" test "$nfiles" -ge 3
check "names sort in time order (NAME-YYYYmmddTHHMMSSZ-NNNNNN.tinytap, sequence 1..N)" \
	eval '[ "$(ls "$A" | grep -cE "^fr-[0-9]{8}T[0-9]{6}Z-[0-9]{6}\.tinytap$")" = "$nfiles" ] &&
	[ "$(ls "$A" | sed -E "s/.*-0*([0-9]+)\.tinytap/\1/" | tr "\n" " ")" = "$(seq -s " " "$nfiles") " ]'
check "every file 0600" eval '[ "$(stat -c %a "$A"/fr-*.tinytap | sort -u)" = 600 ]'

# each file alone: clean end, reason 4 except the last; every transaction names its process
i=0 alone_bad=0 ends=""
for f in "$A"/fr-*.tinytap; do
	i=$((i + 1))
	"$TTDUMP" "$f" >"$f.jsonl" 2>"$f.dumperr" || alone_bad=1
	ends+="$(grep -o '"type":"end".*"exit_reason":[0-9]*' "$f.jsonl" | grep -o '[0-9]*$') "
	"$SHOW" --json "$f" >"$f.json" 2>"$f.err" || alone_bad=1
done
check "each file reads alone without error" test "$alone_bad" = 0
check "each file ends with END: reason 4 (rotated) for all but the last (0, a signal): $ends" \
	eval '[ "$ends" = "$(printf "4 %.0s" $(seq $((nfiles - 1))))0 " ]'

python3 - "$A" "$WORK/served.log" "$WORK/single.tinytap" "$SHOW" "$TTDUMP" <<'PY'
import glob, json, re, subprocess, sys, time, collections
d, served_path, single, show = sys.argv[1:5]
served = [l.strip() for l in open(served_path) if l.strip()]
def ok(c, desc, why=""):
    print(("ok - " if c else "not ok - ") + desc + ("" if c or not why else " # " + why))
def txns(args):
    out = subprocess.run([show, "--json"] + args, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]
files = sorted(glob.glob(d + "/fr-*.tinytap"))
ok(len(set(served)) == len(served), "the server's ids are unique (%d)" % len(served))

# every file alone: process names and addresses on every transaction
bad = []
alone_done = collections.Counter()
for f in files:
    for t in (json.loads(l) for l in open(f + ".json") if l.startswith("{")):
        if t.get("comm") in (None, "", "?") or not t.get("local") or not t.get("remote"):
            bad.append((f.rsplit("/", 1)[1], {k: t.get(k) for k in ("proto", "target", "comm", "pid", "sock_id", "local", "ts", "side", "outcome")}))
        if t.get("status") == 200 and t.get("outcome") == "ok" and (t.get("target") or "").startswith("/f/"):
            alone_done[(t["target"], t["side"])] += 1
ok(not bad, "every transaction of every file read alone names its process and addresses",
   "%d without: %s" % (len(bad), bad[:3]))
dup = [k for k, n in alone_done.items() if n > 1]
ok(not dup, "no transaction is whole in two files (no duplicates across files)", str(dup[:3]))
both = sum(1 for s in served if alone_done[(s, "server")] and alone_done[(s, "client")])
print("# %d of %d requests whole on both sides in one file read alone (the others straddle a "
      "rotation: whole when the set is read as one)" % (both, len(served)))

# the set as one: exactly the server's requests, once per side; the same as the single file
def per_side(ts):
    c = collections.Counter()
    for t in ts:
        if (t.get("target") or "").startswith("/f/"):
            c[(t["target"], t["side"], t.get("status"))] += 1
    return c
sets = per_side(txns([d]))
single_c = per_side(txns([single]))
want = collections.Counter()
for s in served:
    want[(s, "client", 200)] += 1
    want[(s, "server", 200)] += 1
ok(sets == want, "tinytap-show DIR: every served request exactly once per side, status 200 (%d)"
   % sum(sets.values()), "missing %s extra %s" % (list((want - sets).items())[:3], list((sets - want).items())[:3]))
ok(single_c == want, "the single-file recording holds the same (%d)" % sum(single_c.values()),
   "missing %s extra %s" % (list((want - single_c).items())[:3], list((single_c - want).items())[:3]))
ok(sets == single_c, "set == single file, transaction for transaction")
# a keep-alive connection spans the files and stays one socket
ts = txns([d])
socks = collections.defaultdict(set)
for t in ts:
    p = t.get("target") or ""
    if p.startswith("/f/ka"):
        socks[(p.split("/")[2], t["side"])].add(t["sock_id"])
ok(len(socks) == 8 and all(len(v) == 1 for v in socks.values()),
   "each of the 4 keep-alive connections is one socket per side across the %d files" % len(files),
   str({k: len(v) for k, v in socks.items()}))

# --since/--until inside the middle file: only the files the window needs are read (and opened),
# and the window shows what the single file shows for it
mid = files[len(files) // 2]
hdr = json.loads(subprocess.run([sys.argv[5], mid], capture_output=True, text=True).stdout.splitlines()[0])
t0 = hdr["start_wall_ns"] / 1e9
def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)
win = ["--since", iso(t0 + 0.1), "--until", iso(t0 + 0.4)]
r = subprocess.run([show, "--json"] + win + [d], capture_output=True, text=True)
summ = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
m = re.search(r"(\d+) of (\d+) recordings read \(--since/--until; (\d+) opened\)", summ)
print("# window %s..%s of %d files: %s" % (win[1], win[3], len(files), m.group(0) if m else summ))
# (how few are opened is measured on long files by flight_window.sh: these last about a second,
# within the margin a name leaves)
ok(m is not None and int(m.group(1)) <= 2 and int(m.group(2)) == len(files),
   "--since/--until inside one file: at most 2 of the %d files read" % len(files), summ)
w_set = per_side(json.loads(l) for l in r.stdout.splitlines() if l.startswith("{"))
w_single = per_side(txns(win + [single]))
ok(w_set == w_single and sum(w_set.values()) > 0,
   "the window read from the set == from the single file (%d transactions)" % sum(w_set.values()),
   "set %d single %d" % (sum(w_set.values()), sum(w_single.values())))
PY

# glob as a quoted argument, and a list of files: the same as the directory
n_dir=$("$SHOW" "$A" 2>/dev/null | wc -l)
n_glob=$("$SHOW" "$A/fr-*.tinytap" 2>/dev/null | wc -l)
n_list=$("$SHOW" "$A"/fr-*.tinytap 2>/dev/null | wc -l)
check "a quoted glob and a file list read like the directory ($n_dir lines)" \
	test "$n_dir" = "$n_glob" -a "$n_dir" = "$n_list" -a "$n_dir" -gt 0

# ---- B: -C 256k -W 5: never more than 5 files -----------------------------------------------------
B=$WORK/b
if rec_set "$B" -C 256k -W 5; then
	"$PY" "$TT_ROOT/tests/e2e/flight_traffic.py" "$port" "$SECS" "$WORK/served_b.log" 4 &
	TPID=$!
	PIDS+=("$TPID")
	maxn=0
	while kill -0 "$TPID" 2>/dev/null; do
		n=$(ls "$B"/fr-*.tinytap 2>/dev/null | wc -l)
		[ "$n" -gt "$maxn" ] && maxn=$n
		sleep 0.1
	done
	wait "$TPID"
	stop_rec
	n=$(ls "$B"/fr-*.tinytap | wc -l)
	del=$(grep -o '[0-9]* deleted' "$B.err" | grep -o '[0-9]*')
	check "-C 256k -W 5: at most 5 files at any time (max seen $maxn, $n at the end, $del deleted)" \
		test "$maxn" -le 5 -a "$n" -le 5 -a "${del:-0}" -ge 1
	bad=0
	for f in "$B"/fr-*.tinytap; do "$SHOW" "$f" >/dev/null 2>&1 || bad=1; done
	check "-W 5: every remaining file reads alone" test "$bad" = 0
	first=$(ls "$B" | head -1 | sed -E 's/.*-0*([0-9]+)\.tinytap/\1/')
	check "-W 5: the oldest went first (the first left is number $first of $((first + n - 1)))" \
		test "$first" -gt 1 -a "$((first + n - 1))" = "$(ls "$B" | tail -1 | sed -E 's/.*-0*([0-9]+)\.tinytap/\1/')"
else
	notok "-W 5: recorder did not start"
fi

# ---- C: --max-disk 2M: the set stays under its bound ---------------------------------------------
C=$WORK/c
if rec_set "$C" --max-disk 2M -C 256k; then
	"$PY" "$TT_ROOT/tests/e2e/flight_traffic.py" "$port" "$SECS" "$WORK/served_c.log" 4 &
	TPID=$!
	PIDS+=("$TPID")
	maxb=0
	while kill -0 "$TPID" 2>/dev/null; do
		b=$(cat "$C"/fr-*.tinytap 2>/dev/null | wc -c)
		[ "$b" -gt "$maxb" ] && maxb=$b
		sleep 0.1
	done
	wait "$TPID"
	stop_rec
	del=$(grep -o '[0-9]* deleted' "$C.err" | grep -o '[0-9]*')
	# bound: 2 MiB, plus what the current file writes past -C before the next poll (a block)
	check "--max-disk 2M -C 256k: largest set seen $maxb bytes <= 2 MiB + 128 KiB, $del files deleted" \
		test "$maxb" -le $(((2 << 20) + (128 << 10))) -a "${del:-0}" -ge 1
else
	notok "--max-disk: recorder did not start"
fi

# ---- D: --max-age 3s alone: a new file every second (a tenth, at least 1 s), older ones go ------
D=$WORK/d
if rec_set "$D" --max-age 3s; then
	"$PY" "$TT_ROOT/tests/e2e/flight_traffic.py" "$port" 6 "$WORK/served_d.log" 1 &
	TPID=$!
	PIDS+=("$TPID")
	maxn=0 oldest=0
	while kill -0 "$TPID" 2>/dev/null; do
		files=("$D"/fr-*.tinytap)
		[ "${#files[@]}" -gt "$maxn" ] && maxn=${#files[@]}
		# the age of the oldest file's end (its mtime), in s
		o=$(($(date +%s) - $(stat -c %Y "${files[0]}" 2>/dev/null || date +%s)))
		[ "$o" -gt "$oldest" ] && oldest=$o
		sleep 0.2
	done
	wait "$TPID"
	stop_rec
	written=$(grep -o '[0-9]* files written' "$D.err" | grep -o '[0-9]*')
	del=$(grep -o '[0-9]* deleted' "$D.err" | grep -o '[0-9]*')
	# a file ended more than 3 s ago goes at the next rotation (1 s later at most), mtime has
	# 1 s resolution: 5 s is the bound
	check "--max-age 3s: $written files written, $del deleted, at most $maxn at once, the oldest ended ${oldest}s before (<= 5)" \
		test "${written:-0}" -ge 6 -a "${del:-0}" -ge 2 -a "$oldest" -le 5 -a "$maxn" -le 6
else
	notok "--max-age: recorder did not start"
fi
