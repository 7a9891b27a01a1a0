#!/usr/bin/env bash
# End-to-end (root): TLS plaintext through the OpenSSL uprobes, real TLS on 127.0.0.1 with a
# self-signed certificate made here (openssl req).
#   1. nginx `listen PORT ssl http2` (static files, a POST, a 404, keep-alive), recorded while
#      curl (libssl.so.3: SSL_read/SSL_write) runs over HTTP/1.1 and --http2, and a python3 ssl
#      client (SSL_read_ex/SSL_write_ex) sends two requests on one connection and reads the
#      answers 7 bytes at a time (most of its SSL_read_ex calls return plaintext OpenSSL
#      already holds: no syscall inside them, the socket comes from the SSL* -> socket map).
#      Checked against what the other side recorded itself: nginx's access log (server side:
#      method, path, status, body bytes, all [tls]), curl's -w report and python's own counts
#      (client side), bodies byte-exact (-vv JSON), h2 streams from the h2 parser, the python
#      client's plaintext records outnumbering its socket reads.
#   2. -- CMD: a curl started by the recorder (uprobes attached before its first handshake).
#   3. 100 short-lived curl processes over https: 100 client transactions, nothing lost.
#   4. --no-tls: only ciphertext (no TLS_DATA record, no HTTP transaction on the TLS port).
#   5. A statically linked OpenSSL client (built here against libssl.a when it exists) is named
#      "TLS library not hooked" by -v and in the file (a TLS_UNHOOKED record, which tinytap-show's
#      summary names), not silently absent.
#   6. PostgreSQL (tests/e2e/pg_lib.sh) switched to ssl=on, psql sslmode=require: the SSLRequest
#      on the wire, then the statements the server logged, from the plaintext, on both sides.
# Prints TAP lines. Env: REC, SHOW, O, TT_ROOT. Every process it starts is stopped by its pid.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
REC=${REC:-$ROOT/tinytap-record}
SHOW=${SHOW:-$ROOT/tinytap-show}
TTDUMP=$ROOT/${O:-build}/tests/helpers/ttdump
PYD=/usr/bin/python3
T=$(mktemp -d /tmp/tt-tls.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	if declare -F pg_stop >/dev/null; then pg_stop; fi
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "not ok - record_tls: $*"; exit 1; }
ok() { echo "ok - record_tls: $*"; }
notok() { echo "not ok - record_tls: $*"; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$REC" ] && [ -x "$SHOW" ] && [ -x "$TTDUMP" ] || fail "build $REC, $SHOW and $TTDUMP first"
for c in nginx curl openssl; do
	command -v "$c" >/dev/null || { echo "ok - record_tls # SKIP $c is not installed (make deps)"; exit 0; }
done
ldd "$(command -v curl)" | grep 'libssl\.so' >/dev/null ||
	{ echo "ok - record_tls # SKIP this curl does not use OpenSSL's libssl"; exit 0; }

port() { $PYD -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NPORT=$(port)

# start_rec OUT ARGS...: the recorder in the background (REC_PID) once it is attached
start_rec() {
	local out=$1
	shift
	rm -f "$out"
	"$REC" -q --duration 120 -o "$out" "$@" 2>"$out.err" &
	REC_PID=$!
	PIDS+=("$REC_PID")
	for _ in $(seq 400); do
		[ -s "$out" ] && { sleep 0.3; return 0; }
		kill -0 "$REC_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# recorder did not start: $(cat "$out.err")"
	return 1
}
stop_rec() { # name
	sleep 0.3
	kill -INT "$REC_PID"
	wait "$REC_PID"
	local rc=$?
	[ "$rc" = 0 ] && ok "$1: recorder finished cleanly" || notok "$1: recorder exited with $rc"
}

# --- certificate and nginx -----------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null ||
	fail "openssl req failed"
mkdir -p "$T/www" "$T/logs" "$T/tmp"
printf '<!doctype html>\n<p>index served by nginx over TLS</p>\n' >"$T/www/index.html"
$PYD -c 'import sys; sys.stdout.write("".join("line %05d of a body in many TLS records\n" % i for i in range(3000)))' \
	>"$T/www/big.txt"
printf 'p { color: teal }\n' >"$T/www/style.css"
chmod -R a+rX "$T/www"
cat >"$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 256; }
http {
	log_format tt '\$request_method \$request_uri \$status \$body_bytes_sent \$server_protocol';
	access_log $T/logs/access.log tt;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server_tokens off;
	sendfile off;
	keepalive_requests 1000;
	server {
		listen 127.0.0.1:$NPORT ssl http2;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		root $T/www;
		location = /echo { return 200 "posted\n"; }
	}
}
EOF
nginx -c "$T/nginx.conf" -p "$T" 2>"$T/nginx.err" &
PIDS+=($!)
U=https://127.0.0.1:$NPORT
CURL=(curl -s --cacert "$T/cert.pem")
up=0
for _ in $(seq 100); do
	"${CURL[@]}" -o /dev/null "$U/" && { up=1; break; }
	sleep 0.05
done
[ "$up" = 1 ] || fail "nginx did not start: $(cat "$T/nginx.err")"
: >"$T/logs/access.log"

# --- 1. nginx, curl, python ------------------------------------------------------------------
start_rec "$T/a.tinytap" || fail "recorder"
W='%{http_code} %{size_download} %{url_effective}\n'
{
	"${CURL[@]}" --http1.1 -o /dev/null -w "$W" "$U/index.html"
	"${CURL[@]}" --http1.1 -o /dev/null -w "$W" "$U/nope.html"
	"${CURL[@]}" --http1.1 -o /dev/null -w "$W" -d 'name=widget&size=3' "$U/echo"
	# keep-alive: two requests on one connection
	"${CURL[@]}" --http1.1 -o /dev/null -w "$W" "$U/big.txt" -o /dev/null "$U/style.css"
	# h2 over TLS (ALPN): the preface reaches the HTTP/2 parser
	"${CURL[@]}" --http2 -o /dev/null -w "$W" "$U/style.css" -o /dev/null "$U/nope.html"
	"${CURL[@]}" --http2 -o /dev/null -w "$W" "$U/big.txt"
} >"$T/curl.txt"
timeout 20 $PYD - "$NPORT" "$T/cert.pem" "$T/py.pid" >"$T/py.txt" <<'EOF'
import os, socket, ssl, sys
open(sys.argv[3], "w").write("%d\n" % os.getpid())
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        for path in ("/style.css", "/index.html"):
            close = path == "/index.html"
            s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n"
                      % (path.encode(), b"Connection: close\r\n" if close else b""))
            data = b""
            while b"\r\n\r\n" not in data:
                data += s.recv(7)
            head, body = data.split(b"\r\n\r\n", 1)
            n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
            while len(body) < n:
                body += s.recv(7)
            print(path, head.split(b" ")[1].decode(), len(body))
EOF
stop_rec "https"
[ "$(wc -l <"$T/py.txt")" = 2 ] && ok "python client got 2 answers" || notok "python client: $(cat "$T/py.txt")"

timeout 60 "$SHOW" --json -vv --body-max 1048576 --side server --comm nginx "$T/a.tinytap" \
	>"$T/server.jsonl" 2>"$T/show.err" || notok "tinytap-show failed: $(cat "$T/show.err")"
timeout 60 "$SHOW" --json -vv --body-max 1048576 --side client "$T/a.tinytap" >"$T/client.jsonl" 2>/dev/null
"$TTDUMP" "$T/a.tinytap" >"$T/a.jsonl" 2>/dev/null
PYPID=$(cat "$T/py.pid" 2>/dev/null)

$PYD - "$T" "${PYPID:-0}" <<'EOF'
import json, sys, collections
T, pypid = sys.argv[1], int(sys.argv[2])
def jl(name):
    return [json.loads(l) for l in open(f"{T}/{name}") if l.strip()]
srv, cli, recs = jl("server.jsonl"), jl("client.jsonl"), jl("a.jsonl")
log = [l.split() for l in open(f"{T}/logs/access.log") if l.strip()]
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + "record_tls: " + what)
www = {p: open(f"{T}/www{p}", "rb").read() for p in ("/index.html", "/big.txt", "/style.css")}
# server side == access log, every row from plaintext
want = collections.Counter((m, p, int(s)) for m, p, s, _, _ in log)
got = collections.Counter((t["method"], t["path"], t["status"]) for t in srv)
check(len(log) == 10 and want == got, f"server side lists exactly nginx's {len(log)} logged transactions"
      + ("" if want == got else f" (missing {dict(want - got)}, extra {dict(got - want)})"))
