#!/usr/bin/env bash
# tinytap-record filters keep only what they should: -p PID (with children), --port (one port,
# and several: repeated, a comma list, 16 at most), -c COMM, command mode (-- CMD) and --cgroup,
# each while unrelated traffic runs. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
preflight

no_data_from() { # dump desc pid...: no DATA/CONN record carries any of the pids
	python3 - "$@" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pids = {int(p) for p in sys.argv[3:]}
bad = [r for r in recs if r["type"] in ("data", "conn") and r["pid"] in pids]
print(("ok" if not bad else "not ok") + " - %s: nothing from other processes%s" % (
    sys.argv[2], "" if not bad else " # %d records from %s" % (len(bad), sorted({r["pid"] for r in bad}))))
PY
}

pids_of() { # sockio.json -> "client server"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["client_pid"], d["server_pid"])' "$1"
}

noise_py() { # unix socketpair traffic from a python3 process, in the background (NOISE_PID)
	"$PY" -c '
import socket, time
a, b = socket.socketpair()
for _ in range(40):
    a.sendall(b"noise" * 20); b.recv(100); time.sleep(0.02)
' &
	NOISE_PID=$!
	PIDS+=("$NOISE_PID")
}

# 1. -p PID: a sockio started before the recorder (its server child is already running).
f=$WORK/p.tinytap
mkfifo "$WORK/go"
exec 3<>"$WORK/go"
timeout 30 "$SOCKIO" --wait-stdin <"$WORK/go" >"$WORK/p.json" &
A=$!
PIDS+=("$A")
sleep 0.2
if start_rec "$f" -p "$A"; then
	timeout 30 "$SOCKIO" --no-big >"$WORK/noise1.json"
	echo go >&3
	wait "$A"
	check "-p: sockio ran" test $? = 0
	stop_rec INT
	dump "$f"
	check_sockio "$f.jsonl" "$WORK/p.json" --tag "-p"
	no_data_from "$f.jsonl" "-p" $(pids_of "$WORK/noise1.json")
else
	notok "recorder starts with -p"
fi
exec 3>&-

# 2. --port: one TCP port, while other TCP and unix traffic runs.
f=$WORK/port.tinytap
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if start_rec "$f" --port "$port"; then
	timeout 30 "$SOCKIO" --no-big >"$WORK/noise2.json"
	timeout 30 "$SOCKIO" --no-big --only tcp --port "$port" >"$WORK/port.json"
	check "--port: sockio ran" test $? = 0
	stop_rec INT
	dump "$f"
	check_sockio "$f.jsonl" "$WORK/port.json" --tag "--port"
	no_data_from "$f.jsonl" "--port" $(pids_of "$WORK/noise2.json")
	python3 - "$f.jsonl" "$port" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
port = int(sys.argv[2])
bad = [r for r in recs if r["type"] == "conn" and port not in (r["local"]["port"], r["remote"]["port"])]
print(("ok" if not bad else "not ok") + " - --port: every CONN has port %d" % port)
PY
else
	notok "recorder starts with --port"
fi

# 2b. Several ports at once (tcpdump's "port A or port B"): --port A --port B, --port A,B, and
# 16 ports (the maximum, a duplicate counted once) with B in the last slot. Traffic on A and on B
# is recorded, traffic on a third port C (and unix and other TCP traffic) is not.
read -r pa pb pc < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
for form in "--port $pa --port $pb" "--port $pa,$pb" \
	"--port 1,2,3,4,5,6,7,8,9,10,11,12,13,14,$pa --port $pb,1"; do
	f=$WORK/ports.tinytap
	tag=${form/1,2,3,4,5,6,7,8,9,10,11,12,13,14/1,...,14}
	# shellcheck disable=SC2086 # $form is several arguments
	if start_rec "$f" $form; then
		timeout 30 "$SOCKIO" --no-big --only tcp --port "$pc" >"$WORK/pc.json"
		rc=$?
		timeout 30 "$SOCKIO" --no-big >"$WORK/noise2b.json"
		rc=$rc$?
		timeout 30 "$SOCKIO" --no-big --only tcp --port "$pa" >"$WORK/pa.json"
		rc=$rc$?
		timeout 30 "$SOCKIO" --no-big --only tcp --port "$pb" >"$WORK/pb.json"
		check "$tag: sockio ran on ports $pc, any, $pa, $pb" test "$rc$?" = 0000
		stop_rec INT
		check "$tag: recorder exits 0" test "$REC_RC" = 0
		dump "$f"
		check_sockio "$f.jsonl" "$WORK/pa.json" --tag "$tag: port $pa"
		check_sockio "$f.jsonl" "$WORK/pb.json" --tag "$tag: port $pb"
		no_data_from "$f.jsonl" "$tag: port $pc" $(pids_of "$WORK/pc.json")
		no_data_from "$f.jsonl" "$tag: other traffic" $(pids_of "$WORK/noise2b.json")
		python3 - "$f.jsonl" "$tag" "$pa" "$pb" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
