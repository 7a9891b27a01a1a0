#!/usr/bin/env bash
# `sudo make demo`: records the built-in workload (tests/demo/) with tinytap-record and shows it.
set -eu
cd "$(dirname "$0")/.."
REC=${REC:-./tinytap-record}
SHOW=${SHOW:-./tinytap-show}
for b in "$REC" "$SHOW"; do
	if [ ! -x "$b" ]; then
		echo "demo: $b is not built yet" >&2
		exit 1
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "demo: recording loads BPF programs and needs root: sudo make demo" >&2
	exit 1
fi
out=${DEMO_OUT:-$(mktemp -d)/demo.tinytap}
echo "== recording: $REC -o $out -- tests/demo/workload.sh"
"$REC" -q -o "$out" -- tests/demo/workload.sh
echo
echo "== $SHOW $out"
"$SHOW" "$out"
echo
echo "== only errors, from the server's side: $SHOW $out --status 4xx,5xx --side server -v"
"$SHOW" "$out" --status 4xx,5xx --side server -v
echo
echo "== per endpoint: $SHOW $out --stats"
"$SHOW" "$out" --stats
echo
echo "== the request chain of the proxied request: $SHOW $out --trace --path /api/orders"
"$SHOW" "$out" --trace --path /api/orders
echo "The recording is $out: try '$SHOW $out --json' or '$SHOW $out -vv --path /gzip'."
echo "In the browser (the Network tab: table, waterfall, details, traces): $SHOW $out --serve"
echo "  then open the URL it prints (127.0.0.1 only, with its token); live: sudo $REC -o - | $SHOW --serve 8088 -"
echo
# One timeline with PostgreSQL and Redis, when they are installed; skipped with a note otherwise.
REC=$REC SHOW=$SHOW tests/demo/databases.sh || echo "(the database part failed; the demo above stands)"
echo
# Containers: named when a dockerd runs here; skipped with a note otherwise.
REC=$REC SHOW=$SHOW tests/demo/containers.sh || echo "(the Docker part failed; the demo above stands)"
