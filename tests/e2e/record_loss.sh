#!/usr/bin/env bash
# Loss is never silent: with a 1 MiB ring and a loopback blast, the LOSS records, the END record
# and the exit summary all give the same event and byte counts (every loss told once, even when
# the once-a-second count comes while the ring still holds the event that tells of a loss), each
# STATS record's lost counts are the LOSS records before it, and the calls that lost bytes are
# marked DROPPED. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
f=$WORK/loss.tinytap
"$REC" --duration 60 --ring-size 1 --port "$port" -o "$f" 2>"$WORK/loss.err" &
R=$!
PIDS+=("$R")
for _ in $(seq 200); do [ -s "$f" ] && break; sleep 0.05; done
timeout 30 python3 - "$port" <<'PY'
import os, socket, sys, time
port = int(sys.argv[1])
l = socket.socket(); l.bind(("127.0.0.1", port)); l.listen(1)
pid = os.fork()
if pid == 0:
    c, _ = l.accept()
    while c.recv(1 << 20):
        pass
    os._exit(0)
s = socket.create_connection(("127.0.0.1", port))
buf = b"L" * 262144
t0 = time.time()
while time.time() - t0 < 3.5:
    s.sendall(buf)
s.close()
os.waitpid(pid, 0)
PY
sleep 0.3
kill -INT "$R"
wait "$R"
check "recorder exits 0 after losing events" test $? = 0
# (the payloads are not looked at: left out, the check stays small; a second of this blast
# holds gigabytes of them)
"$TTDUMP" --no-payload "$f" >"$f.jsonl" 2>/dev/null
python3 - "$f.jsonl" "$WORK/loss.err" <<'PY'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
err = open(sys.argv[2]).read()
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - " + d + ("" if ok else " # " + why))
end = [r for r in recs if r["type"] == "end"]
loss = [r for r in recs if r["type"] == "loss"]
le, lb = sum(r["events"] for r in loss), sum(r["bytes"] for r in loss)
res(len(end) == 1, "END record present")
if end:
    e = end[0]
    res(e["lost_events"] > 0, "events were lost with a 1 MiB ring (%d)" % e["lost_events"])
    res((le, lb) == (e["lost_events"], e["lost_bytes"]), "LOSS records add up to END",
        "%s vs %s" % ((le, lb), (e["lost_events"], e["lost_bytes"])))
    m = re.search(r"lost (\d+) events \((\d+) bytes\)", err)
    res(m is not None and (int(m.group(1)), int(m.group(2))) == (e["lost_events"], e["lost_bytes"]),
        "exit summary gives the same counts", err.strip())
    dropped = [r for r in recs if r["type"] == "data" and r["flags"] & 8]
    res(len(dropped) > 0, "calls that lost bytes are marked DROPPED (%d)" % len(dropped))
    stats = [r for r in recs if r["type"] == "stats"]
    res(all(a["lost_events"] <= b["lost_events"] for a, b in zip(stats, stats[1:])),
        "STATS lost counts only grow")
    told, bad = [0, 0], []
    for r in recs:
        if r["type"] == "loss":
            told = [told[0] + r["events"], told[1] + r["bytes"]]
        elif r["type"] in ("stats", "end") and [r["lost_events"], r["lost_bytes"]] != told:
            bad.append((r["type"], r["lost_events"], r["lost_bytes"], told))
    res(not bad and len(stats) >= 3, "every STATS/END says what the LOSS records before it told "
        "(%d STATS)" % len(stats), str(bad[:3]))
    marks = [r for r in loss if r["bytes"] == 0 and r["events"] > 0]
    print("# %d LOSS records told whole-call losses at the hole (%d events)"
          % (len(marks), sum(r["events"] for r in marks)))
PY
