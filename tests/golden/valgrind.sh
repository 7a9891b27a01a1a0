#!/usr/bin/env bash
# tinytap-show under valgrind memcheck on the cases of testdata/manifest (every input, usage
# errors and corrupt, truncated and hostile recordings included; per input its first case and
# its first --json, -vv, --format and --trace case: the other flag sets run the same code, and
# golden.sh runs every case under ASan+UBSan in the SAN=1 pass): any invalid
# read/write, use of uninitialised memory, bad free or leak (definite, indirect or possible;
# "still reachable" is the bounded txn free list and stdio) fails the case.
# The exit status must still be the manifest's. Prints TAP lines, one per case.
#
# Runs two cases at a time. Needs a build without sanitizers: under SAN=1 ($SHOW has ASan) the
# top-level ./tinytap-show is used if it is a plain build, else this is skipped (ASan and LSan
# then check the same cases in golden.sh).
# Env: SHOW, TT_ROOT, VALGRIND_JOBS (default 2).
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR
command -v valgrind >/dev/null || { echo "not ok - valgrind: not installed (make deps)"; exit 0; }
is_asan() { grep -qa __asan_init "$1"; }
if [ -x "$SHOW" ] && is_asan "$SHOW"; then
	SHOW=$ROOT/tinytap-show
	if [ ! -x "$SHOW" ] || is_asan "$SHOW"; then
		# valgrind cannot run an ASan binary; golden.sh runs the same cases under ASan+LSan.
		echo "ok - valgrind: only a sanitized tinytap-show is built # SKIP ASan checks the same cases"
		exit 0
	fi
fi
[ -x "$SHOW" ] || { echo "not ok - valgrind: $SHOW is not built"; exit 0; }
# make check-arm64 on another machine: valgrind runs only this machine's binaries (ELF e_machine)
if [ "$(od -An -tx1 -j18 -N2 "$SHOW")" != "$(od -An -tx1 -j18 -N2 /bin/sh)" ]; then
	echo "ok - valgrind: $SHOW is built for another architecture # SKIP qemu-user runs it, not valgrind"
	exit 0
fi
cd "$ROOT/testdata" || { echo "not ok - valgrind: no testdata directory"; exit 0; }
T=$(mktemp -d /tmp/tt-valgrind.XXXXXX)
trap 'rm -rf "$T"' EXIT

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# One case: n input code flags... -> prints its TAP line.
run_case() {
	local n=$1 input=$2 code=$3 rc
	shift 3
	local vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
		--show-leak-kinds=definite,indirect,possible --error-exitcode=99
		--log-file="$T/$n.vg" "$SHOW")
	case "$input" in
	stdin:*) timeout 120 "${vg[@]}" "$@" - <"${input#stdin:}" >/dev/null 2>"$T/$n.err" ;;
	-) timeout 120 "${vg[@]}" "$@" >/dev/null 2>"$T/$n.err" ;;
	*) timeout 120 "${vg[@]}" "$@" "$input" >/dev/null 2>"$T/$n.err" ;;
	esac
	rc=$?
	local name="valgrind: $input $* (exit $code)"
	if [ -s "$T/$n.vg" ] || [ "$rc" = 99 ]; then
		echo "not ok - $name: memcheck errors"
		head -40 "$T/$n.vg" | sed 's/^/#   /'
	elif [ "$rc" != "$code" ]; then
		echo "not ok - $name: exit status $rc # $(head -c 200 "$T/$n.err")"
	else
		echo "ok - $name"
	fi
}

# The cases, one per line: input \t exit \t flags (shell words).
while IFS= read -r line || [ -n "$line" ]; do
	[[ -z "${line//[[:space:]]/}" || $line == \#* ]] && continue
	IFS='|' read -r input flags expected code <<<"$line"
	printf '%s\t%s\t%s\n' "$(trim "$input")" "$(trim "$code")" "$(trim "$flags")"
done <manifest | awk -F'\t' '
	# per input: its first case, and its first case of each kind of output
	{ kind = "plain" }
	$3 ~ /--json/ { kind = "json" }
	$3 ~ /-vv/ { kind = kind "-vv" }
	$3 ~ /--format|--stats|--trace/ { kind = "export " $3 }
	!seen[$1 "\t" kind]++' >"$T/cases"
jobs=${VALGRIND_JOBS:-2}
n=0
while IFS=$'\t' read -r input code flags; do
	n=$((n + 1))
	eval "args=($flags)"
	run_case "$n" "$input" "$code" "${args[@]}" >"$T/$n.tap" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done <"$T/cases"
wait
[ "$n" -gt 0 ] || { echo "not ok - valgrind: no case"; exit 0; }
for i in $(seq "$n"); do cat "$T/$i.tap"; done