tag, want = sys.argv[2], {int(p) for p in sys.argv[3:]}
conns = [r for r in recs if r["type"] == "conn"]
bad = [r for r in conns if not want & {r["local"]["port"], r["remote"]["port"]}]
print(("ok" if not bad else "not ok") + " - %s: every CONN has port %s%s" % (
    tag, " or ".join(sys.argv[3:]), "" if not bad else " # %d others" % len(bad)))
seen = {p for r in conns for p in (r["local"]["port"], r["remote"]["port"]) if p in want}
print(("ok" if seen == want else "not ok") + " - %s: CONN records on both ports" % tag)
PY
	else
		notok "recorder starts with $form"
	fi
done

# 3. -c COMM: only processes named sockio.
f=$WORK/comm.tinytap
if start_rec "$f" -c sockio; then
	noise_py
	timeout 30 "$SOCKIO" --no-big >"$WORK/comm.json"
	check "-c: sockio ran" test $? = 0
	wait "$NOISE_PID"
	stop_rec INT
	dump "$f"
	check_sockio "$f.jsonl" "$WORK/comm.json" --tag "-c"
	no_data_from "$f.jsonl" "-c" "$NOISE_PID"
else
	notok "recorder starts with -c"
fi

# 4. -- CMD: only the command and its children, while another sockio runs.
f=$WORK/cmd.tinytap
mkfifo "$WORK/go2"
exec 4<>"$WORK/go2"
timeout 30 "$SOCKIO" --no-big --wait-stdin <"$WORK/go2" >"$WORK/noise4.json" &
B=$!
PIDS+=("$B")
timeout 60 "$REC" -q -o "$f" -- sh -c "echo go >&4; exec '$SOCKIO' --no-big" >"$WORK/cmd.json" 2>"$WORK/cmd.err"
check "-- CMD: recorder exits 0" test $? = 0
wait "$B"
exec 4>&-
dump "$f"
check_sockio "$f.jsonl" "$WORK/cmd.json" --tag "-- CMD"
no_data_from "$f.jsonl" "-- CMD" $(pids_of "$WORK/noise4.json")
python3 - "$f.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
end = [r for r in recs if r["type"] == "end"]
print(("ok" if end and end[0]["exit_reason"] == 2 else "not ok") + " - -- CMD: END says the command exited")
PY

# 5. --cgroup: only processes in a cgroup v2 subtree.
cgroot=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
CG=${cgroot:+$cgroot/tt-e2e-$$}
if [ -n "$CG" ] && mkdir "$CG" 2>/dev/null; then
	f=$WORK/cg.tinytap
	if start_rec "$f" --cgroup "/tt-e2e-$$"; then
		timeout 30 sh -c "echo \$\$ >'$CG/cgroup.procs' && exec '$SOCKIO' --no-big" >"$WORK/cg.json"
		check "--cgroup: sockio ran in the cgroup" test $? = 0
		timeout 30 "$SOCKIO" --no-big >"$WORK/noise5.json"
		stop_rec INT
		dump "$f"
		check_sockio "$f.jsonl" "$WORK/cg.json" --tag "--cgroup"
		no_data_from "$f.jsonl" "--cgroup" $(pids_of "$WORK/noise5.json")
		cgid=$(stat -c %i "$CG")
		check "--cgroup: PROCESS records only from the cgroup" \
			eval "! grep '^{\"type\":\"process\"' '$f.jsonl' | grep -qv '\"cgroup_id\":$cgid,'"
	else
		notok "recorder starts with --cgroup"
	fi
	rmdir "$CG" 2>/dev/null || true
else
	notok "--cgroup: cannot create a cgroup v2 directory"
fi
