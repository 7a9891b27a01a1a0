#!/usr/bin/env bash
# End-to-end (root): HTTP/2 against real servers and clients on 127.0.0.1, non-default ports.
#   1. nginx (`listen PORT http2`: h2c prior knowledge; static files, sendfile on, a proxied API
#      on a python3 HTTP/1.1 backend, a 404, a 500) recorded with $REC --port while
#      curl --http2-prior-knowledge, nghttp and `h2load -n 2000 -c 4 -m 16` run. Compared with
#      what the other side recorded itself: nginx's access log (server side: method, path,
#      status, body bytes), curl's -w report, nghttp's per-stream table (stream id, path,
#      status, size), h2load's totals and status classes (client side); both sides agree.
#   2. A recording started while h2load's connections are already open (mid-connection): the
#      HPACK tables are unknown, so some fields are shown as unknown
#      ([headers: hpack state unknown]), and no header shown is wrong (every field is one that
#      h2load / nginx really send, as the fresh recording of 1. has them).
#   3. The h2c upgrade (curl --http2 on http://: Upgrade: h2c, 101) against apache2 with
#      mod_http2 (`Protocols h2c http/1.1`): the 101 exchange (HTTP/1.1) and stream 1's answer
#      (HTTP/2) match apache's access log. Skipped when apache2 is not installed (the generated
#      case tests/proto/http2/h2c-upgrade.t covers the parser).
# Prints TAP lines. Env: REC, SHOW, TT_ROOT. Every process it starts is stopped by its pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
PYD=/usr/bin/python3
T=$(mktemp -d /tmp/tt-proto-h2.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - proto_http2: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] || fail "build $REC and $SHOW first"
for c in nginx curl nghttp h2load; do
	command -v "$c" >/dev/null || { echo "ok - proto_http2 # SKIP $c is not installed (make deps)"; exit 0; }
done

port() { $PYD -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NPORT=$(port)
BPORT=$(port)
APORT=$(port)

# start_rec OUT PORT: the recorder in the background (REC_PID) once it is attached
start_rec() {
	rm -f "$1"
	"$REC" -q --duration 90 -o "$1" --port "$2" 2>"$1.err" &
	REC_PID=$!
	PIDS+=("$REC_PID")
	for _ in $(seq 300); do
		[ -s "$1" ] && { sleep 0.3; return 0; }
		kill -0 "$REC_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# recorder did not start: $(cat "$1.err")"
	return 1
}
stop_rec() { # name
	sleep 0.3
	kill -INT "$REC_PID"
	wait "$REC_PID"
	local rc=$?
	[ "$rc" = 0 ] && echo "ok - proto_http2: $1: recorder finished cleanly" ||
		echo "not ok - proto_http2: $1: recorder exited with $rc"
}

# --- backend and nginx ---------------------------------------------------------------------
cat >"$T/backend.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.reply(200, b'{"users":["ada","grace","linus"]}')
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.reply(201, b'{"created":true,"len":%d}' % len(self.rfile.read(n)))
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
$PYD "$T/backend.py" "$BPORT" &
PIDS+=($!)

mkdir -p "$T/www" "$T/logs" "$T/tmp"
printf '<!doctype html>\n<p>index served by nginx over h2c</p>\n' >"$T/www/index.html"
printf 'p { color: teal }\n' >"$T/www/style.css"
head -c 200000 /dev/zero | tr '\0' 'h' >"$T/www/big.txt"
chmod -R a+rX "$T/www"
cat >"$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 256; }
http {
	log_format tt '\$request_method \$request_uri \$status \$body_bytes_sent \$server_protocol \$http_user_agent';
	access_log $T/logs/access.log tt;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server_tokens off;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$NPORT http2;
		root $T/www;
		location /api/ {
			proxy_pass http://127.0.0.1:$BPORT;
			proxy_http_version 1.1;
		}
		location = /error { return 500; }
	}
}
EOF
nginx -c "$T/nginx.conf" -p "$T" &
PIDS+=($!)
U=http://127.0.0.1:$NPORT
up=0
for _ in $(seq 100); do
	if curl -s -o /dev/null --http2-prior-knowledge "$U/" &&
		curl -s -o /dev/null "http://127.0.0.1:$BPORT/api/users"; then
		up=1
		break
	fi
	sleep 0.05
done
[ "$up" = 1 ] || fail "nginx or the backend did not start"
: >"$T/logs/access.log"

