#!/usr/bin/env bash
# tinytap-record's load-time fallbacks (docs/kernels.md), each forced with TINYTAP_BPF_FALLBACK
# on this kernel, which has everything: per-syscall tracepoints instead of the raw_tp
# sys_enter/sys_exit pair, raw_tp instead of tp_btf for fork, bpf_ktime_get_ns + offset instead of
# bpf_ktime_get_boot_ns, and all three at once. Under each: `-v` names what was loaded, sockio's
# every syscall family is captured byte-exact (both ends, TCP and unix), the forked child is a
# FORK process of its parent, every timestamp is boot-clock time taken between the test's own
# reads of CLOCK_BOOTTIME, and nothing is lost. (This machine was never suspended, so its
# CLOCK_MONOTONIC and CLOCK_BOOTTIME agree: the clock fallback is shown to load and give the right
# times, not that its offset follows a suspend.) Then the raw_tp path with an ia32 syscall made by a
# 64-bit process (ia32 read is x86_64's close number). Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight
COMPAT80=$H/compat80

boot_ns() { python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_BOOTTIME))'; }

run_mode() { # fallback-list expected-description
	local fb=$1 want=$2 tag=${1:-default} f t0 t1
	f=$WORK/fb-${tag//,/-}.tinytap
	t0=$(boot_ns)
	TINYTAP_BPF_FALLBACK=$fb timeout 60 "$REC" -v -o "$f" -- "$SOCKIO" >"$f.json" 2>"$f.err"
	check "$tag: recorder -- sockio exits 0" test $? = 0
	t1=$(boot_ns)
	grep -q "BPF programs loaded and attached in .* ms: $want\$" "$f.err"
	check "$tag: -v says: $want" test $? = 0 ||
		echo "# $(grep -m1 'BPF' "$f.err")"
	dump "$f"
	check_sockio "$f.jsonl" "$f.json" --tag "$tag"
	python3 - "$f.jsonl" "$tag" "$t0" "$t1" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
tag, t0, t1 = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - %s: %s%s" % (tag, d, "" if ok else " # " + why))
procs = [r for r in recs if r["type"] == "process"]
top = [p for p in procs if p["comm"] == "sockio" and p["origin"] in (1, 2)]
kids = [p for p in procs if p["comm"] == "sockio" and p["origin"] == 3]
# the child is the process whose DATA is not the parent's (an ASan build forks one more at exit:
# LeakSanitizer's tracer, which makes no socket calls)
talkers = {r["pid"] for r in recs if r["type"] == "data"} - {p["pid"] for p in top}
res(len(top) == 1 and len(talkers) == 1 and
    any(k["pid"] in talkers and k["ppid"] == top[0]["pid"] for k in kids),
    "sockio's forked child (its server) is a FORK process of its parent",
    str([(p["pid"], p["ppid"], p["origin"]) for p in procs if p["comm"] == "sockio"]) + " talkers " + str(talkers))
ev = [r for r in recs if r["type"] in ("data", "conn", "close") or (r["type"] == "process" and r["origin"] == 3)]
bad = [r["ts_ns"] for r in ev if not t0 <= r["ts_ns"] <= t1]
res(ev and not bad, "%d event timestamps are boot-clock time within the run" % len(ev),
    "%d outside [%d, %d]: %s" % (len(bad), t0, t1, bad[:3]))
data = [r for r in recs if r["type"] == "data"]
res(data and all(t0 <= r["ts_enter_ns"] <= r["ts_ns"] for r in data), "every call's enter time is within the run and before its exit")
end = [r for r in recs if r["type"] == "end"]
res(len(end) == 1 and end[0]["lost_events"] == 0, "END, nothing lost")
PY
}

run_mode "" "syscalls by raw_tp sys_enter/sys_exit, fork by tp_btf, clock bpf_ktime_get_boot_ns"
run_mode syscalls "syscalls by per-syscall tracepoints, fork by tp_btf, clock bpf_ktime_get_boot_ns"
run_mode fork "syscalls by raw_tp sys_enter/sys_exit, fork by raw_tp, clock bpf_ktime_get_boot_ns"
run_mode clock "syscalls by raw_tp sys_enter/sys_exit, fork by tp_btf, clock bpf_ktime_get_ns + offset"
run_mode all "syscalls by per-syscall tracepoints, fork by raw_tp, clock bpf_ktime_get_ns + offset"

TINYTAP_BPF_FALLBACK=bogus "$REC" -o "$WORK/bogus.tinytap" -- true >/dev/null 2>"$WORK/bogus.err"
rc=$?
check "an unknown TINYTAP_BPF_FALLBACK word: exit 1, one line ($(head -1 "$WORK/bogus.err"))" \
	test "$rc" = 1 -a "$(wc -l <"$WORK/bogus.err")" = 1 -a ! -e "$WORK/bogus.tinytap"
grep -q "unknown 'bogus'" "$WORK/bogus.err"
check "... and the line names the word" test $? = 0

# ia32 read (number 3) by a 64-bit process: the raw_tp path must not take it for a close (3 on
# x86_64), and, as the per-syscall tracepoints do, records nothing of a compat call.
f=$WORK/compat.tinytap
timeout 30 "$REC" -q -o "$f" -- "$COMPAT80" >"$f.json" 2>"$f.err"
check "compat80 under the recorder exits 0" test $? = 0
dump "$f"
python3 - "$f.jsonl" "$f.json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
out = json.load(open(sys.argv[2]))
if "skip" in out:
    print("ok - ia32 syscall on the raw_tp path # SKIP %s" % out["skip"])
    sys.exit(0)
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - %s%s" % (d, "" if ok else " # " + why))
res(out["ia32_read"] == 5, "the ia32 read returned 5 bytes", str(out))
conns = {(r["pid"], r["fd"]): r["sock_id"] for r in recs if r["type"] == "conn"}
a = [s for (p, fd), s in conns.items() if fd == out["a"]]
closes = [r for r in recs if r["type"] == "close" and r["sock_id"] in a]
res(a and not closes, "no CLOSE for the socket the ia32 read used", str(closes))
data = [(r["fd"], r["dir"], r["call_bytes"]) for r in recs if r["type"] == "data"]
want = [(out["b"], 1, 5), (out["a"], 1, 5), (out["b"], 0, 5)]
res(data == want, "the 64-bit calls recorded, the ia32 read not: %s" % want, str(data))
PY