check(srv and all(t.get("tls") for t in srv), "every server-side transaction says tls")
check(all(t["complete"] for t in srv), "every server-side transaction is complete")
logged = collections.defaultdict(list)
for m, p, s, b, _ in log:
    logged[(m, p, int(s))].append(int(b))
bad = []
for t in srv:
    b = logged.get((t["method"], t["path"], t["status"]))
    n = b.pop(0) if b else None
    if t["resp_body_bytes"] != n:
        bad.append(f"{t['method']} {t['path']}: {t['resp_body_bytes']} vs {n}")
check(not bad, "server-side body bytes equal nginx's $body_bytes_sent" + (f" {bad}" if bad else ""))
h2 = [t for t in srv if t["proto"] == "http/2"]
h2log = [l for l in log if l[4] == "HTTP/2.0"]
check(len(h2) == len(h2log) == 3, f"h2 over TLS: {len(h2)} HTTP/2 transactions, nginx logged {len(h2log)}")
# bodies byte-exact, both sides
exact, differ = [], []
for t in srv + cli:
    if t["status"] == 200 and t["path"] in www:
        same = t.get("resp_body", "").encode() == www[t["path"]]
        exact.append(same)
        if not same:
            differ.append((t["side"], t["comm"], t["path"], t["resp_body_bytes"], len(t.get("resp_body", "")),
                           t.get("incomplete"), t.get("proto")))