# --- 1. a recording from the connections' start ------------------------------------------------
start_rec "$T/a.tinytap" "$NPORT" || fail "recorder"
W='%{http_code} %{size_download} %{url_effective}\n'
{
	for p in /index.html /nope.html /error /api/users /big.txt; do
		curl -s --http2-prior-knowledge -o /dev/null -w "$W" "$U$p"
	done
	curl -s --http2-prior-knowledge -o /dev/null -w "$W" -H 'Content-Type: application/json' \
		-d '{"name":"widget"}' "$U/api/items"
} >"$T/curl.txt"
timeout 20 nghttp -ns "$U/index.html" "$U/style.css" "$U/nope.html" "$U/big.txt" "$U/api/users" \
	>"$T/nghttp.txt" 2>&1
timeout 60 h2load -n 2000 -c 4 -m 16 "$U/index.html" "$U/style.css" "$U/nope.html" \
	>"$T/h2load.txt" 2>&1
stop_rec "fresh recording"
timeout 60 "$SHOW" --json "$T/a.tinytap" >"$T/a.jsonl" 2>"$T/a.err"
rc=$?
[ "$rc" = 0 ] && echo "ok - proto_http2: tinytap-show exit 0" ||
	{ echo "not ok - proto_http2: tinytap-show exited with $rc"; sed 's/^/#   /' "$T/a.err"; }
sed 's/^/# /' "$T/a.err"

# --- 2. a recording started mid-connection ------------------------------------------------------
cp "$T/logs/access.log" "$T/access-fresh.log"
# long enough for a slow recorder start (BPF load on a busy machine takes seconds); stopped below
h2load -D 60 -c 2 -m 4 --rps 50 -H 'x-tt-check: mid-stream-42' "$U/index.html" "$U/nope.html" \
	>"$T/h2load-mid.txt" 2>&1 &
H2LOAD_PID=$!
PIDS+=("$H2LOAD_PID")
sleep 1.5
start_rec "$T/m.tinytap" "$NPORT" || fail "recorder"
sleep 1.5
stop_rec "mid-connection recording"
kill "$H2LOAD_PID" 2>/dev/null
wait "$H2LOAD_PID" 2>/dev/null
timeout 60 "$SHOW" --json "$T/m.tinytap" >"$T/m.jsonl" 2>/dev/null
timeout 60 "$SHOW" "$T/m.tinytap" >"$T/m.out" 2>/dev/null

# --- checks of 1 and 2 ------------------------------------------------------------------------
$PYD - "$T" "$NPORT" <<'EOF'
import collections, json, re, sys
T, NPORT = sys.argv[1], sys.argv[2]
ok = True
def check(cond, what, why=""):
    global ok
    print(("ok - " if cond else "not ok - ") + "proto_http2: " + what + ("" if cond or not why else " # " + why))
    ok &= bool(cond)
def jl(p):
    return [json.loads(l) for l in open(p) if l.strip()]
a = [t for t in jl(f"{T}/a.jsonl") if t["proto"] == "http/2"]
srv = [t for t in a if t["side"] == "server" and t["comm"] == "nginx"]
cli = [t for t in a if t["side"] == "client"]
log = [l.split(" ", 5) for l in open(f"{T}/access-fresh.log") if l.strip()]
# nginx's own log: every HTTP/2 request, with status and body bytes
want = collections.Counter((m, p, int(s), int(b)) for m, p, s, b, proto, ua in log if proto == "HTTP/2.0")
got = collections.Counter((t["method"], t["path"], t["status"], t["resp_body_bytes"]) for t in srv)
check(want == got and len(srv) > 2000, f"server side: {len(srv)} transactions, exactly nginx's logged ones (method path status body bytes)",
      f"missing {list((want - got).items())[:5]}, extra {list((got - want).items())[:5]}")
check(all(t["complete"] for t in a), "every HTTP/2 transaction of both sides is complete",
      str([(t["side"], t["path"], t["incomplete"]) for t in a if not t["complete"]][:5]))
check(collections.Counter((t["path"], t["status"], t["resp_body_bytes"]) for t in cli) ==
      collections.Counter((t["path"], t["status"], t["resp_body_bytes"]) for t in srv),
      f"client side ({len(cli)}) and server side ({len(srv)}) show the same exchanges")
nsf = sum(1 for t in srv if t.get("resp_body_captured") is False)
print(f"# {nsf} server-side responses had DATA payloads sent with sendfile (sizes exact, bytes not captured)")
# curl
mine = sorted((t["path"], t["status"], t["resp_body_bytes"]) for t in cli if t["comm"] == "curl")
curl = sorted(("/" + u.split("/", 3)[3], int(s), int(n)) for s, n, u in (l.split() for l in open(f"{T}/curl.txt")))
check(mine == curl, f"curl: the {len(curl)} requests curl reported (path status size)", f"tinytap {mine} curl {curl}")
check([t["method"] for t in cli if t["comm"] == "curl" and t["path"] == "/api/items"] == ["POST"] and
      [t["req_body_bytes"] for t in cli if t["comm"] == "curl" and t["path"] == "/api/items"] == [17],
      "curl: the POST and its 17-byte body")
