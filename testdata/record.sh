#!/usr/bin/env bash
# Regenerates the small real recordings the viewer's golden tests read:
#   testdata/http-python.tinytap  curl <-> python3 -m http.server (HTTP/1.1) on 127.0.0.1
#   testdata/http-nginx.tinytap   curl <-> nginx (temp config) on 127.0.0.1
#   testdata/http-secrets.tinytap curl with credentials <-> tests/demo/server.py (for --redact;
#                                 the traffic is tests/e2e/secrets_lib.sh's)
# Both sides of every connection are recorded (system-wide, --port). Each holds: GET of a static
# file, a 404, and two GETs on one keep-alive connection (curl URL1 URL2).
# Needs root, python3, nginx and curl. Usage: sudo testdata/record.sh [python|nginx|secrets]...
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
SRV_PID= REC_PID=
cleanup() {
	[ -n "$REC_PID" ] && kill "$REC_PID" 2>/dev/null || true
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null || true
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
	wait_port "$port"
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

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(python nginx secrets)
for w in "${which[@]}"; do
	case "$w" in
	python) record_python ;;
	nginx) record_nginx ;;
	secrets) record_secrets ;;
	*) echo "record.sh: unknown recording '$w' (python, nginx, secrets)" >&2; exit 2 ;;
	esac
done
chmod 644 testdata/http-*.tinytap
# Owned by the user who ran sudo.
if [ -n "${SUDO_UID:-}" ]; then
	for w in "${which[@]}"; do chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "testdata/http-$w.tinytap"; done
fi
