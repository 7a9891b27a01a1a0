#!/usr/bin/env bash
# tinytap-show on a long flight-recorder set: --since/--until read only the files the window
# needs, and of a rotated set (tinytap-record -C/-G names) do not even open the others.
# The set is hand-made (tests/e2e/mktt.py): 200 files named as tinytap-record names them, one
# "minute" each, each with its own snapshot (PROCESS, CONN with origin 4) and one HTTP exchange
# per 10 s on a keep-alive connection that spans all of them. Opens are counted by the summary
# and, when strace is there, by strace -e openat.
# Prints TAP lines. Env: SHOW, TT_ROOT. No root, no network.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=${SHOW:-$ROOT/tinytap-show}
T=$(mktemp -d /tmp/tt-flight-window.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok - flight_window: $*"; }
notok() { echo "not ok - flight_window: $*"; }
[ -x "$SHOW" ] || { notok "no $SHOW"; exit 0; }
command -v zstd >/dev/null || { notok "no zstd (mktt.py compresses with it)"; exit 0; }
NF=200

PYTHONPATH=$ROOT/tests/e2e python3 - "$T/set" "$NF" <<'PY' || { notok "cannot make the set"; exit 0; }
import os, struct, sys, time
from mktt import file_header, conn, data, block, process
d, nf = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
BOOT0, WALL0 = 1000 * 10**9, 1795587348 * 10**9  # wall 2026-11-25T06:15:48Z
MIN = 60 * 10**9
CL, SV = 11, 12
n = 0
for i in range(nf):
    t = BOOT0 + i * MIN
    recs, tss = [], []
    if i == 0:
        recs += [process(t, 100, 1, 0, "client"), process(t, 200, 1, 0, "server"),
                 conn(t + 1, CL, 100, 3, 1, 40000, 8080), conn(t + 1, SV, 200, 4, 2, 8080, 40000)]
    else:  # the snapshot: what is still open, dated just before the file starts
        recs += [process(t - 1, 100, 1, 0, "client", origin=4), process(t - 1, 200, 1, 0, "server", origin=4)]
        for sk, pid, fd, role, lp, rp in ((CL, 100, 3, 1, 40000, 8080), (SV, 200, 4, 2, 8080, 40000)):
            b = bytearray(conn(t - 1, sk, pid, fd, role, lp, rp))
            b[8 + 31] = 4  # origin: snapshot
            recs.append(bytes(b))
    tss += [r and t for r in recs]
    for k in range(6):
        ts = t + 10**9 + k * 10 * 10**9
        q = b"GET /m/%d HTTP/1.1\r\nHost: x\r\n\r\n" % n
        a = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        recs += [data(ts, CL, 100, 3, 0, q), data(ts + 1000, SV, 200, 4, 1, q),
                 data(ts + 2000, SV, 200, 4, 0, a), data(ts + 3000, CL, 100, 3, 1, a)]
        tss += [ts, ts + 1000, ts + 2000, ts + 3000]
        n += 1
    wall = WALL0 + i * MIN
    name = "fr-%s-%06d.tinytap" % (time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(wall // 10**9)), i + 1)
    with open(os.path.join(d, name), "wb") as f:
        f.write(file_header(t, wall) + block(0, recs, tss))
PY

# the window: minutes 100 to 102 (requests 600..617 start in it)
since=2026-11-25T07:55:48Z until=2026-11-25T07:57:48Z
"$SHOW" --json --since $since --until $until "$T/set" >"$T/win.json" 2>"$T/win.err"
summ=$(tail -1 "$T/win.err")
echo "# $summ"
read_n=$(grep -oE '[0-9]+ of [0-9]+ recordings read' <<<"$summ" | grep -oE '^[0-9]+')
opened=$(grep -oE '[0-9]+ opened' <<<"$summ" | grep -oE '^[0-9]+')
# files 101 and 102 hold the window, 103 is the first after it (read: what began before until
# ends there); opened: the first file's header; the headers of the files the names cannot rule
# out (a name is up to a second before its header's start, so 100..104) and of their two
# neighbours (99, 105: one host and boot?); then the 3 files read: 1 + 7 + 3 = 11
[ "${read_n:-x}" = 3 ] && ok "window of 2 minutes in $NF one-minute files: 3 read" ||
	notok "window: $read_n files read, want 3 # $summ"
[ -n "$opened" ] && [ "$opened" -le 11 ] && ok "$opened files opened of $NF (headers included)" ||
	notok "opened $opened files # $summ"
got=$(python3 -c '
import json, sys
print(" ".join(sorted({json.loads(l)["target"] for l in open(sys.argv[1])}, key=lambda s: int(s.rsplit("/", 1)[1]))))' "$T/win.json")
want=$(for k in $(seq 600 611); do printf '/m/%d ' "$k"; done | sed 's/ $//')
[ "$got" = "$want" ] && ok "the window's transactions, both sides, joined across files: $(wc -l <"$T/win.json") lines" ||
	notok "window transactions: got '$got' want '$want'"
if command -v strace >/dev/null; then
	# (LeakSanitizer cannot run under ptrace: off for this run of a SAN=1 build)
	s=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat "$SHOW" --since $since --until $until "$T/set" 2>&1 >/dev/null |
		grep -c '\.tinytap", O_RDONLY')
	[ "$s" = "$opened" ] && ok "strace -e openat agrees: $s opens of .tinytap files" ||
		notok "strace counts $s opens, the summary $opened"
else
	ok "strace -e openat # SKIP no strace"
fi
# no window: every file, every request once per side, one connection per side
"$SHOW" --json "$T/set" >"$T/all.json" 2>"$T/all.err"
python3 - "$T/all.json" "$NF" <<'PY'
import json, sys, collections
ts = [json.loads(l) for l in open(sys.argv[1])]
nf = int(sys.argv[2])
c = collections.Counter((t["target"], t["side"]) for t in ts)
socks = {t["side"]: set() for t in ts}
for t in ts:
    socks[t["side"]].add(t["sock_id"])
good = len(c) == nf * 6 * 2 and set(c.values()) == {1} and all(len(v) == 1 for v in socks.values())
print(("ok" if good else "not ok") + " - flight_window: the whole set: %d requests once per side, "
      "one socket per side across %d files (snapshots joined)" % (len(c) // 2, nf))
PY
# a file alone names its processes and addresses from its snapshot
f=$(ls "$T/set" | sed -n 50p)
"$SHOW" "$T/set/$f" >"$T/one.out" 2>/dev/null
grep -q 'pid=100 client' "$T/one.out" && grep -q 'pid=200 server' "$T/one.out" &&
	ok "file 50 alone: its snapshot names both ends' processes" ||
	notok "file 50 alone: $(head -2 "$T/one.out")"
