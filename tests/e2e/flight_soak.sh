#!/usr/bin/env bash
# End-to-end (root): the flight recorder's memory and fds stay flat under thousands of
# short-lived connections and processes. A rotated recording (-G 2 -W 4 --redact) runs while a
# client opens connections to a local HTTP server, one request each, and closes them, and every
# 20 connections forks a process that opens 5 more and exits without close() (the kernel closes
# them: no CLOSE record), for SOAK_SECS (default 30). The recorder's RssAnon (heap and anonymous
# maps) and open fds are sampled every second: after the first third (warm-up: libbpf, zstd,
# tables allocated) RssAnon grows by at most 4 MiB and the fd count not at all; its state table (what each file's snapshot repeats) holds only what is open.
# Prints TAP lines and the samples. Env: REC, SHOW, TT_ROOT, SOAK_SECS. Loopback only.
. "$(dirname "$0")/record_lib.sh"
preflight
SHOW=${SHOW:-$TT_ROOT/tinytap-show}
SECS=${SOAK_SECS:-30}
port=$((20000 + RANDOM % 20000))

"$PY" -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"ok")
        with open(sys.argv[2], "a") as f: f.write("x\n")
    def log_message(self, *a): pass
class S(http.server.ThreadingHTTPServer):
    def handle_error(self, *a): pass  # a client that read one byte and went: not news
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$port" "$WORK/served" 2>"$WORK/server.err" &
PIDS+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

mkdir -p "$WORK/set"
"$REC" -v --duration $((SECS + 60)) -G 2 -W 4 --redact --port "$port" -o "$WORK/set/soak.tinytap" \
	2>"$WORK/rec.err" &
REC_PID=$!
PIDS+=("$REC_PID")
for _ in $(seq 300); do ls "$WORK"/set/soak-*.tinytap >/dev/null 2>&1 && break; sleep 0.05; done
ls "$WORK"/set/soak-*.tinytap >/dev/null 2>&1 || skip_all "recorder did not start: $(cat "$WORK/rec.err")"

# the workload: connections opened and closed by one process, and short processes (forked) that
# open a few each and exit without closing them (the kernel closes them: no CLOSE record)
"$PY" - "$port" "$SECS" "$WORK/started" <<'PYW' &
import os, socket, sys, time
port, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
end = time.monotonic() + secs
conns = procs = 0
def one(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /s/%d HTTP/1.0\r\n\r\n" % n)
    s.recv(1)
    return s
while time.monotonic() < end and conns < 200000:
    for _ in range(20):
        one(conns).close()
        conns += 1
    pid = os.fork()
    if pid == 0:
        keep = [one(conns + k) for k in range(5)]
        os._exit(0)
    os.waitpid(pid, 0)
    conns += 5
    procs += 1
open(out, "w").write("%d %d\n" % (conns, procs))
PYW
LOOP=$!
PIDS+=("$LOOP")
: >"$WORK/samples"
while kill -0 "$LOOP" 2>/dev/null; do
	# RssAnon: the heap and anonymous maps (VmRSS also counts the ring buffer's shared pages,
	# touched one after the other until the ring has wrapped once)
	rss=$(awk '/^RssAnon/ {print $2}' /proc/$REC_PID/status)
	fds=$(ls /proc/$REC_PID/fd | wc -l)
	files=("$WORK"/set/soak-*.tinytap)
	echo "$SECONDS $rss $fds ${#files[@]}" >>"$WORK/samples"
	sleep 1
done
wait "$LOOP"
sleep 0.5
stop_rec
read -r started procs <"$WORK/started"
served=$(wc -l <"$WORK/served")
echo "# $started connections ($procs short processes) started, $served requests served in ${SECS}s"
echo "# samples (s, RssAnon KiB, fds, files): $(awk '{printf "%s/%s/%s/%s ", $1, $2, $3, $4}' "$WORK/samples")"
grep -E "rotation:|events," "$WORK/rec.err" | sed 's/^/# /'
check "recorder exits 0" test "$REC_RC" = 0
check "thousands of short connections, hundreds of short processes ($started connections, $procs processes, $served served)" \
	test "$served" -ge 1000 -a "$procs" -ge 100
python3 - "$WORK/samples" <<'PY'
import sys
s = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
n = len(s)
warm = s[n // 3:]
rss0, rss1 = warm[0][1], max(x[1] for x in warm)
fds = {x[2] for x in warm}
files = max(x[3] for x in s)
def ok(c, d):
    print(("ok - " if c else "not ok - ") + d)
ok(n >= 10 and rss1 - rss0 <= 4096,
   "RSS flat after warm-up: %d KiB then at most %d KiB (+%d KiB, bound 4096)" % (rss0, rss1, rss1 - rss0))
ok(len(fds) == 1, "open fds constant after warm-up: %s" % sorted(fds))
ok(files <= 4, "-W 4: at most 4 files at any sample (%d)" % files)
PY
# the state table: every short socket went (pruned: its process is gone), so the snapshot stays small
sk=$(grep -o 'open now: [0-9]* sockets' "$WORK/rec.err" | grep -o '[0-9]*')
check "the snapshot table holds only what is open at the end (${sk:-?} sockets of $started)" \
	test -n "$sk" -a "${sk:-99999}" -le 50
last=$(ls "$WORK"/set/soak-*.tinytap | tail -1)
"$TTDUMP" "$last" >"$WORK/last.jsonl" 2>/dev/null
snap=$(grep -c '"type":"conn".*"origin":4' "$WORK/last.jsonl")
check "the last file's snapshot repeats $snap sockets (bounded, not every socket ever seen)" \
	test "$snap" -le 50
