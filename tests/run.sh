#!/usr/bin/env bash
# Runs tinytap's test suites and prints one closing line "N passed, N failed, N skipped".
#   tests/run.sh unit golden e2e fuzz     (any subset, in that order)
# Env: O (build dir), SHOW, REC (binaries), FUZZ_SECONDS.
# Unit suites are Criterion binaries; golden and e2e scripts print TAP-style "ok - ..." /
# "not ok - ..." lines, which are counted here ("ok - ... # SKIP why" counts as skipped, not
# passed). A suite that cannot run is a failure, never a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
export O SHOW=${SHOW:-./tinytap-show} REC=${REC:-./tinytap-record}
export SHOW=$(realpath "$SHOW") REC=$(realpath "$REC")
export TT_ROOT=$PWD
pass=0 fail=0 skip=0
failed=()

# Under SAN=1 every sanitizer report, from any process a suite starts, lands in $sandir and fails
# that suite: a report is a defect even when the test's own assertions passed.
sandir=
if [ "${SAN:-}" = 1 ]; then
	sandir=$(mktemp -d /tmp/tinytap-san.XXXXXX)
	export ASAN_OPTIONS="log_path=$sandir/asan:detect_leaks=1:abort_on_error=0"
	export LSAN_OPTIONS="suppressions=$TT_ROOT/tests/lsan.supp"
	export UBSAN_OPTIONS="log_path=$sandir/ubsan:print_stacktrace=1"
fi
check_san() { # suite name
	[ -n "$sandir" ] || return 0
	if compgen -G "$sandir/*" >/dev/null; then
		cat "$sandir"/* | head -60
		rm -f "$sandir"/*
		echo "not ok - $1: sanitizer report (above)"
		fail=$((fail + 1)) failed+=("$1:sanitizer")
	fi
}

count_tap() { # name logfile rc
	local p f k
	# "ok - ... # SKIP why" is a skip (e.g. valgrind on an ASan build), counted apart, never a pass.
	k=$(grep -c '^ok .*# SKIP' "$2" || true)
	p=$(( $(grep -c '^ok ' "$2" || true) - k ))
	f=$(grep -c '^not ok ' "$2" || true)
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3 (see above)"
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ] && [ "$k" = 0 ]; then
		f=1
		echo "not ok - $1 ran no check"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
	[ "$f" = 0 ] || failed+=("$1")
}

run_unit() {
	local t log rc p f
	for t in "$O"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.o|*.d) continue ;; esac
		log=$(mktemp)
		echo "== unit: $(basename "$t")"
		# Under SAN=1 one test at a time: Criterion's own runner leaks 48 bytes when it runs
		# tests in parallel (libcriterion 2.4, reported by LeakSanitizer at its exit).
		"$t" --jobs "$([ -n "$sandir" ] && echo 1 || echo 2)" --timeout 120 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		p=$(sed -n 's/.*Synthesis: Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\2/p' "$log" | tail -1)
		f=$(sed -n 's/.*Synthesis: Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\3+\4/p' "$log" | tail -1)
		if [ -z "$p" ]; then p=0; f=1; fi
		f=$((f))
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
		if [ "$p" = 0 ] && [ "$f" = 0 ]; then f=1; fi
		pass=$((pass + p)) fail=$((fail + f))
		[ "$f" = 0 ] || failed+=("$(basename "$t")")
		rm -f "$log"
		check_san "$(basename "$t")"
	done
}

# Seconds a suite script may run before it is killed: 600, except the fuzz smoke run, which runs
# every build-fuzz/fuzz_* binary for FUZZ_SECONDS in turn and so needs that many times over.
script_budget() { # kind
	local n
	if [ "$1" = fuzz ]; then
		n=$(find "${FUZZ_DIR:-build-fuzz}" -maxdepth 1 -name 'fuzz_*' -type f -perm -u+x 2>/dev/null | grep -vc '\.[do]$')
		echo $(( n * (${FUZZ_SECONDS:-30} + 15) + 120 ))
	else
		echo 600
	fi
}

run_scripts() { # kind dir
	local s log rc
	for s in "$2"/*.sh; do
		[ -x "$s" ] || continue
		# E2E_ONLY / GOLDEN_ONLY: a regex of the scripts to run (make test SAN=1 sets the first,
		# the arm64 pass of CI the second)
		if [ "$1" = e2e ] && [ -n "${E2E_ONLY:-}" ] && ! [[ $(basename "$s") =~ $E2E_ONLY ]]; then
			echo "== e2e: $(basename "$s") (left out of this pass: E2E_ONLY)"
			continue
		fi
		if [ "$1" = golden ] && [ -n "${GOLDEN_ONLY:-}" ] && ! [[ $(basename "$s") =~ $GOLDEN_ONLY ]]; then
			echo "== golden: $(basename "$s") (left out of this pass: GOLDEN_ONLY)"
			continue
		fi
		log=$(mktemp)
		echo "== $1: $(basename "$s")"
		timeout -k 10 "$(script_budget "$1")" "$s" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		count_tap "$1/$(basename "$s")" "$log" "$rc"
		rm -f "$log"
		check_san "$1/$(basename "$s")"
	done
}

for suite in "$@"; do
	case "$suite" in
	unit) run_unit ;;
	golden) run_scripts golden tests/golden ;;
	e2e)
		if [ "$(id -u)" != 0 ]; then
			echo "not ok - e2e: end-to-end tests load BPF programs and need root (sudo make test)"
			fail=$((fail + 1)) failed+=(e2e-needs-root)
		else
			run_scripts e2e tests/e2e
		fi ;;
	fuzz) run_scripts fuzz tests/fuzz ;;
	*) echo "unknown suite $suite" >&2; exit 2 ;;
	esac
done

[ -z "$sandir" ] || rm -rf "$sandir"
echo
[ ${#failed[@]} -eq 0 ] || echo "FAILED: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
