#!/usr/bin/env bash
# Regenerates the small real recordings the viewer's golden tests read:
#   testdata/http-python.tinytap  curl <-> python3 -m http.server (HTTP/1.1) on 127.0.0.1
#   testdata/http-nginx.tinytap   curl <-> nginx (temp config) on 127.0.0.1
#   testdata/http-secrets.tinytap curl with credentials <-> tests/demo/server.py (for --redact;
#                                 the traffic is tests/e2e/secrets_lib.sh's)
#   testdata/websocket.tinytap    python3-websockets echo server and clients (tests/e2e/ws_peer.py):
#                                 without and with permessage-deflate, a server close with 1011,
#                                 and a connection opened before the recording started
#   testdata/mysql.tinytap        MariaDB (throwaway datadir, started as root) <-> the mariadb
#                                 client (queries, an error, a procedure with two result sets,
#                                 --compress), python3-pymysql (text protocol) and
#                                 tests/helpers/mysql_stmt (binary protocol: prepared statements)
#   testdata/http2.tinytap        curl --http2-prior-knowledge, nghttp, h2load <-> nginx (h2c)
#   testdata/grpc.tinytap         tests/e2e/grpc_demo.py client <-> server (python3-grpcio)
#   testdata/postgresql.tinytap   psql, pgwire.py, psycopg2 <-> PostgreSQL 15 (record_postgres)
#   testdata/redis.tinytap        redis-server (no persistence, a password) <-> python3-redis and
#                                 raw RESP3/inline sockets (tests/e2e/redis_traffic.py), redis-cli
#                                 -3 and an error, redis-benchmark -P 16 (bounded)
#   testdata/tls.tinytap          curl (HTTP/1.1 and --http2) and a python3 ssl client reading 7
#                                 bytes at a time <-> nginx `listen ssl http2` (a certificate made
#                                 here): TLS plaintext from the OpenSSL uprobes, and the ciphertext
# Both sides of every connection are recorded (system-wide, --port). Each HTTP one holds: GET of a
# static file, a 404, and two GETs on one keep-alive connection (curl URL1 URL2).
# Needs root, python3, nginx, curl; websocket: /usr/bin/python3 with python3-websockets; mysql:
# mariadb-server, mariadb-client, python3-pymysql and the helper built with libmariadb-dev;
# http2: nghttp2-client; grpc: python3-grpcio; postgres: PostgreSQL 15 and python3-psycopg2;
# redis: redis-server, redis-tools and python3-redis.
# Usage: sudo testdata/record.sh [python|nginx|secrets|websocket|mysql|http2|grpc|postgres|redis|tls]...
# Env: REC (tinytap-record binary; default ./tinytap-record or build/tinytap-record).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REC=${REC:-}
if [ -z "$REC" ]; then
	for r in ./tinytap-record build/tinytap-record; do
		[ -x "$r" ] && REC=$r && break
	done
