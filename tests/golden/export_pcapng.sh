#!/usr/bin/env bash
# --format pcapng without root, checked with Wireshark's own reader (tshark; TAP SKIP without it):
#   - on real recordings: tshark's HTTP requests (method, URI) are exactly tinytap's (one per
#     exchange), and for every TCP stream `tshark -z follow,tcp,raw` gives back, byte for byte,
#     what the two sockets sent (the payloads of the recording's egress records);
#   - on the synthetic recording with lost and uncaptured bytes: Wireshark says "previous segment
#     not captured" and decodes no byte of those holes as data;
#   - with a filter, only the matching connections are written; binary to a terminal is refused.
# Env: SHOW, TT_ROOT. TAP lines.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
O=${O:-build}
TTDUMP=$ROOT/$O/tests/helpers/ttdump
export TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d /tmp/tt-pcapng.XXXXXX)
trap 'rm -rf "$T"' EXIT
PY=$(python3 -c 'import sys; print(sys.executable)')
ok() { echo "ok - pcapng: $*"; }
notok() { echo "not ok - pcapng: $*"; }
cd "$ROOT/testdata" || exit 1
if ! command -v tshark >/dev/null; then
	echo "ok - pcapng: checks with tshark # SKIP tshark is not installed (apt install tshark)"
	exit 0
fi
[ -x "$TTDUMP" ] || { notok "no $TTDUMP (make)"; exit 0; }
ts() { tshark -n -r "$@" 2>/dev/null; }

for r in http-nginx http-python demo-workload http-secrets; do
	"$SHOW" "$r.tinytap" --format pcapng >"$T/$r.pcapng" 2>"$T/$r.err" || { notok "$r: exit $?: $(cat "$T/$r.err")"; continue; }
	"$SHOW" "$r.tinytap" --json -q >"$T/$r.jsonl"
	ts "$T/$r.pcapng" -Y http.request -T fields -e http.request.method -e http.request.uri >"$T/$r.req"
	"$PY" - "$T/$r.jsonl" >"$T/$r.want" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    if t["method"] and not (t["side"] == "server" and t["peer_sock_id"]):
        print(f'{t["method"]}\t{t["path"]}')
PY
	if diff "$T/$r.want" "$T/$r.req" >"$T/d"; then
		ok "$r: tshark sees tinytap's $(wc -l <"$T/$r.req") requests, in order"
	else
		notok "$r: requests differ: $(head -6 "$T/d" | tr '\n' ' ')"
	fi
	# every stream's bytes, both directions
	n=$(ts "$T/$r.pcapng" -T fields -e tcp.stream | sort -un | wc -l)
	: >"$T/$r.follow"
	for i in $(seq 0 $((n - 1))); do
		ts "$T/$r.pcapng" -q -z "follow,tcp,raw,$i" >>"$T/$r.follow"
	done
	"$TTDUMP" "$r.tinytap" >"$T/$r.dump" 2>/dev/null
	if "$PY" - "$T/$r.follow" "$T/$r.dump" >"$T/check" 2>&1 <<'PY'; then ok "$r: $(cat "$T/check")"; else notok "$r: $(head -4 "$T/check")"; fi
import json, sys, re
# tshark's follow: per stream "Node 0: ip:port" / "Node 1: ip:port", then hex lines, a tab
# before the ones node 1 sent
streams, cur = [], None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.match(r"Node ([01]): .*:(\d+)$", line)
    if m:
        if m.group(1) == "0":
            cur = {"ports": [int(m.group(2))], "data": [b"", b""]}
            streams.append(cur)
        else:
            cur["ports"].append(int(m.group(2)))
        continue
    if cur is None or not line or line.startswith("=") or line.startswith("Follow") or line.startswith("Filter"):
        continue
    node = 1 if line.startswith("\t") else 0
    cur["data"][node] += bytes.fromhex(line.strip())
# the recording: what each socket sent, by its (local port, remote port)
sent, conn = {}, {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["type"] == "conn" and r["local"]["family"] in (2, 10):
        conn[r["sock_id"]] = (r["local"]["port"], r["remote"]["port"])
    elif r["type"] == "data" and r["dir"] == 0 and not r["flags"] & 16:
        sent.setdefault(r["sock_id"], []).append((r["ts_ns"], bytes.fromhex(r["payload_hex"])))
by_ports = {}
for s, ports in conn.items():
    by_ports[ports] = b"".join(p for _, p in sorted(sent.get(s, [])))
assert streams, "no TCP stream"
total = 0
for st in streams:
    a, b = st["ports"]
    for node, key in ((0, (a, b)), (1, (b, a))):
        want = by_ports.get(key)
        assert want is not None, f"no socket for ports {key}"
        assert st["data"][node] == want, f"stream {a}<->{b} node {node}: {len(st['data'][node])} bytes, the recording has {len(want)}"
        total += len(want)
print(f"{len(streams)} TCP streams: tshark's follow gives back the {total} bytes the sockets sent")
PY
done

# holes: lost and uncaptured bytes are sequence gaps, never data
"$SHOW" synthetic-http.tinytap --format pcapng >"$T/s.pcapng" 2>"$T/s.err"
lost=$(ts "$T/s.pcapng" -Y tcp.analysis.lost_segment | wc -l)
[ "$lost" -gt 0 ] && ok "synthetic: holes show as 'previous segment not captured' ($lost packets)" ||
	notok "synthetic: no lost-segment mark"
grep -q "unix sockets left out" "$T/s.err" && ok "synthetic: unix sockets counted as left out" ||
	notok "synthetic: $(cat "$T/s.err")"
# (the recording's fake PNG body does not decode as a PNG: Wireshark's note about that is the
# body's, not the packet's)
malformed=$(ts "$T/s.pcapng" -Y '_ws.malformed and not _ws.expert.message contains "body subdissector"' | wc -l)
[ "$malformed" = 0 ] && ok "synthetic: no malformed packet" || notok "synthetic: $malformed malformed packets"
bad=$(ts "$T/s.pcapng" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-Y 'ip.checksum.status == 0 or tcp.checksum.status == 0' | wc -l)
good=$(ts "$T/s.pcapng" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-Y 'tcp.checksum.status == 1' | wc -l)
[ "$bad" = 0 ] && [ "$good" -gt 0 ] && ok "synthetic: IP and TCP checksums right ($good packets checked)" ||
	notok "synthetic: $bad bad checksums, $good good"

# a filter keeps only the matching connections
"$SHOW" http-nginx.tinytap --status 404 --format pcapng >"$T/f.pcapng" 2>/dev/null
streams=$(ts "$T/f.pcapng" -T fields -e tcp.stream | sort -u | wc -l)
reqs=$(ts "$T/f.pcapng" -Y http.request -T fields -e http.request.uri | tr '\n' ' ')
[ "$streams" = 1 ] && [ "$reqs" = "/missing.html " ] && ok "--status 404: only the 404's connection" ||
	notok "--status 404: $streams streams, requests: $reqs"
if command -v script >/dev/null; then
	script -qec "$SHOW http-nginx.tinytap --format pcapng" /dev/null >"$T/tty" 2>&1
	grep -q "refusing to write a binary capture to a terminal" "$T/tty" && ok "refuses a terminal" ||
		notok "terminal: $(head -c 200 "$T/tty")"
fi