check(exact and all(exact), f"{len(exact)} response bodies byte-exact (server and client side)"
      + (f"; differ: {differ[:3]}" if differ else ""))
post = [t for t in srv if t["method"] == "POST"]
check(len(post) == 1 and post[0].get("req_body") == "name=widget&size=3" and post[0].get("resp_body") == "posted\n",
      "POST body and answer exact")
# client side == curl's report + python's
curl = [l.split() for l in open(f"{T}/curl.txt") if l.strip()]
ccli = collections.Counter((int(c), int(n), u.split(":", 2)[2].split("/", 1)[1]) for c, n, u in curl)
gcli = collections.Counter((t["status"], t["resp_body_bytes"], t["path"].lstrip("/")) for t in cli if t["comm"] == "curl")
check(len(curl) == 8 and ccli == gcli, f"client side (curl) equals curl's {len(curl)} reports"
      + ("" if ccli == gcli else f" (missing {dict(ccli - gcli)}, extra {dict(gcli - ccli)})"))
py = [l.split() for l in open(f"{T}/py.txt") if l.strip()]
pcli = [(t["path"], t["status"], t["resp_body_bytes"]) for t in cli if t["pid"] == pypid]
check(pcli == [(p, int(s), int(n)) for p, s, n in py] and len(py) == 2,
      f"client side (python3 ssl) equals its own counts {py}")
check(all(t.get("tls") for t in cli if t["comm"] in ("curl", "python3")), "every client-side transaction says tls")
# buffered SSL_read_ex: more plaintext reads than socket reads on python's socket
pyd = [r for r in recs if r["type"] == "data" and r["pid"] == pypid and r["dir"] == 1]
tls_reads = [r for r in pyd if r["layer"] == "tls"]
socks = {r["sock_id"] for r in tls_reads}
wire_reads = [r for r in pyd if r["layer"] == "wire" and r["sock_id"] in socks]
check(len(socks) == 1 and len(tls_reads) > 2 * len(wire_reads) > 0 and
      all(r["syscall_name"] == "SSL_read_ex" for r in tls_reads),
      f"python's buffered SSL_read_ex calls are recorded on its socket ({len(tls_reads)} plaintext reads, {len(wire_reads)} socket reads)")
names = {r["syscall_name"] for r in recs if r["type"] == "data" and r["layer"] == "tls"}
check({"SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex"} <= names, f"plaintext from {sorted(names)}")
EOF

# --- 2. -- CMD: probes attached before the command's first handshake ------------------------
rm -f "$T/c.tinytap"
timeout 60 "$REC" -q -o "$T/c.tinytap" -- "${CURL[@]}" -o "$T/c.out" "$U/index.html" 2>"$T/c.err"
rc=$?
out=$(timeout 30 "$SHOW" "$T/c.tinytap" 2>/dev/null)
echo "$out" | sed 's/^/#   /'
[ "$rc" = 0 ] && cmp -s "$T/c.out" "$T/www/index.html" &&
	[ "$(echo "$out" | grep -c 'curl .*GET /index.html → 200 .*\[tls\]')" = 1 ] &&
	ok "-- curl: its one request from plaintext" || notok "-- curl: rc $rc: $(cat "$T/c.err")"

