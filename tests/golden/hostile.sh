#!/usr/bin/env bash
# tinytap-show on hostile traffic too big to keep in testdata/ (tests/helpers/gen_hostile makes
# the recordings here: 10000 headers each way, a 1 MiB header line, Set-Cookie and target,
# 100000 pipelined requests, 4 MiB of binary garbage on port 80, WebSocket floods: 200000 pings,
# a message in 200002 fragments, a frame claiming 2^62 bytes), in the default, -vv and
# --json -vv views, under a 512 MiB address-space limit: exit 0, a one-line summary on stderr,
# every transaction either right or marked ([invalid: why], [evicted], [no request], cut
# headers), no response paired with the wrong request, and peak RSS under 128 MiB (printed in
# each check's description). The small hostile recordings (smuggling shapes, huge holes, an
# empty gzip body, hostile WebSocket frames) are golden cases of testdata/manifest. Prints TAP
# lines.
# Env: SHOW, O (build dir, for gen_hostile), TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
GEN=$ROOT/${O:-build}/tests/helpers/gen_hostile
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR
ok() { echo "ok - hostile: $*"; }
notok() { echo "not ok - hostile: $*"; }
[ -x "$GEN" ] || { notok "no $GEN (make O=${O:-build})"; exit 0; }
[ -x /usr/bin/time ] || { notok "no /usr/bin/time (make deps)"; exit 0; }
command -v python3 >/dev/null || { notok "no python3"; exit 0; }
T=$(mktemp -d /tmp/tt-hostile.XXXXXX)
trap 'rm -rf "$T"' EXIT
# ASan reserves terabytes of address space and has its own overhead: no limit, no RSS bound.
asan=0
grep -qa __asan_init "$SHOW" && asan=1
LIMIT_KB=524288 RSS_MAX_KB=131072

# run NAME FLAGS...: tinytap-show on $T/NAME.tinytap; stdout to $T/out (or piped to $FILTER),
# stderr to $T/err; sets rc and rss (KiB).
run() {
	local name=$1
	shift
	(
		[ "$asan" = 1 ] || ulimit -v "$LIMIT_KB"
		exec /usr/bin/time -f %M -o "$T/rss" timeout 60 "$SHOW" --utc "$@" "$T/$name.tinytap"
	) 2>"$T/err" | ${FILTER:-cat} >"$T/out"
	rc=${PIPESTATUS[0]}
	rss=$(tail -1 "$T/rss" 2>/dev/null)
	rss=${rss:-0}
}

# verdict DESC CHECK...: exit 0, one summary line, RSS bound, then the scenario's own check.
verdict() {
	local d=$1
	shift
	local why=
	if [ "$rc" != 0 ]; then
		why="exit status $rc"
	elif [ "$(wc -l <"$T/err")" != 1 ] || ! grep -q '^tinytap-show: [0-9]* of [0-9]* transactions shown' "$T/err"; then
		why="stderr is not one summary line: $(head -c 300 "$T/err" | tr '\n' '|')"
	elif [ "$asan" = 0 ] && [ "$rss" -gt "$RSS_MAX_KB" ]; then
		why="peak RSS ${rss} KiB > $RSS_MAX_KB KiB"
	elif ! "$@"; then
		why="output check failed: $*"
	fi
	if [ -z "$why" ]; then
		ok "$d (peak RSS $((rss / 1024)) MiB)"
	else
		notok "$d: $why"
		head -5 "$T/out" | cut -c1-200 | sed 's/^/#   /'
	fi
}

lines() { test "$(wc -l <"$T/out")" = "$1"; }
has() { grep -qF -- "$1" "$T/out"; }
marked() { grep -q '→.*\[' "$T/out"; } # a marker after the arrow
count() { test "$(grep -cF -- "$1" "$T/out")" = "$2"; }
maxline() { test "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/out")" -le "$1"; }

for s in header-flood header-line pipeline garbage ws-flood h2-streams h2-flood; do
	if ! "$GEN" "$s" "$T/$s.tinytap" 2>"$T/err"; then
		notok "gen_hostile $s: $(cat "$T/err")"
	fi
done

# 10000 headers each way: valid HTTP, shown complete, headers kept up to the caps and the cut said.
run header-flood
verdict "10000 headers: 4 complete lines" eval 'lines 4 && ! marked && count "GET /flood → 200 2 bytes" 2'
run header-flood -vv
verdict "10000 headers -vv: kept up to the cap, cut marked on both messages of both sides" \
	eval 'count "[headers cut" 4 && test $(grep -c "^  > X-Flood-" "$T/out") -le 256'