# nghttp's per-stream table: id responseEnd requestStart process code size path
rows = [l.split() for l in open(f"{T}/nghttp.txt") if re.match(r"^\s*\d+\s+\+", l)]
def size(s, n):  # nghttp prints 195K for 200000
    return str(n) if s.isdigit() else s if not s.endswith("K") else "%dK" % round(n / 1024)
theirs = sorted((int(r[0]), r[6], int(r[4]), r[5]) for r in rows)
mine = sorted((t["stream_id"], t["path"], t["status"], size(r[5], t["resp_body_bytes"]))
              for t in cli if t["comm"] == "nghttp" for r in rows if int(r[0]) == t["stream_id"])
check(mine == theirs and theirs, f"nghttp: its {len(theirs)} streams (stream id, path, status, size)", f"tinytap {mine} nghttp {theirs}")
# h2load: totals and status classes; paths as nginx logged them for h2load's user agent
h2 = open(f"{T}/h2load.txt").read()
done = int(re.search(r"requests: \d+ total, \d+ started, (\d+) done", h2).group(1))
classes = [int(x) for x in re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", h2).groups()]
hl = [t for t in cli if t["comm"] == "h2load"]
mine_classes = [sum(1 for t in hl if t["status"] // 100 == k) for k in (2, 3, 4, 5)]
check(len(hl) == done == 2000, f"h2load: {len(hl)} transactions, h2load did {done}")
check(mine_classes == classes, f"h2load: status classes {mine_classes} = h2load's {classes}")
ua = collections.Counter((p, int(s)) for m, p, s, b, proto, u in log if u.startswith("h2load"))
check(collections.Counter((t["path"], t["status"]) for t in hl) == ua, "h2load: paths and statuses = nginx's log of h2load's requests")
conns = collections.defaultdict(list)
for t in hl:
    conns[t["local"]].append(t["stream_id"])
check(len(conns) == 4 and all(len(v) == len(set(v)) == 500 for v in conns.values()),
      f"h2load: 4 connections of 500 streams each, every stream id once ({[len(v) for v in conns.values()]})")
# reference: what h2load and nginx send, from the fresh recording
ref_req = {(k, v) for t in hl for k, v in t["req_headers"].items()}
ref_resp = collections.defaultdict(set)
for t in a:
    if t["side"] == "server":
        for k, v in t["resp_headers"].items():
            if k != "date":
                ref_resp[t["path"]].add((k, v))
# 2. mid-connection
m = [t for t in jl(f"{T}/m.jsonl") if t["proto"] == "http/2"]
check(len(m) > 20, f"mid-connection: {len(m)} HTTP/2 transactions")
unk = [t for t in m if t.get("hpack_unknown")]
check(unk and "[headers: hpack state unknown]" in open(f"{T}/m.out").read(),
      f"mid-connection: {len(unk)} show fields as unknown ([headers: hpack state unknown])")
allowed_req = {(k, v) for k, v in ref_req if k != ":path"} | {("x-tt-check", "mid-stream-42")} | \
              {(":path", "/index.html"), (":path", "/nope.html")}
bad = []
for t in m:
    if t["path"] not in (None, "/index.html", "/nope.html"):
        bad.append(("path", t["path"]))
    if t["status"] is not None and t["path"] and t["status"] != {"/index.html": 200, "/nope.html": 404}[t["path"]]:
        bad.append(("status", t["path"], t["status"]))
    for k, v in t["req_headers"].items():
        if (k, v) not in allowed_req:
            bad.append(("req", k, v))
    for k, v in t["resp_headers"].items():
        if k != "date" and t["path"] and (k, v) not in ref_resp[t["path"]]:
            bad.append(("resp", t["path"], k, v))
check(not bad, "mid-connection: no wrong field (every one shown is one h2load / nginx really send)", str(bad[:5]))
check(all(t["path"] for t in m if t["req_headers"]) and
      sum(1 for t in m if t["side"] == "client") and sum(1 for t in m if t["side"] == "server"),
      "mid-connection: both sides shown, every request's path decoded (a literal)")
sys.exit(0 if ok else 1)
EOF

# --- 3. the h2c upgrade (apache2 + mod_http2) -------------------------------------------------
APACHE=$(command -v apache2 || true)
MODS=/usr/lib/apache2/modules
if [ -z "$APACHE" ] || [ ! -f "$MODS/mod_http2.so" ]; then
	echo "ok - proto_http2: h2c upgrade # SKIP apache2 with mod_http2 is not installed (tests/proto/http2/h2c-upgrade.t covers the parser)"
	exit 0
fi
mkdir -p "$T/ap/logs"
cat >"$T/ap/httpd.conf" <<EOF
ServerRoot $T/ap
ServerName localhost
PidFile $T/ap/httpd.pid
Listen 127.0.0.1:$APORT
User nobody
Group nogroup
LoadModule mpm_event_module $MODS/mod_mpm_event.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule http2_module $MODS/mod_http2.so
TypesConfig /etc/mime.types
ErrorLog $T/ap/logs/error.log
LogFormat "%m %U %>s %H %B" tt
CustomLog $T/ap/logs/access.log tt
Protocols h2c http/1.1
DocumentRoot $T/www
<Directory $T/www>
	Require all granted
</Directory>
EOF
"$APACHE" -f "$T/ap/httpd.conf" -X >"$T/ap/out.log" 2>&1 &
PIDS+=($!)
up=0
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$APORT/" && { up=1; break; }
	sleep 0.05
done
[ "$up" = 1 ] || fail "apache2 did not start: $(cat "$T/ap/out.log" "$T/ap/logs/error.log")"
sleep 0.3
: >"$T/ap/logs/access.log"
start_rec "$T/u.tinytap" "$APORT" || fail "recorder"
AU=http://127.0.0.1:$APORT
CW='%{http_code} %{http_version} %{url_effective}\n'
{
	curl -s --http2 -o /dev/null -w "$CW" "$AU/index.html"
	curl -s --http2 -o /dev/null -w "$CW" "$AU/nope.html"
	# the second request as an HTTP/2 stream on the upgraded connection (apache may refuse it
	# with GOAWAY: curl then says 000, and tinytap must show it unanswered)
	curl -s --http2 -o /dev/null -o /dev/null -w "$CW" "$AU/style.css" "$AU/index.html"
} >"$T/curl-up.txt"
stop_rec "h2c upgrade recording"
sleep 0.3
timeout 60 "$SHOW" --json "$T/u.tinytap" >"$T/u.jsonl" 2>/dev/null
$PYD - "$T" <<'EOF'
import collections, json, sys
T = sys.argv[1]
ok = True
def check(cond, what, why=""):
    global ok
    print(("ok - " if cond else "not ok - ") + "proto_http2: " + what + ("" if cond or not why else " # " + why))
    ok &= bool(cond)
u = [json.loads(l) for l in open(f"{T}/u.jsonl") if l.strip()]
log = [l.split() for l in open(f"{T}/ap/logs/access.log") if l.strip()]
curl = [l.split() for l in open(f"{T}/curl-up.txt")]
proto = {"HTTP/1.1": "http/1.1", "HTTP/2.0": "http/2"}
want = collections.Counter((proto[h], m, p, int(s)) for m, p, s, h, b in log)
unanswered = sorted("/" + c[2].split("/", 3)[3] for c in curl if c[0] == "000")
for side in ("server", "client"):
    got = collections.Counter((t["proto"], t["method"], t["path"], t["status"]) for t in u
                              if t["side"] == side and t["status"])
    check(got == want and want, f"h2c upgrade, {side} side: the 101s (HTTP/1.1) and the HTTP/2 answers = apache's log ({sorted(want)})",
          f"tinytap {sorted(got)}")
    none = sorted(t["path"] for t in u if t["side"] == side and not t["status"])
    if side == "client":
        check(none == unanswered, f"h2c upgrade, client side: unanswered requests = curl's failures ({unanswered})", f"tinytap {none}")
    else:
        # apache may send GOAWAY and close before it reads the refused stream's HEADERS: then the
        # server never read that request and its side has nothing to show
        check(set(none) <= set(unanswered), f"h2c upgrade, server side: every unanswered request is one of curl's failures ({none} of {unanswered})", f"tinytap {none}")
s1 = [t for t in u if t["proto"] == "http/2" and t["stream_id"] == 1]
check(len(s1) == 6 and all(t["complete"] and t["version"] == "HTTP/1.1" and t["status"] in (200, 404) for t in s1),
      "h2c upgrade: each stream 1 is its upgrade request (HTTP/1.1) answered over HTTP/2, both sides")
ok_curl = [c for c in curl if c[0] != "000"]
check(len(ok_curl) >= 3 and all(c[1] == "2" for c in ok_curl), f"curl says the answers came over HTTP/2 ({[c[:2] for c in curl]})")
sys.exit(0 if ok else 1)
EOF