fi
[ -x "${REC:-}" ] || { echo "record.sh: build tinytap-record first (make), or set REC" >&2; exit 1; }
REC=$(realpath "$REC")
[ "$(id -u)" = 0 ] || { echo "record.sh: must run as root" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tt-testdata.XXXXXX)
# The interpreter itself, not a wrapper (pyenv shims fork it): $! must be the server we stop.
PY=$(python3 -c 'import sys; print(sys.executable)')
chmod 755 "$WORK"
SRV_PID= REC_PID= CLI_PID=
cleanup() {
	[ -n "$REC_PID" ] && kill "$REC_PID" 2>/dev/null || true
	[ -n "$CLI_PID" ] && kill "$CLI_PID" 2>/dev/null || true
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null || true
	if declare -F pg_stop >/dev/null; then pg_stop; fi # record_postgres's server
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

# Deterministic content.
mkdir -p "$WORK/www"
printf '<!doctype html>\n<html><head><title>tinytap</title></head><body><p>Hello from tinytap.</p></body></html>\n' \
	>"$WORK/www/index.html"
printf 'The second file, fetched on the same keep-alive connection.\n' >"$WORK/www/second.txt"
chmod -R a+rX "$WORK/www"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() { # port
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.05
	done
	echo "record.sh: server on port $1 did not start" >&2
	return 1
}

start_recorder() { # out port
	rm -f "$1"
	"$REC" -q -o "$1" --port "$2" &
	REC_PID=$!
	# The file header is written once the BPF programs are attached.
	for _ in $(seq 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	echo "record.sh: recorder did not start" >&2
	return 1
}

stop_recorder() {
	sleep 0.3
	kill -INT "$REC_PID"
	wait "$REC_PID"
	REC_PID=
}

traffic() { # port
	local u=http://127.0.0.1:$1
	curl -s -o /dev/null "$u/index.html"
	curl -s -o /dev/null "$u/missing.html"
	curl -s -o /dev/null -o /dev/null "$u/index.html" "$u/second.txt"
}

# Records the traffic against the server just started as $SRV_PID on port, then stops it.
record_server() { # out port
	local out=$1 port=$2
	${WAIT:-wait_port} "$port"
	start_recorder "$out" "$port"
	"${TRAFFIC:-traffic}" "$port"
	stop_recorder
	kill "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null || true
	SRV_PID=
	echo "record.sh: wrote $out"
}

record_python() {
	local port out=testdata/http-python.tinytap
	port=$(free_port)
	(cd "$WORK/www" && exec "$PY" -m http.server --protocol HTTP/1.1 --bind 127.0.0.1 "$port") \
		>"$WORK/python.log" 2>&1 &
	SRV_PID=$!
	record_server "$out" "$port"
}

record_nginx() {
	local port out=testdata/http-nginx.tinytap
	port=$(free_port)
	mkdir -p "$WORK/nginx/logs"
	cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	sendfile off;
	server_tokens off;
	client_body_temp_path $WORK/nginx/tmp;
	proxy_temp_path $WORK/nginx/tmp;
	fastcgi_temp_path $WORK/nginx/tmp;
	uwsgi_temp_path $WORK/nginx/tmp;
	scgi_temp_path $WORK/nginx/tmp;
	types { text/html html; text/plain txt; }
	server {
		listen 127.0.0.1:$port;
		root $WORK/www;
	}
}
EOF
	nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
	SRV_PID=$!
	record_server "$out" "$port"
}

record_secrets() {
	local port out=testdata/http-secrets.tinytap
	. tests/e2e/secrets_lib.sh
	"$PY" tests/demo/server.py "$WORK/port" >"$WORK/secrets.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
	port=$(cat "$WORK/port")
	TRAFFIC=secrets_traffic record_server "$out" "$port"
}

record_websocket() {
	local port out=testdata/websocket.tinytap peer=tests/e2e/ws_peer.py pyd=/usr/bin/python3 up=0
	port=$(free_port)
	"$pyd" "$peer" server "$port" "$WORK/ws-srv.log" >"$WORK/ws-srv.err" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		"$pyd" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null &&
			up=1 && break
		sleep 0.05
	done
	[ "$up" = 1 ] || { echo "record.sh: websocket server did not start" >&2; return 1; }
	# opened (upgrade and two messages) before the recording starts
	"$pyd" "$peer" client "$port" "$WORK/ws-cli.log" late --plain --chat 2 --ready "$WORK/ready" \
		--go "$WORK/go" &
	CLI_PID=$!
	for _ in $(seq 200); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
	start_recorder "$out" "$port"
	touch "$WORK/go"
	"$pyd" "$peer" client "$port" "$WORK/ws-cli.log" plain --plain --chat 5
	"$pyd" "$peer" client "$port" "$WORK/ws-cli.log" deflate --chat 5
	"$pyd" "$peer" client "$port" "$WORK/ws-cli.log" err --plain
	wait "$CLI_PID"
	CLI_PID=
	stop_recorder
	kill "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null || true
	SRV_PID=
	echo "record.sh: wrote $out"
}

# MariaDB with a throwaway datadir; the workload is a few dozen exchanges.
record_mysql() {
	local port out=testdata/mysql.tinytap stmt=${O:-build}/tests/helpers/mysql_stmt
	[ -x "$stmt" ] || { echo "record.sh: build $stmt first (make, with libmariadb-dev)" >&2; return 1; }
	port=$(free_port)
	mariadb-install-db --no-defaults --datadir="$WORK/my" --user=root \
		--auth-root-authentication-method=normal --skip-test-db >"$WORK/my-install.log" 2>&1
	mariadbd --no-defaults --datadir="$WORK/my" --user=root --port="$port" \
		--bind-address=127.0.0.1 --socket="$WORK/my.sock" --pid-file="$WORK/my.pid" \
		--log-error="$WORK/my.err" --skip-log-bin --innodb-buffer-pool-size=16M >/dev/null 2>&1 &
	SRV_PID=$!
	local m=(mariadb --no-defaults -h127.0.0.1 -P"$port" --skip-ssl)
	for _ in $(seq 300); do
		"${m[@]}" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.1
	done
	"${m[@]}" -uroot -e "CREATE DATABASE shop; CREATE USER app@'%' IDENTIFIED BY 's3cret';
		GRANT ALL ON *.* TO app@'%'"
	start_recorder "$out" "$port"
	"${m[@]}" -uapp -ps3cret --force shop <<'SQL' >/dev/null 2>&1 || true
CREATE TABLE users (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(32));
INSERT INTO users (name) VALUES ('ada'), ('grace'), ('linus');
SELECT id, name FROM users ORDER BY id;
INSERT INTO users (id, name) VALUES (1, 'dup');
SELECT * FROM missing;
DELIMITER //
CREATE PROCEDURE two() BEGIN SELECT COUNT(*) FROM users; SELECT 'a', 'b'; END //
DELIMITER ;
CALL two();
SQL
	"${m[@]}" -uapp -ps3cret --compress shop -e 'SELECT name FROM users WHERE id = 2' >/dev/null
	/usr/bin/python3 - "$port" <<'PYEOF' # apt's python3, with pymysql
import sys, pymysql
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="app", password="s3cret",
                    database="shop", autocommit=True)
cur = c.cursor()
cur.execute("SELECT name FROM users WHERE id < %s", (3,))
try:
    cur.execute("UPDATE users SET nope = 1")
except pymysql.err.MySQLError:
    pass
c.ping()
c.close()
PYEOF
	"$stmt" 127.0.0.1 "$port" app s3cret shop 1 >/dev/null
	stop_recorder
	kill "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null || true
	SRV_PID=
	echo "record.sh: wrote $out"
}

