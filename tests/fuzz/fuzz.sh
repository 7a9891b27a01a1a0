#!/usr/bin/env bash
# Runs every build-fuzz/fuzz_* libFuzzer binary for $FUZZ_SECONDS (default 30, as in the Makefile)
# from a copy of its seed corpus tests/fuzz/corpus/<target>/, and prints one TAP line per target:
#   ok - fuzz_reader: N execs in S s, no crash
#   not ok - fuzz_reader: crash (artifacts in DIR)
# Crash inputs are left in a temp dir named in the message; the seed corpus is never modified.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
shopt -s nullglob
# The fuzz builds recover from UBSan reports: make them fatal, so undefined behaviour is a crash
# (with its input saved) and not a line lost in the log.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
dir=${FUZZ_DIR:-build-fuzz} # FUZZ_DIR: where the binaries are (default build-fuzz)
bins=("$dir"/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
	echo "not ok - fuzz: no $dir/fuzz_* binaries (run make fuzz)"
	exit 0
fi
for bin in "${bins[@]}"; do
	[ -x "$bin" ] || continue
	case "$bin" in *.d|*.o) continue ;; esac
	name=$(basename "$bin")
	work=$(mktemp -d "/tmp/tt-$name.XXXXXX")
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -r "tests/fuzz/corpus/$name/." "$work/corpus/" 2>/dev/null || true
	fi
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
	rc=$?
	elapsed=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
	if [ "$rc" = 0 ] && [ -z "$(ls -A "$work/artifacts")" ]; then
		echo "ok - $name: ${execs:-?} execs in ${elapsed} s, no crash"
		rm -rf "$work"
	else
		tail -40 "$work/log"
		echo "not ok - $name: exit $rc, crash inputs in $work/artifacts"
	fi
done
