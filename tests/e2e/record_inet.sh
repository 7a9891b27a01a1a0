#!/usr/bin/env bash
# TCP over IPv6 (::1) is recorded with its addresses; UDP only with --udp. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

cat >"$WORK/v6udp.py" <<'PY'
import json, os, socket
l = socket.socket(socket.AF_INET6); l.bind(("::1", 0)); l.listen(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
c = socket.create_connection(("::1", l.getsockname()[1])); s, _ = l.accept()
c.sendall(b"v6 request"); assert s.recv(100) == b"v6 request"
s.sendall(b"v6 response"); assert c.recv(100) == b"v6 response"
cu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); cu.connect(u.getsockname())
cu.send(b"udp datagram"); assert u.recv(100) == b"udp datagram"
print(json.dumps({"pid": os.getpid(), "port6": l.getsockname()[1], "cport6": c.getsockname()[1],
                  "portu": u.getsockname()[1], "cportu": cu.getsockname()[1]}))
PY

for mode in tcp udp; do
	f=$WORK/$mode.tinytap
	args=()
	[ "$mode" = udp ] && args=(--udp)
	if start_rec "$f" -c python3 "${args[@]}"; then
		timeout 20 python3 "$WORK/v6udp.py" >"$WORK/$mode.json"
		check "$mode: traffic ran" test $? = 0
		stop_rec INT
		dump "$f"
		python3 - "$f.jsonl" "$WORK/$mode.json" "$mode" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
j = json.load(open(sys.argv[2]))
mode = sys.argv[3]
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - %s: %s%s" % (mode, d, "" if ok else " # " + why))
mine = [r for r in recs if r.get("pid") == j["pid"]]
conns = {r["sock_id"]: r for r in mine if r["type"] == "conn"}
data = [r for r in mine if r["type"] == "data"]
v6 = [c for c in conns.values() if c["local"]["family"] == 10]
cli = [c for c in v6 if c["role"] == 1]
srv = [c for c in v6 if c["role"] == 2]
res(len(cli) == 1 and cli[0]["local"]["ip"] == "::1" and cli[0]["remote"]["ip"] == "::1"
    and cli[0]["remote"]["port"] == j["port6"] and cli[0]["local"]["port"] == j["cport6"],
    "IPv6 client CONN ::1 ports", json.dumps(cli))
res(len(srv) == 1 and srv[0]["local"]["port"] == j["port6"] and srv[0]["remote"]["port"] == j["cport6"],
    "IPv6 server CONN", json.dumps(srv))
v6ids = {c["sock_id"] for c in v6}
got = sorted((r["dir"], bytes.fromhex(r["payload_hex"]).decode()) for r in data if r["sock_id"] in v6ids)
res(got == sorted([(0, "v6 request"), (1, "v6 request"), (0, "v6 response"), (1, "v6 response")]),
    "IPv6 payloads exact", str(got))
udp = [r for r in data if conns.get(r["sock_id"], {}).get("protocol") == 17]
if mode == "udp":
    got = sorted((r["dir"], bytes.fromhex(r["payload_hex"]).decode()) for r in udp)
    res(got == [(0, "udp datagram"), (1, "udp datagram")], "--udp: datagram recorded both ways", str(got))
    uc = [c for c in conns.values() if c["protocol"] == 17 and c["local"]["port"] == j["cportu"]]
    res(len(uc) == 1 and uc[0]["remote"]["port"] == j["portu"], "--udp: connected UDP CONN ports", json.dumps(uc))
else:
    res(not udp and not any(c["protocol"] == 17 for c in conns.values()), "no UDP without --udp")
PY
	else
		notok "recorder starts ($mode)"
	fi
done

# splice: byte counts only (NO_PAYLOAD), in both directions; UDP's autobound port is known.
cat >"$WORK/splice.py" <<'PY'
import json, os, socket
a, b = socket.socketpair()
r, w = os.pipe()
os.write(w, b"spliced bytes!")
assert os.splice(r, a.fileno(), 14) == 14  # pipe -> socket: egress
assert b.recv(100) == b"spliced bytes!"
a.sendall(b"0123456789")
assert os.splice(b.fileno(), w, 10) == 10  # socket -> pipe: ingress
assert os.read(r, 100) == b"0123456789"
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
cu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cu.sendto(b"dgram", u.getsockname()); assert u.recv(10) == b"dgram"
print(json.dumps({"pid": os.getpid(), "a": a.fileno(), "b": b.fileno(), "udp_port": cu.getsockname()[1]}))
PY
f=$WORK/splice.tinytap
if start_rec "$f" -c python3 --udp; then
	timeout 20 "$PY" "$WORK/splice.py" >"$WORK/splice.json"
	check "splice: traffic ran" test $? = 0
	stop_rec INT
	dump "$f"
	python3 - "$f.jsonl" "$WORK/splice.json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
j = json.load(open(sys.argv[2]))
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - splice: %s%s" % (d, "" if ok else " # " + why))
sp = [(r["fd"], r["dir"], r["call_bytes"], r["cap_len"], r["flags"] & 2) for r in recs
      if r["type"] == "data" and r["pid"] == j["pid"] and r["syscall_name"] == "splice"]
res(sorted(sp) == sorted([(j["a"], 0, 14, 0, 2), (j["b"], 1, 10, 0, 2)]),
    "NO_PAYLOAD records with exact sizes, both directions", str(sp))
uc = [r for r in recs if r["type"] == "conn" and r["pid"] == j["pid"] and r["protocol"] == 17
      and r["local"]["port"] == j["udp_port"]]
res(len(uc) == 1 and uc[0]["origin"] == 3, "unconnected UDP sender's CONN has its autobound port")
PY
else
	notok "recorder starts (splice)"
fi
