#!/usr/bin/env bash
# Full disk: the writer reports ENOSPC, and every block written before it reads back.
# Mounts a 1 MiB tmpfs in a temp dir (root needed), writes synthetic records with ttwrite until the
# write fails, then checks the error and reads the file with ttdump. Prints TAP lines.
# Env: O (build dir with tests/helpers/{ttwrite,ttdump}), default build.
set -uo pipefail
cd "$(dirname "$0")/../.."
O=${O:-build}
TTWRITE=$O/tests/helpers/ttwrite
TTDUMP=$O/tests/helpers/ttdump
if [ ! -x "$TTWRITE" ] || [ ! -x "$TTDUMP" ]; then
	echo "not ok - format_fulldisk: $TTWRITE or $TTDUMP not built (make O=$O)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "not ok - format_fulldisk: needs root to mount a tmpfs"
	exit 0
fi
dir=$(mktemp -d /tmp/tt-fulldisk.XXXXXX)
cleanup() { umount "$dir" 2>/dev/null; rmdir "$dir" 2>/dev/null; rm -f "$dir.out" "$dir.err" "$dir.json"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=1m,mode=0700 tinytap-fulldisk "$dir"; then
	echo "not ok - format_fulldisk: cannot mount tmpfs on $dir"
	exit 0
fi
f=$dir/full.tinytap

# -n 0: until a write fails; 1000-byte payloads; 64 KiB blocks (about 15 fit)
"$TTWRITE" -n 0 -s 1000 -b 65536 "$f" >"$dir.out" 2>&1
rc=$?
line=$(cat "$dir.out")
if [ "$rc" = 1 ] && grep -q 'err=No space left on device' <<<"$line"; then
	echo "ok - format_fulldisk: writer reports ENOSPC ($line)"
else
	echo "not ok - format_fulldisk: writer exit $rc, output: $line"
fi
blocks=$(sed -n 's/.*blocks=\([0-9]*\).*/\1/p' <<<"$line")

"$TTDUMP" "$f" >"$dir.json" 2>"$dir.err"
drc=$?
python3 - "$dir.json" "$dir.err" "$drc" "${blocks:-0}" <<'PY'
import json, sys
path, errpath, rc, blocks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lines = [json.loads(l) for l in open(path)]
errs = open(errpath).read().splitlines()
ok = lambda c, m: print(("ok - " if c else "not ok - ") + "format_fulldisk: " + m)
ok(lines and lines[0]["type"] == "header", "ttdump prints the header first")
summ = lines[-1]
ok(summ["type"] == "summary", "ttdump ends with a summary")
ok(blocks > 0 and summ["blocks"] == blocks,
   "every block written before ENOSPC reads back (%d of %d)" % (summ["blocks"], blocks))
recs = lines[1:-1]
# ttwrite record i has ts_ns = 1000 + i: the records read must be exactly 0..n-1
ok(len(recs) > 0 and [r["ts_ns"] for r in recs] == list(range(1000, 1000 + len(recs))),
   "%d records, in order, none missing or wrong" % len(recs))
d = [r for r in recs if r["type"] == "data"]
i = d[-1]["ts_ns"] - 1000 if d else 0
want = "".join("%02x" % ((i + k) & 0xff) for k in range(1000))
ok(d and d[-1]["payload_hex"] == want, "last payload is byte-exact")
if summ["truncated"]:
    ok(rc == 1 and len(errs) == 1 and "truncated" in errs[0],
       "the cut block is reported once as truncated: %s" % (errs[0] if errs else "(none)"))
else:
    ok(rc == 0 and not errs, "file ends on a block boundary, no error")
ok(not summ["has_end"], "no END record (the writer failed before it)")
PY
