#!/usr/bin/env bash
# Golden tests for tinytap-show: runs every case of testdata/manifest and compares stdout + stderr
# and the exit status with the expected file. Prints TAP lines ("ok - ..." / "not ok - ...").
#
# Env: SHOW (tinytap-show binary), TT_ROOT (repository root). REGEN=1 rewrites the expected files
# instead of comparing (tests/golden/regen.sh does that after a reviewed change).
#
# Manifest lines: INPUT | FLAGS | EXPECTED | EXIT
#   INPUT     a recording under testdata/ ("stdin:FILE" pipes it to `-`, "-" passes no input)
#   FLAGS     tinytap-show flags (shell words, quotes allowed)
#   EXPECTED  file under testdata/expected/: stdout, then "--- stderr", then stderr
#   EXIT      expected exit status
# Runs without root, with TZ=UTC, no colour unless asked, from testdata/ (so messages name
# relative paths).
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR
cd "$ROOT/testdata" || { echo "not ok - golden: no testdata directory"; exit 1; }
if [ ! -x "$SHOW" ]; then
	echo "not ok - golden: $SHOW is not built"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

while IFS= read -r line || [ -n "$line" ]; do
	[[ -z "${line//[[:space:]]/}" || $line == \#* ]] && continue
	IFS='|' read -r input flags expected code <<<"$line"
	input=$(trim "$input") flags=$(trim "$flags") expected=$(trim "$expected") code=$(trim "$code")
	n=$((n + 1))
	eval "args=($flags)"
	out=$tmp/out
	case "$input" in
	stdin:*) cat "${input#stdin:}" | timeout 30 "$SHOW" "${args[@]}" - >"$out" 2>"$tmp/err" ;;
	-) timeout 30 "$SHOW" "${args[@]}" >"$out" 2>"$tmp/err" ;;
	*) timeout 30 "$SHOW" "${args[@]}" "$input" >"$out" 2>"$tmp/err" ;;
	esac
	rc=$?
	{ echo "--- stderr"; cat "$tmp/err"; } >>"$out"
	name="$input ${flags:+$flags }-> $expected (exit $code)"
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$out" "expected/$expected"
		if [ "$rc" = "$code" ]; then
			echo "ok - regenerated $name"
		else
			echo "not ok - regenerated $name: exit status $rc (manifest says $code)"
			fails=$((fails + 1))
		fi
		continue
	fi
	if [ ! -f "expected/$expected" ]; then
		echo "not ok - $name: expected/$expected is missing (run tests/golden/regen.sh)"
		fails=$((fails + 1))
	elif [ "$rc" != "$code" ]; then
		echo "not ok - $name: exit status $rc"
		fails=$((fails + 1))
	elif ! diff -u "expected/$expected" "$out" >"$tmp/diff"; then
		echo "not ok - $name: output differs"
		head -40 "$tmp/diff" | sed 's/^/#   /'
		fails=$((fails + 1))
	else
		echo "ok - $name"
	fi
done <manifest
[ "$n" -gt 0 ] || { echo "not ok - golden: manifest has no case"; exit 1; }
[ "$fails" = 0 ]