# HTTP/2, h2c prior knowledge: nginx (listen http2) with curl --http2-prior-knowledge (a GET, a
# 404), nghttp (three concurrent streams on one connection) and h2load (12 requests, 4 at a time).
http2_traffic() { # port
	local u=http://127.0.0.1:$1
	curl -s -o /dev/null --http2-prior-knowledge "$u/index.html"
	curl -s -o /dev/null --http2-prior-knowledge "$u/missing.html"
	nghttp -n "$u/index.html" "$u/second.txt" "$u/missing.html"
	h2load -n 12 -c 1 -m 4 "$u/second.txt" >/dev/null
}

record_http2() {
	local port out=testdata/http2.tinytap
	port=$(free_port)
	mkdir -p "$WORK/nginx2/logs" "$WORK/nginx2/tmp"
	cat >"$WORK/nginx2/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx2/nginx.pid;
error_log $WORK/nginx2/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	server_tokens off;
	client_body_temp_path $WORK/nginx2/tmp;
	proxy_temp_path $WORK/nginx2/tmp;
	fastcgi_temp_path $WORK/nginx2/tmp;
	uwsgi_temp_path $WORK/nginx2/tmp;
	scgi_temp_path $WORK/nginx2/tmp;
	types { text/html html; text/plain txt; }
	server {
		listen 127.0.0.1:$port http2;
		root $WORK/www;
	}
}
EOF
	nginx -p "$WORK/nginx2" -c "$WORK/nginx2/nginx.conf" >"$WORK/nginx2.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$port/" && break
		sleep 0.05
	done
	WAIT=: TRAFFIC=http2_traffic record_server "$out" "$port"
}

