#!/usr/bin/env bash
# `sudo make demo`, third part: one timeline. A small python3 HTTP service that asks PostgreSQL
# and Redis per request (tests/demo/db_workload.sh), recorded; tinytap-show lists each HTTP
# request with its SELECT and Redis calls in between, then draws one request as a trace. Skipped
# with a note when redis-server, PostgreSQL or the python3 drivers are not installed or do not
# start within a few seconds.
set -u
cd "$(dirname "$0")/../.."
REC=${REC:-./tinytap-record}
SHOW=${SHOW:-./tinytap-show}
skip() {
	echo "(database part skipped: $*)"
	exit 0
}
echo "== one timeline: an HTTP service, its PostgreSQL queries and Redis calls"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || skip "redis-server is not installed"
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || skip "PostgreSQL is not installed"
/usr/bin/python3 -c 'import psycopg2, redis' 2>/dev/null || skip "python3-psycopg2 or python3-redis is not installed"
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
out=$tmp/db.tinytap
"$REC" -q -o "$out" -- tests/demo/db_workload.sh "$tmp" || skip "the recorder failed"
[ -s "$tmp/failed" ] && skip "$(cat "$tmp/failed")"
echo "== $SHOW db.tinytap --side client --comm curl,python3   (curl's requests, the service's calls)"
"$SHOW" "$out" --side client --comm curl,python3
echo
echo "== the second request as a trace: $SHOW db.tinytap --trace --path /t/2"
"$SHOW" "$out" --trace --path /t/2
