#!/usr/bin/env bash
# make install / make uninstall with DESTDIR into a temporary directory: exactly the binaries,
# the three man pages, the completion (under both commands' names) and the systemd unit, at
# their places under PREFIX, the unit's ExecStart pointing at PREFIX/bin; uninstall removes
# exactly those files (a file of someone else's in the same directories stays). Then the unit,
# installed with PREFIX in a temporary directory (so its ExecStart binary and man pages exist),
# passes `systemd-analyze verify`. Prints TAP lines. Env: TT_ROOT, O. No root.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT" || exit 1
# The build the other tests use (O=build: binaries at the top; O=build-san...: in O), installed
# as built: nothing is rebuilt here (a make of this suite's caller may pass SAN=1 down).
O=${O:-build}
B=.
[ "$O" = build ] || B=$O
for b in tinytap-record tinytap-show; do
	[ -x "$B/$b" ] || { echo "not ok - install: $B/$b is not built"; exit 0; }
done
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make --no-print-directory -s O="$O" SAN= "$@" >"$tmp/make.out" 2>&1; }

D=$tmp/dest
expected="/usr/bin/tinytap-record
/usr/bin/tinytap-show
/usr/lib/systemd/system/tinytap-record.service
/usr/share/bash-completion/completions/tinytap-record
/usr/share/bash-completion/completions/tinytap-show
/usr/share/man/man1/tinytap-show.1
/usr/share/man/man5/tinytap.5
/usr/share/man/man8/tinytap-record.8"
if mk install PREFIX=/usr DESTDIR="$D"; then
	echo "ok - make install PREFIX=/usr DESTDIR=... exits 0"
else
	echo "not ok - make install: $(tail -3 "$tmp/make.out")"
fi
got=$(cd "$D" && find . -type f | sed 's/^\.//' | sort)
[ "$got" = "$expected" ] && echo "ok - installs exactly the 8 files, at their places" ||
	echo "not ok - installed files differ: $(diff <(echo "$expected") <(echo "$got") | tr '\n' ' ')"
cmp -s "$D/usr/bin/tinytap-show" "$B/tinytap-show" && cmp -s "$D/usr/share/man/man8/tinytap-record.8" \
	docs/man/tinytap-record.8 && cmp -s "$D/usr/share/bash-completion/completions/tinytap-show" \
	docs/completion/tinytap && echo "ok - installed files are the built and documented ones" ||
	echo "not ok - an installed file differs from its source"
modes=$(cd "$D" && find . -type f -printf '%m %p\n' | sort -k2 | awk '{print $1}' | tr '\n' ' ')
[ "$modes" = "755 755 644 644 644 644 644 644 " ] && echo "ok - modes 755 binaries, 644 the rest" ||
	echo "not ok - modes: $modes"
exec_line=$(grep '^ExecStart=' "$D/usr/lib/systemd/system/tinytap-record.service")
case $exec_line in
ExecStart=/usr/bin/tinytap-record\ *) echo "ok - the unit runs PREFIX/bin/tinytap-record" ;;
*) echo "not ok - the unit's $exec_line" ;;
esac
echo keep >"$D/usr/share/man/man1/other.1"
if mk uninstall PREFIX=/usr DESTDIR="$D"; then
	left=$(cd "$D" && find . -type f | sed 's/^\.//' | sort | tr '\n' ' ')
	[ "$left" = "/usr/share/man/man1/other.1 " ] &&
		echo "ok - make uninstall removes exactly the installed files" ||
		echo "not ok - after uninstall: $left"
else
	echo "not ok - make uninstall: $(tail -3 "$tmp/make.out")"
fi

# systemd-analyze verify: checks the unit's syntax, its ExecStart binary and Documentation=
if ! command -v systemd-analyze >/dev/null; then
	echo "ok - systemd-analyze verify # SKIP no systemd-analyze (apt: systemd)"
	exit 0
fi
P=$tmp/prefix
mk install PREFIX="$P" || { echo "not ok - make install PREFIX=$P: $(tail -3 "$tmp/make.out")"; exit 0; }
unit=$P/lib/systemd/system/tinytap-record.service
MANPATH=$P/share/man SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$unit" >"$tmp/v.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$tmp/v.out" ]; then
	echo "ok - systemd-analyze verify tinytap-record.service: no complaint"
else
	echo "not ok - systemd-analyze verify (exit $rc): $(head -5 "$tmp/v.out" | tr '\n' ' ')"
fi
# and it notices a broken unit (the check is not vacuous)
sed 's/^ExecStart=/ExecStart=\/nonexistent\/bin\//' "$unit" >"$tmp/tinytap-record.service"
MANPATH=$P/share/man systemd-analyze verify "$tmp/tinytap-record.service" >/dev/null 2>&1 &&
	echo "not ok - systemd-analyze verify accepts a missing ExecStart binary" ||
	echo "ok - systemd-analyze verify rejects the unit with a missing binary"
mk uninstall PREFIX="$P"