# A 1 MiB header value, Set-Cookie and request target: kept up to 8 KiB, marked cut.
run header-line
verdict "1 MiB header line and target: 6 lines, none invalid" eval 'lines 6 && ! has "[invalid"'
run header-line -vv
verdict "1 MiB header line -vv: values cut to 8 KiB and marked, no huge line" \
	eval 'count "[headers cut" 4 && maxline 20000'
run header-line --json -vv
verdict "1 MiB header line --json -vv: 6 objects, no huge line" eval 'lines 6 && maxline 60000'

# 100000 pipelined requests before the first response: the queue keeps 64 per side; the others
# are evicted and their responses shown without a request, never paired with another one.
cat >"$T/pipecheck.py" <<'EOF'
import json, sys
paired = evicted = orphans = bad = 0
for line in sys.stdin:
    t = json.loads(line)
    if t["method"]:
        if t["status"]:
            bad += t["resp_body"] != t["path"][3:]
            paired += 1
        elif t["incomplete"] == "evicted":
            evicted += 1
        else:
            bad += 1
    elif t["incomplete"] == "no request" and t["status"] == 200:
        orphans += 1
    else:
        bad += 1
print(paired, evicted, orphans, bad)
EOF
FILTER="python3 $T/pipecheck.py" run pipeline --json -vv
read -r paired evicted orphans bad <"$T/out"
verdict "100000 pipelined requests --json -vv: $paired paired right, $evicted evicted, $orphans responses without their request, $bad wrong" \
	eval 'test "$bad" = 0 && test "$paired" = 128 && test "$evicted" = 199872 && test "$orphans" = 199872'
FILTER="grep -c evicted" run pipeline
verdict "100000 pipelined requests: every given-up request marked [evicted]" eval 'test "$(cat "$T/out")" = 199872'

# Binary garbage: HTTP found only where it is, the rest marked invalid, no borrowed status.
run garbage
verdict "4 MiB of garbage: the real exchange, the rest [invalid: why]" \
	eval 'count "POST /upload → 201 0 bytes" 2 && ! grep -v "POST /upload" "$T/out" | grep -q "→ 201" && test "$(grep -c "\[invalid: " "$T/out")" = 4'
run garbage --json -vv
verdict "4 MiB of garbage --json -vv" eval 'lines 6 && test "$(grep -c "\"error\":" "$T/out")" = 4'

# WebSocket floods: every ping a line of its own, 200002 fragments one message (counted, never
# kept), a frame claiming 2^62 bytes cut by the close (its first bytes shown, marked).
run ws-flood
verdict "WebSocket floods: 400000 pings, one message of 200002 frames, the 2^62 frame cut" \
	eval 'lines 400008 && count "ws  → ping 0 B" 200000 && count "ws  ← ping 0 B" 200000 && count "text 195.3 KB \"abbb" 2 && count "[incomplete]" 2'
FILTER="grep -c ws_frames.:200002" run ws-flood --json -vv
verdict "WebSocket floods --json -vv: the fragmented message says its 200002 frames" eval 'test "$(cat "$T/out")" = 2'

# HTTP/2: 100000 requests on one connection, only the last ten answered: at most 256 streams are
# kept open per connection; the older ones are handed out [evicted], never paired with an answer.
run h2-streams
verdict "HTTP/2, 100000 open streams: 99744 evicted per side, the last 256 kept, 10 answered" \
	eval 'count "[evicted]" 199488 && count "→ 200 4 bytes" 22 && test "$(grep -c "GET /s/[0-9]* → 200" "$T/out")" = 20 && ! grep -q "GET /s/[0-9]\{1,4\} → 200" "$T/out" && count "GET /next → 200" 2'
# An 8 MiB header block in CONTINUATION frames (after 10000 SETTINGS and 100000 PINGs): the block
# is cut at 64 KiB and the connection marked; the next connection is unaffected.
run h2-flood
verdict "HTTP/2, an 8 MiB CONTINUATION flood: [invalid: header block too large], next connection fine" \
	eval 'lines 4 && count "[invalid: header block too large]" 2 && count "GET /next → 200 4 bytes" 2'
run h2-flood --json -vv
verdict "HTTP/2 floods --json -vv: 4 objects" eval 'lines 4'
