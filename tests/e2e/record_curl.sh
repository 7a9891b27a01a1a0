#!/usr/bin/env bash
# The "done" check: `tinytap-record -o s.tinytap -- curl -s http://127.0.0.1:PORT/` holds exactly
# curl's request and response bytes; recorded system-wide (--port), the server's side holds the
# same bytes the other way round. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight
command -v curl >/dev/null || skip_all "no curl"

mkdir -p "$WORK/www"
printf '<html><body>tinytap done check</body></html>\n' >"$WORK/www/index.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$WORK/www" && exec timeout 60 "$PY" -m http.server --bind 127.0.0.1 "$port") >/dev/null 2>&1 &
SRV=$!
PIDS+=("$SRV")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
CURLV=$(curl --version | awk 'NR==1{print $2}')

verify() { # dump tag mode(cmd|all)
	python3 - "$@" "$WORK/www/index.html" "$port" "$CURLV" <<'PY'
import json, sys
dump, tag, mode, body_path, port, curlv = sys.argv[1:7]
recs = [json.loads(l) for l in open(dump)]
body = open(body_path, "rb").read()
req = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: curl/%s\r\nAccept: */*\r\n\r\n" % (port, curlv)).encode()
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - %s: %s%s" % (tag, d, "" if ok else " # " + why))
procs = {r["pid"]: r for r in recs if r["type"] == "process"}
data = [r for r in recs if r["type"] == "data"]
curl_pids = {p for p, r in procs.items() if r["comm"] == "curl"}
cd = [r for r in data if r["pid"] in curl_pids]
out = b"".join(bytes.fromhex(r["payload_hex"]) for r in cd if r["dir"] == 0)
inn = b"".join(bytes.fromhex(r["payload_hex"]) for r in cd if r["dir"] == 1)
res(out == req, "curl sent exactly its request", repr(out))
res(inn.startswith(b"HTTP/1.0 200 OK\r\n") and inn.endswith(b"\r\n\r\n" + body),
    "curl received exactly the response (status line .. body)", repr(inn[:80]))
res(all(r["cap_len"] == r["call_bytes"] and r["flags"] == 0 for r in cd), "no call cut or flagged")
socks = {r["sock_id"] for r in cd}
res(len(socks) == 1, "one socket", str(socks))
other = [r for r in data if r["pid"] not in curl_pids]
if mode == "cmd":
    res(not other, "nothing but curl recorded", "%d other records" % len(other))
else:
    sin = b"".join(bytes.fromhex(r["payload_hex"]) for r in other if r["dir"] == 1)
    sout = b"".join(bytes.fromhex(r["payload_hex"]) for r in other if r["dir"] == 0)
    res(sin == out, "the server received exactly what curl sent", repr(sin[:80]))
    res(sout == inn, "the server sent exactly what curl received", repr(sout[:80]))
PY
}

f=$WORK/cmd.tinytap
timeout 60 "$REC" -q -o "$f" -- curl -s -o "$WORK/body1" "http://127.0.0.1:$port/"
check "-- curl: exits 0" test $? = 0
check "-- curl: curl got the page" cmp -s "$WORK/body1" "$WORK/www/index.html"
dump "$f"
verify "$f.jsonl" "-- curl" cmd

f=$WORK/all.tinytap
if start_rec "$f" --port "$port"; then
	curl -s -o "$WORK/body2" "http://127.0.0.1:$port/"
	stop_rec INT
	dump "$f"
	verify "$f.jsonl" "--port, both sides" all
else
	notok "recorder starts (--port)"
fi