# --- 3. 100 short-lived curl processes --------------------------------------------------------
start_rec "$T/m.tinytap" --port "$NPORT" || fail "recorder"
n=0
for i in $(seq 100); do
	"${CURL[@]}" --http1.1 -o /dev/null "$U/style.css?i=$i" && n=$((n + 1))
done
stop_rec "100 curls"
got=$(timeout 60 "$SHOW" --json --side client --comm curl "$T/m.tinytap" 2>"$T/m.err" |
	grep -c '"status":200,.*"tls":true')
lost=$(grep -o '[0-9]* events lost' "$T/m.err")
[ "$n" = 100 ] && [ "$got" = 100 ] && [ "$lost" = "0 events lost" ] &&
	ok "100 short-lived curls: 100 client transactions from plaintext, $lost" ||
	notok "100 short-lived curls: $n ran, $got shown, $lost"

# --- 4. --no-tls: ciphertext only ------------------------------------------------------------
start_rec "$T/n.tinytap" --no-tls --port "$NPORT" || fail "recorder"
"${CURL[@]}" --http1.1 -o /dev/null "$U/index.html"
stop_rec "--no-tls"
"$TTDUMP" "$T/n.tinytap" >"$T/n.jsonl" 2>/dev/null
wire=$(grep '"type":"data"' "$T/n.jsonl" | grep -c '"layer":"wire"')
plain=$(grep -c '"layer":"tls"' "$T/n.jsonl")
txns=$(timeout 30 "$SHOW" --json "$T/n.tinytap" 2>/dev/null | grep -c .)
[ "$plain" = 0 ] && [ "$wire" -gt 4 ] && [ "$txns" = 0 ] &&
	ok "--no-tls: $wire ciphertext records, no plaintext, no HTTP transaction" ||
	notok "--no-tls: $wire wire, $plain plaintext records, $txns transactions"

# --- 5. a statically linked OpenSSL client is named -----------------------------------------
if [ -f /usr/lib/x86_64-linux-gnu/libssl.a ] && command -v cc >/dev/null; then
	cat >"$T/sclient.c" <<'EOF'
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char buf[4096];
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	sleep(3); /* the recorder looks at a new process's libraries within 2 s */
	if (!ctx || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	SSL *s = SSL_new(ctx);
	SSL_set_fd(s, fd);
	if (SSL_connect(s) != 1)
		return 2;
	const char req[] = "GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	SSL_write(s, req, sizeof(req) - 1);
	int n, total = 0;
	while ((n = SSL_read(s, buf, sizeof(buf))) > 0)
		total += n;
	printf("%d\n", total);
	return 0;
}
EOF
	if cc -static -o "$T/sclient" "$T/sclient.c" -lssl -lcrypto -lpthread 2>"$T/cc.err"; then
		rm -f "$T/s.tinytap"
		"$REC" -v --duration 120 -o "$T/s.tinytap" --port "$NPORT" 2>"$T/s.err" &
		REC_PID=$!
		PIDS+=("$REC_PID")
		for _ in $(seq 400); do [ -s "$T/s.tinytap" ] && break; sleep 0.05; done
		sleep 0.3
		timeout 20 "$T/sclient" "$NPORT" >"$T/sclient.out"
		stop_rec "static client"
		grep -q "TLS library not hooked: pid [0-9]* $T/sclient uses a statically linked OpenSSL" "$T/s.err" &&
			[ -s "$T/sclient.out" ] &&
			ok "a statically linked OpenSSL client is named as not hooked" ||
			notok "static client not named: $(grep -i tls "$T/s.err" | head -3)"
		# ... and in the file (a TLS_UNHOOKED record), which tinytap-show names
		spid=$(sed -n "s|.*TLS library not hooked: pid \([0-9]*\) $T/sclient uses.*|\1|p" "$T/s.err" | head -1)
		"$TTDUMP" "$T/s.tinytap" 2>/dev/null | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
