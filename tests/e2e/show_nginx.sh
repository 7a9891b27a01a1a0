#!/usr/bin/env bash
# End-to-end (root): real nginx on 127.0.0.1 with static files, a proxied API to a python3 backend,
# a 404, a 500 (`return 500`), a chunked response, keep-alive and pipelined requests; recorded with
# $REC --port; then checks that
#   1. `$SHOW --json --side server --comm nginx` lists exactly the transactions of nginx's own
#      access log (method, path, status, body bytes; chunked bodies are compared decoded, so
#      nginx's count, which includes the chunk framing, must be larger),
#   2. the client side (`--side client --comm curl`) matches what curl reported (status, bytes),
#   3. the pipelined connection's three transactions come out paired in order.
# Prints TAP lines. Env: REC, SHOW (binaries), TT_ROOT. Every server is stopped by its own pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
T=$(mktemp -d /tmp/tt-show-nginx.XXXXXX)
chmod 755 "$T"
NGINX_PID= BACK_PID= REC_PID=
cleanup() {
	for p in $REC_PID $NGINX_PID $BACK_PID; do kill "$p" 2>/dev/null; done
	for p in $REC_PID $NGINX_PID $BACK_PID; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "show_nginx: needs root"
command -v nginx >/dev/null || fail "show_nginx: nginx is not installed (make deps)"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "show_nginx: build $REC and $SHOW first"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NPORT=$(port)
BPORT=$(port)

# --- backend: JSON with Content-Length, and a body without length (nginx re-chunks it) ---------
cat >"$T/backend.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith("/api/stream"):
            self.protocol_version = "HTTP/1.0"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for i in range(5):
                self.wfile.write(b"line %d of a streamed body\n" % i)
                self.wfile.flush()
            self.close_connection = True
            return
        body = b'{"users":["ada","grace","linus"]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        body = b'{"created":true,"len":%d}' % len(data)
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
python3 "$T/backend.py" "$BPORT" &
BACK_PID=$!

# --- nginx -------------------------------------------------------------------------------
mkdir -p "$T/www" "$T/logs" "$T/tmp"
printf '<!doctype html>\n<p>index served by nginx</p>\n' >"$T/www/index.html"
head -c 20000 /dev/zero | tr '\0' 'a' >"$T/www/big.txt"
chmod -R a+rX "$T/www"
cat >"$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 64; }
http {
	log_format tt '\$request_method \$request_uri \$status \$body_bytes_sent';
	access_log $T/logs/access.log tt;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	sendfile off;
	server_tokens off;
	keepalive_requests 100;
	server {
		listen 127.0.0.1:$NPORT;
		root $T/www;
		location /api/ {
			proxy_pass http://127.0.0.1:$BPORT;
			proxy_http_version 1.1;
			proxy_buffering off;
		}
		location = /error { return 500; }
	}
}
EOF
nginx -c "$T/nginx.conf" -p "$T" &
NGINX_PID=$!
up=0
for _ in $(seq 100); do
	if curl -s -o /dev/null "http://127.0.0.1:$NPORT/" &&
		curl -s -o /dev/null "http://127.0.0.1:$BPORT/api/users"; then
		up=1
		break
	fi
	sleep 0.05
done
[ "$up" = 1 ] || fail "show_nginx: nginx or the backend did not start"
: >"$T/logs/access.log" # forget the readiness probes (nginx appends to the same open file)

# --- record ------------------------------------------------------------------------------
"$REC" -q -o "$T/s.tinytap" --port "$NPORT" &
REC_PID=$!
for _ in $(seq 200); do [ -s "$T/s.tinytap" ] && break; sleep 0.05; done
sleep 0.3
U=http://127.0.0.1:$NPORT
W='%{method} %{url_effective} %{http_code} %{size_download}\n'
{
	curl -s -o /dev/null -w "$W" "$U/index.html"
	curl -s -o /dev/null -w "$W" "$U/nope.html"
	curl -s -o /dev/null -w "$W" "$U/error"
	curl -s -o /dev/null -w "$W" "$U/api/users"
	curl -s -o /dev/null -w "$W" -H 'Content-Type: application/json' -d '{"name":"widget"}' \
		"$U/api/items"
	curl -s -o /dev/null -w "$W" "$U/api/stream"
	# keep-alive: two requests on one connection
	curl -s -w "$W" -o /dev/null "$U/big.txt" -o /dev/null "$U/index.html"
} >"$T/curl.txt"
# pipelining: three requests in one write, responses read back on the same connection
timeout 10 python3 - "$NPORT" >"$T/pipe.txt" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
reqs = b"".join(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p for p in (b"/index.html", b"/nope.html", b"/api/users"))
reqs += b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
s.sendall(reqs)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(data.count(b"HTTP/1.1 "))
EOF
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
[ "$rc" = 0 ] && echo "ok - show_nginx: recorder finished cleanly" ||
	echo "not ok - show_nginx: recorder exited with $rc"
[ "$(cat "$T/pipe.txt")" = 4 ] && echo "ok - show_nginx: pipelined client got 4 responses" ||
	echo "not ok - show_nginx: pipelined client got $(cat "$T/pipe.txt") responses"

timeout 60 "$SHOW" --json --side server --comm nginx "$T/s.tinytap" >"$T/server.jsonl" 2>"$T/show.err"
rc=$?
[ "$rc" = 0 ] && echo "ok - show_nginx: tinytap-show exit 0" ||
	{ echo "not ok - show_nginx: tinytap-show exited with $rc"; sed 's/^/#   /' "$T/show.err"; }
timeout 60 "$SHOW" --json --side client "$T/s.tinytap" >"$T/client.jsonl" 2>/dev/null

python3 - "$T" <<'EOF'
import json, sys, collections
T = sys.argv[1]
def jl(name):
    return [json.loads(l) for l in open(f"{T}/{name}") if l.strip()]
srv = jl("server.jsonl")
cli = jl("client.jsonl")
log = [l.split() for l in open(f"{T}/logs/access.log") if l.strip()]
ok = True
def check(cond, what):
    global ok
    print(("ok - " if cond else "not ok - ") + "show_nginx: " + what)
    ok &= cond
# 1. server side == access log
want = collections.Counter((m, p, int(s)) for m, p, s, _ in log)
got = collections.Counter((t["method"], t["path"], t["status"]) for t in srv)
check(want == got, f"server side lists exactly nginx's {len(log)} logged transactions"
      + ("" if want == got else f" (missing {dict(want - got)}, extra {dict(got - want)})"))
check(all(t["complete"] for t in srv), "every server-side transaction is complete")
bytes_ok = True
logged = collections.defaultdict(list)
for m, p, s, b in log:
    logged[(m, p, int(s))].append(int(b))
for t in srv:
    b = logged.get((t["method"], t["path"], t["status"]))
    if not b:
        continue
    chunked = "chunked" in t["resp_headers"].get("Transfer-Encoding", "").lower()
    n = b.pop(0)
    if (t["resp_body_bytes"] != n) if not chunked else not (0 < t["resp_body_bytes"] < n):
        bytes_ok = False
        print(f"#   {t['method']} {t['path']}: shown {t['resp_body_bytes']} bytes, nginx logged {n}, chunked={chunked}")
check(bytes_ok, "server-side body bytes match nginx's $body_bytes_sent")
check(any("chunked" in t["resp_headers"].get("Transfer-Encoding", "").lower() for t in srv),
      "a chunked response was seen")
# 2. client side (curl) == what curl reported
curl = [l.split() for l in open(f"{T}/curl.txt") if l.strip()]
mine = [(t["method"], t["path"], t["status"], t["resp_body_bytes"]) for t in cli if t["comm"] == "curl"]
theirs = [(m, "/" + u.split("/", 3)[3], int(s), int(n)) for m, u, s, n in curl]
check(sorted(mine) == sorted(theirs), f"client side matches the {len(theirs)} requests curl reported"
      + ("" if sorted(mine) == sorted(theirs) else f" (tinytap {sorted(mine)}, curl {sorted(theirs)})"))
# 3. pipelining: the python3 client's connection, in order
py = [(t["path"], t["status"]) for t in cli if t["comm"].startswith("python")]
check(py == [("/index.html", 200), ("/nope.html", 404), ("/api/users", 200), ("/index.html", 200)],
      f"pipelined requests paired in order ({py})")
keep = collections.Counter(t["local"] for t in cli if t["comm"] == "curl")
check(max(keep.values() or [0]) >= 2, "keep-alive: two curl transactions on one connection")
sys.exit(0 if ok else 1)
EOF
