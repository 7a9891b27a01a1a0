#!/usr/bin/env bash
# tinytap-show on hostile MySQL traffic too big to keep in testdata/ (tests/helpers/gen_hostile_mysql
# flood makes it here: a row of 16 MiB in two packets, 100000 rows, 20000 results of one query,
# 1100 prepared statements for a map of 1024, a statement of 65535 parameters, 200 pipelined
# PINGs for a queue of 64, a compressed answer of 4 MiB), in the default, -vv and --json -vv
# views, under a 512 MiB address-space limit: exit 0, a one-line summary on stderr, every
# exchange right or marked, and peak RSS under 128 MiB (printed in each check's description). The
# small hostile recording is a golden case of testdata/manifest (testdata/mysql-hostile.tinytap).
# Prints TAP lines. Env: SHOW, O (build dir, for the generator), TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
GEN=$ROOT/${O:-build}/tests/helpers/gen_hostile_mysql
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR
ok() { echo "ok - hostile_mysql: $*"; }
notok() { echo "not ok - hostile_mysql: $*"; }
[ -x "$GEN" ] || { notok "no $GEN (make O=${O:-build})"; exit 0; }
[ -x /usr/bin/time ] || { notok "no /usr/bin/time (make deps)"; exit 0; }
T=$(mktemp -d /tmp/tt-hostile-mysql.XXXXXX)
trap 'rm -rf "$T"' EXIT
asan=0
grep -qa __asan_init "$SHOW" && asan=1
LIMIT_KB=524288 RSS_MAX_KB=131072
"$GEN" flood "$T/flood.tinytap" || { notok "gen_hostile_mysql flood failed"; exit 0; }

# run FLAGS...: tinytap-show on the flood; stdout to $T/out, stderr to $T/err; rc, rss (KiB)
run() {
	(
		[ "$asan" = 1 ] || ulimit -v "$LIMIT_KB"
		exec /usr/bin/time -f %M -o "$T/rss" timeout 60 "$SHOW" --utc "$@" "$T/flood.tinytap"
	) >"$T/out" 2>"$T/err"
	rc=$?
	rss=$(tail -1 "$T/rss" 2>/dev/null)
	rss=${rss:-0}
}

# has N REGEX: exactly N lines of the output match
has() { [ "$(grep -cE -- "$2" "$T/out")" = "$1" ]; }

for mode in "" "-vv" "--json -vv"; do
	# shellcheck disable=SC2086
	run $mode
	why=
	if [ "$rc" != 0 ]; then
		why="exit status $rc"
	elif [ "$(wc -l <"$T/err")" != 1 ] || ! grep -q '^tinytap-show: 2920 of 2920 transactions shown' "$T/err"; then
		why="stderr: $(head -c 300 "$T/err" | tr '\n' '|')"
	elif [ "$asan" = 0 ] && [ "$rss" -gt "$RSS_MAX_KB" ]; then
		why="peak RSS ${rss} KiB > $RSS_MAX_KB KiB"
	fi
	[ -z "$why" ] && ok "${mode:-default}: exit 0, 2920 transactions (peak RSS $((rss / 1024)) MiB)" ||
		notok "${mode:-default}: $why"
done

run
checks=(
	"2|SELECT huge FROM blobs → 1 row \\(|the 16 MiB row (two packets) is one row"
	"2|SELECT v FROM many → 100000 rows \\(|100000 rows counted"
	"2|CALL flood\\(\\) → 20001 results: |20001 results of one query"
	"2|STMT_EXECUTE stmt 1050 \\(unknown: not kept: statement map full\\) → OK|a statement past the map's cap is unknown, not guessed"
	"2|  SELECT 5 \\+ \\? → OK, 1 row affected|a statement in the map is known"
	"2|INSERT INTO wide VALUES \\(\\?, \\.\\.\\.\\) → OK|65535 parameters and a 20-byte EXECUTE"
	"128|PING → OK \\(|the PINGs the queue kept are paired (64 each side)"
	"272|PING → \\(no response\\) \\[evicted\\]|the PINGs past the queue's depth are given up on (136 each side)"
	"272|\\? \\? → OK \\[no request\\]|their answers go without a request, never paired with the wrong one"
	"2|SELECT zeros → 16384 rows \\(.*\\[compressed\\]|4 MiB inflated from a compressed packet"
	"2|SELECT 1 → \\(answer incomplete\\).*\\[invalid: compressed packet larger than announced\\]|a zlib bomb is stopped"
	"12|SELECT 'still parsing' → 1 row \\(|the exchange after each one parses"
)
for c in "${checks[@]}"; do
	IFS='|' read -r n re desc <<<"$c"
	has "$n" "$re" && ok "$desc" || notok "$desc: $(grep -cE -- "$re" "$T/out") lines match '$re', not $n"
done
exit 0
