#!/usr/bin/env bash
# docs/completion/tinytap against the programs' -h: completing "-" offers every option (long and
# short) of -h and nothing else, for tinytap-record and tinytap-show; values complete where
# there is a fixed list (--by, --format, -Z a user). Prints TAP lines. Env: SHOW, REC, TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
REC=$(realpath "${REC:-$ROOT/tinytap-record}")
COMP=$ROOT/docs/completion/tinytap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

help_opts() { # as tests/golden/manpages.sh
	"$1" -h | grep -E '^(  |      )-' | sed -E 's/^ +//; s/ {2,}.*//' |
		grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | sed 's/^[ ,]//' | sort -u
}
# complete CMD WORD...: what bash offers for the last word (the completion sourced, as
# bash-completion would load it)
complete_words() {
	bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		f=$(complete -p "$1" | sed -E "s/.*-F ([^ ]+).*/\1/")
		"$f" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@"
}

if ! bash -n "$COMP"; then
	echo "not ok - $COMP: bash syntax error"
	exit 0
fi
for bin in "$REC" "$SHOW"; do
	name=$(basename "$bin")
	[ -x "$bin" ] || { echo "not ok - $name is not built"; continue; }
	help_opts "$bin" >"$tmp/h"
	complete_words "$name" - | sed 's/=$//' | grep -v '^--$' | sort -u >"$tmp/c"
	n=$(wc -l <"$tmp/h")
	longs=$(grep -c '^--' "$tmp/h")
	missing=$(comm -23 "$tmp/h" "$tmp/c" | tr '\n' ' ')
	extra=$(comm -13 "$tmp/h" "$tmp/c" | tr '\n' ' ')
	[ "$n" -ge 10 ] && [ -z "$missing" ] &&
		echo "ok - completing '$name -' offers all $n options of -h ($longs long)" ||
		echo "not ok - completing '$name -' lacks: $missing"
	[ -z "$extra" ] && echo "ok - completing '$name -' offers nothing -h does not have" ||
		echo "not ok - completing '$name -' offers options not in -h: $extra"
done
got=$(complete_words tinytap-show --by "" | sort | tr '\n' ' ')
[ "$got" = "comm container endpoint host proto side status " ] &&
	echo "ok - tinytap-show --by completes its keys" || echo "not ok - --by completes: $got"
got=$(complete_words tinytap-show --format p | tr '\n' ' ')
[ "$got" = "pcapng " ] && echo "ok - tinytap-show --format p completes pcapng" ||
	echo "not ok - --format p completes: $got"
got=$(complete_words tinytap-record -Z nobod | tr '\n' ' ')
if id nobody >/dev/null 2>&1; then
	[ "$got" = "nobody " ] && echo "ok - tinytap-record -Z nobod completes nobody" ||
		echo "not ok - -Z nobod completes: $got"
fi
complete_words tinytap-record -o x.tinytap -- ech | grep -qx echo && echo "ok - after --, tinytap-record completes a command" ||
	echo "not ok - after -- ech: no echo offered"
