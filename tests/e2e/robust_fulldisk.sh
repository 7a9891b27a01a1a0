#!/usr/bin/env bash
# Robustness: the disk fills up under tinytap-record itself (format_fulldisk.sh covers the writer
# library with synthetic records). Recording real traffic onto a 256 KiB tmpfs, the recorder stops
# by itself with exit status 1 and one clear error naming the file and ENOSPC, and the file reads
# back with ttdump and tinytap-show up to its last complete block: byte-exact requests, no hole.
# Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight
: "${SHOW:=$TT_ROOT/tinytap-show}"
[ -x "$SHOW" ] || skip_all "no tinytap-show at $SHOW"
disk=$WORK/disk
mkdir -p "$disk"
mount -t tmpfs -o size=256k,mode=0700 tinytap-robust-full "$disk" || skip_all "cannot mount a tmpfs"
trap 'umount "$disk" 2>/dev/null; cleanup_all' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PY" "$TT_ROOT/tests/e2e/seqtraffic.py" "$port" 40 1000 &
PIDS+=($!)
f=$disk/full.tinytap
t0=$(date +%s)
"$REC" --duration 30 --port "$port" -o "$f" 2>"$WORK/rec.err" &
R=$!
PIDS+=("$R")
wait "$R"
rrc=$?
el=$(($(date +%s) - t0))
err=$(cat "$WORK/rec.err")
check "recorder stops by itself with exit status 1 when the disk is full (exit $rrc after ${el}s, --duration 30)" \
	test "$rrc" = 1 -a "$el" -lt 25
check "one clear error: $err" grep -qE "^tinytap-record: writing '$f' failed: No space left on device \(the file is readable up to its last complete block\)$" "$WORK/rec.err"
check "nothing else on stderr (no summary claiming success)" test "$(wc -l <"$WORK/rec.err")" = 1
cp "$f" "$WORK/full.tinytap"
umount "$disk"
f=$WORK/full.tinytap

timeout 60 "$TTDUMP" "$f" >"$f.jsonl" 2>"$f.dumperr"
drc=$?
timeout 60 "$SHOW" --json "$f" >"$f.show" 2>"$f.showerr"
src=$?
python3 - "$f" "$drc" "$src" "$TT_ROOT/tests/e2e" <<'PY'
import json, os, sys
f, drc, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from seqtraffic import req
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - " + d + ("" if ok else " # " + why))
lines = [json.loads(l) for l in open(f + ".jsonl")]
derr = open(f + ".dumperr").read().splitlines()
serr = [l for l in open(f + ".showerr").read().splitlines() if "transactions shown" not in l]
summ = lines[-1] if lines and lines[-1]["type"] == "summary" else {}
cut = bool(summ.get("truncated"))
res(summ.get("blocks", 0) > 0 and not summ.get("has_end") and not summ.get("bad_blocks"),
    "the file on the full disk reads back: %d blocks, %d records, %d bytes, no END"
    % (summ.get("blocks", 0), summ.get("records", 0), os.path.getsize(f)), str(summ))
ok = (drc == 1 and len(derr) == 1 and "truncated" in derr[0]) if cut else (drc == 0 and not derr)
res(ok, "ttdump: %s" % ("exit 1, one truncated error: " + derr[0] if cut and derr else "clean end, exit 0"),
    "exit %d, %s" % (drc, derr))
ok = (src == 1 and len(serr) == 1 and "truncated" in serr[0]) if cut else (src == 0 and not serr)
res(ok, "tinytap-show: the same verdict (exit %d)" % src, "stderr %s" % serr)
# The client's requests in the file are exactly the ones sent, one call each, without a hole.
reqs = [r for r in lines if r["type"] == "data" and r["dir"] == 0 and r["call_bytes"] == 4096]
seqs = [int(bytes.fromhex(r["payload_hex"][20:60])[0:10]) for r in reqs]
good = seqs and seqs == list(range(seqs[0], seqs[0] + len(seqs))) and all(
    bytes.fromhex(r["payload_hex"]) == req(s) for r, s in zip(reqs, seqs))
res(good, "%d requests recorded before the disk filled, byte-exact and consecutive" % len(seqs))
txns = [json.loads(l) for l in open(f + ".show")]
res(sum(t["complete"] for t in txns) > 0, "tinytap-show shows them (%d transactions)" % len(txns))
PY
