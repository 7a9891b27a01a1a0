#!/usr/bin/env bash
# ttdump's output contract (the recorder's end-to-end tests parse it): keys and order per type,
# payload hex, pipe input, exit codes and error lines. Needs no BPF; prints TAP lines.
# Env: O (build dir with tests/helpers/{ttwrite,ttdump}), default build.
set -uo pipefail
cd "$(dirname "$0")/../.."
O=${O:-build}
TTWRITE=$O/tests/helpers/ttwrite
TTDUMP=$O/tests/helpers/ttdump
if [ ! -x "$TTWRITE" ] || [ ! -x "$TTDUMP" ]; then
	echo "not ok - format_ttdump: $TTWRITE or $TTDUMP not built (make O=$O)"
	exit 0
fi
t=$(mktemp -d /tmp/tt-ttdump.XXXXXX)
trap 'rm -rf "$t"' EXIT

"$TTWRITE" -n 25 -s 5 -b 1024 - 2>/dev/null | "$TTDUMP" - >"$t/ok.json" 2>"$t/ok.err"
echo $? >"$t/ok.rc"
"$TTWRITE" -n 25 -s 5 -b 1024 "$t/f.tinytap" >/dev/null 2>&1
size=$(stat -c %s "$t/f.tinytap")
head -c $((size / 2)) "$t/f.tinytap" >"$t/cut.tinytap"
"$TTDUMP" "$t/cut.tinytap" >"$t/cut.json" 2>"$t/cut.err"
echo $? >"$t/cut.rc"
printf 'GET / HTTP/1.1\r\n\r\n' >"$t/junk"
"$TTDUMP" "$t/junk" >"$t/junk.json" 2>"$t/junk.err"
echo $? >"$t/junk.rc"
"$TTDUMP" >/dev/null 2>&1
echo $? >"$t/usage.rc"

python3 - "$t" <<'PY'
import json, sys
t = sys.argv[1]
rd = lambda n: open(f"{t}/{n}").read()
ok = lambda c, m: print(("ok - " if c else "not ok - ") + "format_ttdump: " + m)
lines = [json.loads(l) for l in rd("ok.json").splitlines()]
ok(rd("ok.rc").strip() == "0" and rd("ok.err") == "", "clean file from a pipe: exit 0, no error")
ok(list(lines[0]) == ["type", "version_major", "version_minor", "snaplen", "start_wall_ns",
                      "start_boot_ns", "hostname", "kernel", "recorder", "options"]
   and lines[0]["hostname"] == "testhost", "header line keys")
common = ["type", "block", "offset", "body_len"]
data_keys = common + ["ts_ns", "ts_enter_ns", "sock_id", "pid", "tid", "fd", "dir", "syscall",
                      "syscall_name", "flags", "call_bytes", "seg_off", "cap_len", "msg_idx",
                      "reserved", "layer", "payload_hex"]
conn_keys = common + ["ts_ns", "sock_id", "pid", "tid", "fd", "sock_type", "role", "origin",
                      "protocol", "reserved", "reserved2", "local", "remote", "unix_peer_id",
                      "unix_path", "reserved3"]
end_keys = common + ["ts_ns", "events", "payload_bytes", "call_bytes", "lost_events",
                     "lost_bytes", "truncated_bytes", "records", "blocks", "exit_reason",
                     "reserved"]
recs = lines[1:-1]
ok(len(recs) == 26, "25 records + END (%d)" % len(recs))
ok(all(list(r) == data_keys for r in recs if r["type"] == "data"), "data keys")
ok(all(list(r) == conn_keys for r in recs if r["type"] == "conn"), "conn keys")
ok(list(recs[-1]) == end_keys and recs[-1]["type"] == "end", "end keys")
c = recs[0]
ok(c["local"] == {"family": 2, "port": 40000, "scope_id": 0,
                  "addr_hex": "7f000001" + "00" * 12, "ip": "127.0.0.1"}, "address object")
d = recs[3]
ok(d["ts_ns"] == 1003 and d["payload_hex"] == "0304050607" and d["syscall_name"] == "write",
   "data payload_hex")
s = lines[-1]
ok(s["type"] == "summary" and s["records"] == 26 and s["has_end"] is True
   and s["truncated"] is False and s["errors"] == 0, "summary line")
cut = [json.loads(l) for l in rd("cut.json").splitlines()]
err = rd("cut.err").splitlines()
ok(rd("cut.rc").strip() == "1" and len(err) == 1 and "truncated" in err[0]
   and err[0].startswith("ttdump: "), "truncated file: exit 1, one error line")
ok(cut[0]["type"] == "header" and cut[-1]["type"] == "summary" and cut[-1]["truncated"]
   and 0 < cut[-1]["records"] < 26, "truncated file: records before the cut still printed")
ok(rd("junk.rc").strip() == "1" and rd("junk.json") == ""
   and "not a .tinytap file" in rd("junk.err"), "not a .tinytap file: exit 1, nothing on stdout")
ok(rd("usage.rc").strip() == "2", "usage error: exit 2")
PY
