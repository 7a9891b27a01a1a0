#!/usr/bin/env bash
# The demo workload, run under `tinytap-record -- tests/demo/workload.sh`: starts the demo server
# and a second one as its backend, drives a python3 keep-alive client and three curl requests at
# it (one of them proxied to the backend: a request chain), stops both servers by their pids.
set -eu
here=$(dirname "$0")
tmp=$(mktemp -d)
python3 "$here/server.py" "$tmp/backend" &
backend=$!
trap 'kill $backend 2>/dev/null; wait $backend 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/backend" ] && break; sleep 0.05; done
DEMO_BACKEND=127.0.0.1:$(cat "$tmp/backend") python3 "$here/server.py" "$tmp/port" &
srv=$!
trap 'kill $srv $backend 2>/dev/null; wait $srv $backend 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
python3 "$here/client.py" "$port"
curl -s -o /dev/null "http://127.0.0.1:$port/api/users?page=2"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"gadget"}' \
	"http://127.0.0.1:$port/api/items"
curl -s -o /dev/null -H 'X-Request-Id: demo-orders' "http://127.0.0.1:$port/api/orders"
