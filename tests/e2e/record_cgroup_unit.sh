#!/usr/bin/env bash
# A systemd unit's name from its cgroup, without systemd: a hand-made cgroup
# (system.slice/tt-test-PID.service under the cgroup v2 mount, found in /proc/mounts) with a
# python3 HTTP server moved into it; curl from outside. The server's transactions name the unit,
# the client's do not; --unit filters. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight
SHOW=${SHOW:-$TT_ROOT/tinytap-show}

CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG" ] || skip_all "no cgroup v2 mount in /proc/mounts"
UNIT=tt-test-$$.service
made_slice=
[ -d "$CG/system.slice" ] || made_slice=1
DIR=$CG/system.slice/$UNIT
mkdir -p "$DIR" || skip_all "cannot create $DIR"
SRV_PID=

unit_cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	rmdir "$DIR" 2>/dev/null
	[ -n "$made_slice" ] && rmdir "$CG/system.slice" 2>/dev/null
	cleanup_all
}
trap unit_cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/www" && echo unit >"$WORK/www/u.txt"
f=$WORK/unit.tinytap
if ! start_rec "$f" --port "$port"; then
	notok "recorder starts"
	exit 0
fi
# The server moves itself into the unit's cgroup, then execs python3: its PROCESS record (exec)
# carries the new cgroup id.
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -m http.server --bind 127.0.0.1 -d "$3" "$4"' \
	sh "$DIR" "$PY" "$WORK/www" "$port" >/dev/null 2>"$WORK/httpd.log" &
SRV_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/u.txt" && break; sleep 0.1; done
for i in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$port/u.txt?n=$i"; done
check "the server runs in $UNIT" grep -q "^0::/system.slice/$UNIT\$" "/proc/$SRV_PID/cgroup"
stop_rec INT
check "recorder exits 0" test "$REC_RC" = 0
dump "$f"
"$SHOW" -q --json "$f" >"$WORK/unit.jsonl"
"$SHOW" -q --color=never "$f" >"$WORK/unit.out"
served=$(grep -c '"GET /u.txt?n=' "$WORK/httpd.log" || true)
check "the server logged 3 requests ($served)" test "$served" = 3
n=$(grep '"side":"server"' "$WORK/unit.jsonl" | grep '"path":"/u.txt?n=' | grep -c "\"unit\":\"$UNIT\"")
check "each of its server-side transactions has unit $UNIT ($n)" test "$n" = 3
n=$(grep '"side":"client"' "$WORK/unit.jsonl" | grep -c '"unit"')
check "curl's transactions have no unit ($n)" test "$n" = 0
n=$(grep -c "] srv $UNIT/python3 pid=[0-9]* GET /u.txt?n=" "$WORK/unit.out")
check "line: srv $UNIT/python3 pid=... ($n)" test "$n" = 3
n=$("$SHOW" -q --json --unit 'tt-test-*.service' "$f" | grep -c '"path":"/u.txt?n=')
check "--unit 'tt-test-*.service': the 3 server-side transactions ($n)" test "$n" = 3
n=$(grep -c "\"name\":\"unit\",\"value\":\"$UNIT\"" "$f.jsonl")
p=$(grep -c "\"name\":\"path\",\"value\":\"/system.slice/$UNIT\"" "$f.jsonl")
check "one CGROUP record: kind unit, path /system.slice/$UNIT ($n, $p)" test "$n" = 1 -a "$p" = 1
check "its kind is unit" grep -q "\"kind_name\":\"unit\".*\"value\":\"$UNIT\"" "$f.jsonl"