# TLS: nginx `listen ssl http2` with a self-signed certificate; curl over HTTP/1.1 (a GET, a 404,
# two GETs on one keep-alive connection) and h2 (ALPN), and /usr/bin/python3's ssl module
# (SSL_read_ex/SSL_write_ex) reading the answer 7 bytes at a time (buffered plaintext: most of
# its reads make no syscall).
tls_traffic() { # port
	local u=https://127.0.0.1:$1 c=(curl -s --cacert "$WORK/tls/cert.pem")
	"${c[@]}" --http1.1 -o /dev/null "$u/index.html"
	"${c[@]}" --http1.1 -o /dev/null "$u/missing.html"
	"${c[@]}" --http1.1 -o /dev/null -o /dev/null "$u/index.html" "$u/second.txt"
	"${c[@]}" --http2 -o /dev/null -o /dev/null "$u/second.txt" "$u/missing.html"
	/usr/bin/python3 - "$1" "$WORK/tls/cert.pem" <<'PYEOF'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                     server_hostname="localhost") as s:
    s.sendall(b"GET /second.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    while s.recv(7):
        pass
PYEOF
}

record_tls() {
	local port out=testdata/tls.tinytap
	port=$(free_port)
	mkdir -p "$WORK/tls/logs" "$WORK/tls/tmp"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls/key.pem" \
		-out "$WORK/tls/cert.pem" -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
	cat >"$WORK/tls/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/tls/nginx.pid;
error_log $WORK/tls/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	sendfile off;
	server_tokens off;
	client_body_temp_path $WORK/tls/tmp;
	proxy_temp_path $WORK/tls/tmp;
	fastcgi_temp_path $WORK/tls/tmp;
	uwsgi_temp_path $WORK/tls/tmp;
	scgi_temp_path $WORK/tls/tmp;
	types { text/html html; text/plain txt; }
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $WORK/tls/cert.pem;
		ssl_certificate_key $WORK/tls/key.pem;
		root $WORK/www;
	}
}
EOF
	nginx -p "$WORK/tls" -c "$WORK/tls/nginx.conf" >"$WORK/tls.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null --cacert "$WORK/tls/cert.pem" "https://127.0.0.1:$port/" && break
		sleep 0.05
	done
	WAIT=: TRAFFIC=tls_traffic record_server "$out" "$port"
}

# gRPC: tests/e2e/grpc_demo.py's server and client (small: each method once, a gzip call, one
# UNAVAILABLE) on python3-grpcio.
grpc_traffic() { # port
	/usr/bin/python3 tests/e2e/grpc_demo.py client "$1" small >/dev/null
}

record_grpc() {
	local port out=testdata/grpc.tinytap
	port=$(free_port)
	/usr/bin/python3 tests/e2e/grpc_demo.py server "$port" >"$WORK/grpc.log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do grep -q ready "$WORK/grpc.log" && break; sleep 0.05; done
	WAIT=: TRAFFIC=grpc_traffic record_server "$out" "$port"
}

