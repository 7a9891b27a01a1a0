#!/usr/bin/env bash
# The demo workload, run under `tinytap-record -- tests/demo/workload.sh`: starts the demo server,
# drives a python3 keep-alive client and two curl requests at it, stops the server by its pid.
set -eu
here=$(dirname "$0")
tmp=$(mktemp -d)
python3 "$here/server.py" "$tmp/port" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
python3 "$here/client.py" "$port"
curl -s -o /dev/null "http://127.0.0.1:$port/api/users?page=2"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"gadget"}' \
	"http://127.0.0.1:$port/api/items"
