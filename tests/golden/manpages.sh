#!/usr/bin/env bash
# The man pages (docs/man) against the programs' -h: every option on an option line of
# `tinytap-record -h` is a .TP entry of tinytap-record(8), and every .TP option of the page is in
# -h (the same for tinytap-show(1)), so they never drift; and `man -l` renders all three pages
# without a warning. Prints TAP lines. Env: SHOW, REC, TT_ROOT. No root.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
REC=$(realpath "${REC:-$ROOT/tinytap-record}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# help_opts BIN: the options defined by -h (lines indented 2 or 6 that start with a dash; the
# option part, before the description)
help_opts() {
	"$1" -h | grep -E '^(  |      )-' | sed -E 's/^ +//; s/ {2,}.*//' |
		grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | sed 's/^[ ,]//' | sort -u
}
# man_opts PAGE: the options in the tags of .TP entries
man_opts() {
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' "$1" | sed 's/\\-/-/g' |
		grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | sed 's/^[ ,]//' | sort -u
}

for pair in "$REC:tinytap-record.8" "$SHOW:tinytap-show.1"; do
	bin=${pair%%:*} page=$ROOT/docs/man/${pair#*:}
	name=$(basename "$page")
	if [ ! -x "$bin" ]; then
		echo "not ok - $name: $bin is not built"
		continue
	fi
	help_opts "$bin" >"$tmp/h"
	man_opts "$page" >"$tmp/m"
	n=$(wc -l <"$tmp/h")
	if [ "$n" -lt 10 ]; then
		echo "not ok - $name: only $n options read from -h (the parsing broke)"
		continue
	fi
	missing=$(comm -23 "$tmp/h" "$tmp/m" | tr '\n' ' ')
	extra=$(comm -13 "$tmp/h" "$tmp/m" | tr '\n' ' ')
	if [ -z "$missing" ]; then
		echo "ok - $name documents all $n options of $(basename "$bin") -h"
	else
		echo "not ok - $name lacks options of -h: $missing"
	fi
	if [ -z "$extra" ]; then
		echo "ok - $name documents no option -h does not have"
	else
		echo "not ok - $name documents options not in -h: $extra"
	fi
done

if ! command -v man >/dev/null; then
	echo "ok - man pages render # SKIP no man (man-db)"
	exit 0
fi
for page in "$ROOT"/docs/man/*.[158]; do
	name=$(basename "$page")
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && grep -q '^NAME' "$tmp/out"; then
		echo "ok - man -l $name renders without warnings ($(wc -l <"$tmp/out") lines)"
	else
		echo "not ok - man -l $name: exit $rc: $(head -3 "$tmp/err" | tr '\n' ' ')"
	fi
done
