#!/usr/bin/env bash
# The demo's database workload, run under `tinytap-record -- tests/demo/db_workload.sh DIR`:
# starts redis-server and a throwaway PostgreSQL cluster (tests/e2e/pg_lib.sh) on free loopback
# ports, the threaded python3 service of tests/e2e/chain_backend.py in front of them (per request
# one SELECT and a Redis SET + GET), sends it three requests with curl, and stops everything by
# its pid. Writes DIR/failed with the reason when something does not start within a few seconds.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
. "$here/tests/e2e/pg_lib.sh"
base=$((30000 + RANDOM % 20000))
P_B=$base P_PG=$((base + 1)) P_RD=$((base + 2))
RDS= BE=
stop() {
	for p in $BE $RDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	pg_stop
}
trap stop EXIT
fail() { echo "$*" >"$dir/failed"; exit 0; }
pg_find || fail "$PG_WHY"
redis-server --port "$P_RD" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null 2>&1 &
RDS=$!
pg_start "$dir/pg" "$P_PG" || fail "PostgreSQL: $PG_WHY"
/usr/bin/python3 "$here/tests/e2e/chain_backend.py" threaded "$P_B" "$P_PG" "$P_RD" >"$dir/be.log" 2>&1 &
BE=$!
for _ in $(seq 50); do grep -q ready "$dir/be.log" && redis-cli -p "$P_RD" ping >/dev/null 2>&1 && break; sleep 0.1; done
grep -q ready "$dir/be.log" || fail "the demo service did not start: $(tail -1 "$dir/be.log")"
for n in 1 2 3; do curl -s -m 10 -o /dev/null "http://127.0.0.1:$P_B/t/$n"; done
