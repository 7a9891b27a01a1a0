#!/usr/bin/env bash
# tinytap-show -w without root: with no filter, the written file gives exactly the same analysis
# (-vv --json) as its source, for every real and synthetic recording in testdata/; from a damaged
# source it writes what it could read, marks the skipped block with a LOSS record of reason 3
# (so the streams crossing it are gapped, not mis-paired: same analysis again) and exits 1.
# Prints TAP lines. Env: SHOW, O (build dir, for ttdump), TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
TTDUMP=$ROOT/${O:-build}/tests/helpers/ttdump
T=$(mktemp -d /tmp/tt-write.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$ROOT/testdata" || exit 1
for f in http-python.tinytap http-nginx.tinytap http-secrets.tinytap demo-workload.tinytap \
	synthetic-http.tinytap containers.tinytap; do
	"$SHOW" "$f" -q -w "$T/w.tinytap"
	rc=$?
	"$SHOW" "$f" -vv --json >"$T/a" 2>/dev/null
	"$SHOW" "$T/w.tinytap" -vv --json >"$T/b" 2>/dev/null
	if [ "$rc" = 0 ] && [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"; then
		echo "ok - write: $f -w: same $(wc -l <"$T/a") transactions, byte for byte"
	else
		echo "not ok - write: $f -w: exit $rc, analysis differs"
		diff "$T/a" "$T/b" | head -10 | sed 's/^/#   /'
	fi
done

# -w keeps the CGROUP records of the selected processes' cgroups, and only those: a bug report
# does not carry the names of every container on the machine.
"$SHOW" containers.tinytap -q --path /api/items -w "$T/c.tinytap"
"$SHOW" containers.tinytap --path /api/items --json >"$T/a" 2>/dev/null
"$SHOW" "$T/c.tinytap" --json >"$T/b" 2>/dev/null
cg=$("$TTDUMP" "$T/c.tinytap" | grep '"type":"cgroup"' | grep -o '"cgroup_id":[0-9]*' | sort | tr '\n' ' ')
if cmp -s "$T/a" "$T/b" && [ "$cg" = '"cgroup_id":1001 "cgroup_id":2001 ' ]; then
	echo "ok - write: --path /api/items -w: both ends named, the CGROUP records of their two cgroups only"
else
	echo "not ok - write: --path /api/items -w: cgroups [$cg]"
	diff "$T/a" "$T/b" | head -10 | sed 's/^/#   /'
fi

f=corrupt/synthetic-flip.tinytap
"$SHOW" "$f" -w "$T/d.tinytap" 2>"$T/d.err"
rc=$?
"$SHOW" "$f" --json >"$T/a" 2>/dev/null
"$SHOW" "$T/d.tinytap" --json >"$T/b" 2>/dev/null
rc2=$?
if [ "$rc" = 1 ] && [ "$rc2" = 0 ] && [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"; then
	echo "ok - write: damaged source: exit 1, the copy reads cleanly and gives the same analysis"
else
	echo "not ok - write: damaged source: exit $rc, copy exit $rc2"
	sed 's/^/#   /' "$T/d.err"
	diff "$T/a" "$T/b" | head -10 | sed 's/^/#   /'
fi
if [ -x "$TTDUMP" ]; then
	n=$("$TTDUMP" "$T/d.tinytap" 2>/dev/null | grep -c '"type":"loss".*"reason":3')
	[ "$n" = 1 ] && echo "ok - write: damaged source: one LOSS record of reason 3 marks the skipped block" ||
		echo "not ok - write: damaged source: $n LOSS records of reason 3"
else
	echo "not ok - write: no $TTDUMP"
fi