u = [r for r in recs if r["type"] == "tls_unhooked"]
want = (sys.argv[1], int(sys.argv[2] or 0), 2)
got = [(r["exe"], r["pid"], r["library"]) for r in u]
# (other programs running on the machine may be named too: not the client twice, not a tool)
mine = [g for g in got if g[0] == sys.argv[1] or "/tinytap-" in g[0]]
sys.exit(0 if mine == [want] else "%s, want [%s]" % (got, want))' "$T/sclient" "$spid" 2>"$T/su.err" &&
			ok "the file holds one TLS_UNHOOKED record for $T/sclient: pid $spid, static OpenSSL" ||
			notok "TLS_UNHOOKED records: $(cat "$T/su.err")"
		"$SHOW" "$T/s.tinytap" >/dev/null 2>"$T/sshow.err"
		grep -qx "tinytap-show: TLS not recorded as plaintext: $T/sclient (pid $spid) uses a statically linked OpenSSL or BoringSSL, which tinytap-record does not hook; its TLS connections are ciphertext only" "$T/sshow.err" &&
			ok "tinytap-show names the static client in its summary" ||
			notok "tinytap-show summary: $(cat "$T/sshow.err")"
	else
		echo "ok - record_tls: static client # SKIP cannot link against libssl.a: $(head -1 "$T/cc.err")"
	fi
else
	echo "ok - record_tls: static client # SKIP no libssl.a (libssl-dev) or no cc"
fi
# --- 5b. the tools themselves are not taken for unhooked TLS ------------------------------------
# tinytap-record holds the marks it searches executables for, tinytap-show names SSL_write in its
# syscall table: recording everything while a live tinytap-show reads, neither is named.
timeout -s INT 4 "$REC" -q --duration 3 -o - 2>"$T/self.err" | "$SHOW" - >/dev/null 2>"$T/self.show"
if grep -q "transactions shown" "$T/self.show" && ! grep "TLS not recorded" "$T/self.show" | grep -q "tinytap-"; then
	ok "live tinytap-record | tinytap-show: neither tool is named as unhooked TLS"
else
	notok "tools named as unhooked TLS, or no summary: $(grep -i "tls\|transactions" "$T/self.show" | head -3)"
fi
# --- 6. PostgreSQL with ssl=on: psql sslmode=require (SSLRequest, 'S', then TLS) ----------------
. "$ROOT/tests/e2e/pg_lib.sh"
if ! pg_find; then
	echo "ok - record_tls: postgres # SKIP $PG_WHY"
elif ! PGPORT=$(port) || ! pg_start "$T/pg" "$PGPORT"; then
	notok "postgres: $PG_WHY"
else
	install -o nobody -m 600 "$T/key.pem" "$T/pg/data/server.key"
	install -o nobody -m 644 "$T/cert.pem" "$T/pg/data/server.crt"
	"$PGBIN/psql" -h "$T/pg/sock" -p "$PGPORT" -U postgres -X -q \
		-c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	start_rec "$T/pg.tinytap" --port "$PGPORT" || fail "recorder"
	log_from=$(stat -c %s "$T/pg/pg.log")
	PGPASSWORD=$PG_SUPER_PW "$PGBIN/psql" "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres sslmode=require" \
		-X -q -t -A -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" \
		-c "SELECT name FROM wire_items ORDER BY id" -c "SELECT 40 + 2" >"$T/psql.out" 2>&1
	stop_rec "postgres"
	sleep 0.3
	tail -c +$((log_from + 1)) "$T/pg/pg.log" | grep -o 'statement: .*' | sed 's/^statement: //' >"$T/pg.stmts"
	pg_stop
	"$SHOW" --json --side client "$T/pg.tinytap" >"$T/pgc.jsonl" 2>/dev/null
	"$SHOW" --json --side server "$T/pg.tinytap" >"$T/pgs.jsonl" 2>/dev/null
	$PYD - "$T" <<'EOF'
import json, sys
T = sys.argv[1]
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + "record_tls: postgres: " + what)
out = open(f"{T}/psql.out").read().split()
check(out == ["t", "one", "two", "42"], f"psql over TLS answered {out}")
logged = [l.strip() for l in open(f"{T}/pg.stmts") if l.strip()]
for side in ("c", "s"):
    rows = [json.loads(l) for l in open(f"{T}/pg{side}.jsonl") if l.strip()]
    q = [t for t in rows if t["proto"] == "postgresql" and t.get("op") not in ("STARTUP", "SSL", None) and t.get("tls")]
    sql = [t.get("query") or t.get("target") for t in q]
    name = "client (psql)" if side == "c" else "server (postgres)"
    check(sql == logged and len(logged) == 3, f"{name}: the statements the server logged, from TLS plaintext: {sql} vs {logged}")
    ok = [t for t in q if t["outcome"] == "ok"]
    check(len(ok) == 3, f"{name}: 3 statements ok")
EOF
fi
exit 0