# PostgreSQL 15 (tests/e2e/pg_lib.sh: initdb as nobody into $WORK), both ends over TCP: psql
# (TLS asked for and refused, SCRAM, three statements in one Query, a unique violation, \copy),
# tests/e2e/pgwire.py (the extended protocol by hand), psycopg2 (LISTEN/NOTIFY between two
# connections, a cleartext password login, a refused one).
record_postgres() {
	local port out=testdata/postgresql.tinytap
	. tests/e2e/pg_lib.sh
	pg_find || { echo "record.sh: $PG_WHY" >&2; return 1; }
	port=$(free_port)
	pg_start "$WORK/pg" "$port" || { echo "record.sh: $PG_WHY" >&2; return 1; }
	start_recorder "$out" "$port"
	local psql=("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres)
	export PGPASSWORD=$PG_SUPER_PW
	{
		"${psql[@]}" -c "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'apple'), (2, 'pear'); SELECT * FROM items ORDER BY id"
		"${psql[@]}" -c "INSERT INTO items VALUES (1, 'again')" || true # a unique violation
		printf '3\tplum\n4\tfig\n' | "${psql[@]}" -c "\\copy items FROM STDIN"
	} >"$WORK/psql.out" 2>&1
	/usr/bin/python3 tests/e2e/pgwire.py 127.0.0.1 "$port" wire postgres >"$WORK/pgwire.out"
	/usr/bin/python3 - "$port" "$PG_PLAIN_PW" >"$WORK/notify.out" 2>&1 <<'PYEOF'
import select, sys
import psycopg2, psycopg2.extensions
port, pw = sys.argv[1], sys.argv[2]
a = psycopg2.connect(host="127.0.0.1", port=port, dbname="postgres", user="postgres")
a.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
b = psycopg2.connect(host="127.0.0.1", port=port, dbname="postgres", user="plainuser", password=pw)
b.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
a.cursor().execute("LISTEN orders")
b.cursor().execute("NOTIFY orders, 'order 42 paid'")
for _ in range(50):
    if select.select([a], [], [], 0.1)[0]:
        a.poll()
        if a.notifies:
            break
try:
    psycopg2.connect(host="127.0.0.1", port=port, dbname="postgres", user="plainuser",
                     password="not-the-password")
except psycopg2.OperationalError:
    pass
a.close()
b.close()
PYEOF
	stop_recorder
	pg_stop
	echo "record.sh: wrote $out"
}

record_redis() {
	local port out=testdata/redis.tinytap pw=golden-redis-pw
	port=$(free_port)
	mkdir -p "$WORK/redis"
	redis-server --port "$port" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly no \
		--requirepass "$pw" --daemonize no --logfile "$WORK/redis/redis.log" >/dev/null 2>&1 &
	SRV_PID=$!
	local c=(redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$pw")
	for _ in $(seq 100); do
		[ "$("${c[@]}" PING 2>/dev/null)" = PONG ] && break
		sleep 0.05
	done
	start_recorder "$out" "$port"
	/usr/bin/python3 tests/e2e/redis_traffic.py "$port" "$pw" 30 >/dev/null
	"${c[@]}" -3 HGETALL h >/dev/null
	"${c[@]}" LPUSH str z >/dev/null
	redis-benchmark -h 127.0.0.1 -p "$port" -a "$pw" -n 64 -P 16 -c 1 -t set,get -q >/dev/null
	stop_recorder
	kill "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null || true
	SRV_PID=
	echo "record.sh: wrote $out"
}

out_of() { # recording name -> file
	case "$1" in
	python | nginx | secrets) echo "testdata/http-$1.tinytap" ;;
	postgres) echo "testdata/postgresql.tinytap" ;;
	*) echo "testdata/$1.tinytap" ;;
	esac
}

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(python nginx secrets websocket mysql http2 grpc postgres redis tls)
for w in "${which[@]}"; do
	case "$w" in
	python) record_python ;;
	nginx) record_nginx ;;
	secrets) record_secrets ;;
	websocket) record_websocket ;;
	mysql) record_mysql ;;
	http2) record_http2 ;;
	grpc) record_grpc ;;
	postgres) record_postgres ;;
	redis) record_redis ;;
	tls) record_tls ;;
	*) echo "record.sh: unknown recording '$w' (python, nginx, secrets, websocket, mysql, http2,
		grpc, postgres, redis, tls)" >&2
		exit 2 ;;
	esac
done
for w in "${which[@]}"; do chmod 644 "$(out_of "$w")"; done
# Owned by the user who ran sudo.
if [ -n "${SUDO_UID:-}" ]; then
	for w in "${which[@]}"; do chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$(out_of "$w")"; done
fi
