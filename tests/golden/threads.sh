#!/usr/bin/env bash
# tinytap-show --threads: the output (stdout, stderr, exit status) is byte for byte the same with
# one thread and the default (the CPUs available: the test means something on 2 or more), on every recording in testdata/ (damaged ones too) and on copies
# of each with other block boundaries, shuffled records and jittered timestamps
# (tests/helpers/ttreblock). Prints TAP lines.
#
# Env: SHOW (tinytap-show binary), TT_ROOT (repository root), O (build dir, for ttreblock).
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
O=${O:-build}
REBLOCK=$ROOT/$O/tests/helpers/ttreblock
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR
cd "$ROOT/testdata" || { echo "not ok - threads: no testdata directory"; exit 1; }
for b in "$SHOW" "$REBLOCK"; do
	[ -x "$b" ] || { echo "not ok - threads: $b is not built"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the views: line, headers, bodies, JSON (chains), stats, a filter, traces, an export, -w
flagsets=("-vv" "--json -vv" "--stats" "--trace --status 5xx" "-w $tmp/w.tinytap")
# derived copies get the views that read everything
dflagsets=("--json -vv" "--stats")

# run FILE FLAGS THREADS -> $tmp/out.THREADS (stdout, stderr, exit status, and -w's file);
# THREADS "default": no --threads (the CPUs available)
run() {
	local out=$tmp/out.$3 th=()
	rm -f "$tmp/w.tinytap"
	eval "args=($2)"
	[ "$3" = default ] || th=(--threads "$3")
	timeout 60 "$SHOW" "${th[@]}" "${args[@]}" "$1" >"$out" 2>"$tmp/err"
	echo "--- exit $?" >>"$out"
	cat "$tmp/err" >>"$out"
	[ ! -f "$tmp/w.tinytap" ] || cat "$tmp/w.tinytap" >>"$out"
}

fails=0 n=0
check() { # name file flagset...
	local name=$1 f=$2 fl bad=
	shift 2
	for fl in "$@"; do
		run "$f" "$fl" 1
		for t in default; do
			run "$f" "$fl" $t
			if ! cmp -s "$tmp/out.1" "$tmp/out.$t"; then
				bad="${bad:+$bad; }'$fl' --threads $t"
				diff -u "$tmp/out.1" "$tmp/out.$t" | head -20 | sed 's/^/#   /'
			fi
		done
	done
	n=$((n + 1))
	if [ -n "$bad" ]; then
		echo "not ok - threads: $name: output differs from --threads 1 with $bad"
		fails=$((fails + 1))
	else
		echo "ok - threads: $name: same output with 1 thread and the default ($# views)"
	fi
}

for f in *.tinytap corrupt/*.tinytap; do
	[ -f "$f" ] || continue
	check "$f" "$f" "${flagsets[@]}"
	case "$f" in corrupt/*) continue ;; esac
	# other block boundaries, shuffled within 8 records; jittered by up to 300 us and shuffled
	i=0
	for opts in "-b 2048 -w 8 -s 7" "-b 8192 -w 4 -j 300 -s 11"; do
		i=$((i + 1))
		d=$tmp/derived$i.tinytap
		# shellcheck disable=SC2086
		if ! "$REBLOCK" $opts "$f" "$d" 2>"$tmp/rb.err"; then
			echo "not ok - threads: ttreblock $opts $f: $(head -1 "$tmp/rb.err")"
			fails=$((fails + 1))
			continue
		fi
		check "$f (ttreblock $opts)" "$d" "${dflagsets[@]}"
	done
done
[ "$n" -gt 0 ] || { echo "not ok - threads: no recording"; exit 1; }
[ "$fails" = 0 ]
