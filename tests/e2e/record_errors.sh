#!/usr/bin/env bash
# tinytap-record errors and file handling: usage errors exit 2, runtime errors exit 1 with one
# clear line (not root, output not writable, disk full: the file stays readable up to its last
# block); the output is created 0600 and given to the sudo user. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

expect_rc() { # desc rc pattern cmd...: exit status rc and stderr matching pattern (one line)
	local d=$1 want=$2 pat=$3 rc
	shift 3
	timeout 30 "$@" >/dev/null 2>"$WORK/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" "$WORK/err"; then
		ok "$d"
	else
		notok "$d # rc $rc: $(head -c 300 "$WORK/err")"
	fi
}

expect_rc "no -o: usage error 2" 2 "no output" "$REC"
expect_rc "-s abc: usage error 2" 2 "invalid snaplen" "$REC" -o "$WORK/x" -s abc
expect_rc "-s 3M: usage error 2 (above the maximum)" 2 "invalid snaplen" "$REC" -o "$WORK/x" -s 3M
expect_rc "--port 0: usage error 2" 2 "invalid port" "$REC" -o "$WORK/x" --port 0
expect_rc "--ring-size 3: usage error 2" 2 "power of two" "$REC" -o "$WORK/x" --ring-size 3
expect_rc "-p abc: usage error 2" 2 "invalid pid" "$REC" -o "$WORK/x" -p abc
expect_rc "unknown option: usage error 2" 2 "unrecognized|invalid option" "$REC" -o "$WORK/x" --bogus
expect_rc "stray argument: usage error 2" 2 "unexpected argument" "$REC" -o "$WORK/x" foo
timeout 10 "$REC" -h >"$WORK/help" 2>&1
check "-h exits 0 with examples and exit codes" \
	eval 'test $? = 0 && grep -q "^Examples:" "$WORK/help" && grep -q "Exit status" "$WORK/help"'

if command -v setpriv >/dev/null; then
	expect_rc "not root: exit 1, says so" 1 "root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$REC" -o /tmp/tt-never
else
	notok "not root: no setpriv to drop privileges"
fi
expect_rc "output not writable: exit 1" 1 "cannot write '/nonexistent/dir/f'" \
	"$REC" -o /nonexistent/dir/f --duration 1

# 0600 and owned by the sudo user.
f=$WORK/owned.tinytap
SUDO_UID=12345 SUDO_GID=23456 timeout 30 "$REC" -q -o "$f" --duration 1
check "output mode 0600" test "$(stat -c %a "$f")" = 600
check "output owned by SUDO_UID:SUDO_GID" test "$(stat -c %u:%g "$f")" = 12345:23456

# Disk full: a tiny tmpfs. The first block fits; the big traffic after it does not.
mkdir -p "$WORK/full"
if mount -t tmpfs -o size=512k tmpfs "$WORK/full"; then
	f=$WORK/full/s.tinytap
	"$REC" -q --duration 60 -o "$f" 2>"$WORK/full.err" &
	R=$!
	PIDS+=("$R")
	for _ in $(seq 200); do [ -s "$f" ] && break; sleep 0.05; done
	timeout 30 "$SOCKIO" --no-big --only tcp >/dev/null
	sleep 1.5 # first block closes
	timeout 30 "$SOCKIO" >/dev/null
	timeout 30 "$SOCKIO" >/dev/null
	wait "$R"
	rc=$?
	check "disk full: exit 1" test "$rc" = 1
	check "disk full: one clear line" eval 'grep -q "No space left on device" "$WORK/full.err" && test $(wc -l <"$WORK/full.err") = 1'
	"$TTDUMP" "$f" >"$WORK/full.jsonl" 2>/dev/null
	n=$(grep -c '^{"type":"data"' "$WORK/full.jsonl" || true)
	check "disk full: the file reads back up to its last block ($n DATA records)" test "$n" -gt 0
	umount "$WORK/full"
else
	notok "disk full: cannot mount a tmpfs"
fi
