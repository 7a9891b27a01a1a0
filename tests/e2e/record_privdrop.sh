#!/usr/bin/env bash
# End-to-end (root): tinytap-record -Z USER (tcpdump's -Z). Once attached the recorder runs as
# nobody with exactly CAP_BPF CAP_PERFMON CAP_SYS_PTRACE CAP_DAC_READ_SEARCH (/proc/PID/status:
# Uid, Gid, CapEff, CapPrm, CapBnd, CapInh, CapAmb), still records a curl request byte-exact on
# both sides, its file is nobody's; a rotated set keeps rotating and deleting as nobody; a
# directory nobody cannot write is refused at once; a command after -- runs as nobody without
# capabilities; a TLS client started after the drop is recorded in plaintext; and started the
# way docs/systemd/tinytap-record.service starts it (not root,
# the unit's ambient capabilities, via setpriv) it records and drops CAP_SYS_ADMIN.
# Prints TAP lines. Env: REC, SHOW, TT_ROOT, O. Loopback only; every process stopped by its pid.
. "$(dirname "$0")/record_lib.sh"
preflight
command -v curl >/dev/null || skip_all "no curl"
NOBODY=$(id -u nobody 2>/dev/null) || skip_all "no user nobody"
NOGROUP=$(id -g nobody)
# bits 2 (DAC_READ_SEARCH), 19 (SYS_PTRACE), 38 (PERFMON), 39 (BPF)
KEEP=000000c000080004
chmod 755 "$WORK"

mkdir -p "$WORK/www"
printf '<html><body>tinytap -Z check</body></html>\n' >"$WORK/www/index.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$WORK/www" && exec timeout 90 "$PY" -m http.server --bind 127.0.0.1 "$port") >/dev/null 2>&1 &
SRV=$!
PIDS+=("$SRV")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
CURLV=$(curl --version | awk 'NR==1{print $2}')

status_of() { # pid field -> the field's value (tabs squeezed)
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# check_privs TAG PID: the recorder became nobody and kept the four capabilities only
check_privs() {
	local tag=$1 pid=$2
	check "$tag: Uid all nobody ($(status_of "$pid" Uid))" \
		test "$(status_of "$pid" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY"
	check "$tag: Gid all nobody's group ($(status_of "$pid" Gid))" \
		test "$(status_of "$pid" Gid)" = "$NOGROUP $NOGROUP $NOGROUP $NOGROUP"
	local c
	for c in CapEff CapPrm; do
		check "$tag: $c = $KEEP ($(status_of "$pid" $c))" test "$(status_of "$pid" $c)" = $KEEP
	done
	for c in CapInh CapAmb; do
		check "$tag: $c empty ($(status_of "$pid" $c))" \
			test "$(status_of "$pid" $c)" = 0000000000000000
	done
}

verify_curl() { # dump tag
	python3 - "$@" "$WORK/www/index.html" "$port" "$CURLV" <<'PY'
import json, sys
dump, tag, body_path, port, curlv = sys.argv[1:6]
recs = [json.loads(l) for l in open(dump)]
body = open(body_path, "rb").read()
req = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: curl/%s\r\nAccept: */*\r\n\r\n" % (port, curlv)).encode()
def res(ok, d, why=""):
    print(("ok" if ok else "not ok") + " - %s: %s%s" % (tag, d, "" if ok else " # " + why))
procs = {r["pid"]: r for r in recs if r["type"] == "process"}
data = [r for r in recs if r["type"] == "data"]
curl_pids = {p for p, r in procs.items() if r["comm"] == "curl"}
cd = [r for r in data if r["pid"] in curl_pids]
out = b"".join(bytes.fromhex(r["payload_hex"]) for r in cd if r["dir"] == 0)
inn = b"".join(bytes.fromhex(r["payload_hex"]) for r in cd if r["dir"] == 1)
res(out == req, "curl sent exactly its request (named curl: a process record)", repr(out))
res(inn.startswith(b"HTTP/1.0 200 OK\r\n") and inn.endswith(b"\r\n\r\n" + body),
    "curl received exactly the response", repr(inn[:80]))
other = [r for r in data if r["pid"] not in curl_pids]
sin = b"".join(bytes.fromhex(r["payload_hex"]) for r in other if r["dir"] == 1)
sout = b"".join(bytes.fromhex(r["payload_hex"]) for r in other if r["dir"] == 0)
res(sin == out, "the server received exactly what curl sent", repr(sin[:80]))
res(sout == inn, "the server sent exactly what curl received", repr(sout[:80]))
PY
}

# ---- A: one file, -Z nobody -------------------------------------------------------------------
f=$WORK/z.tinytap
if start_rec "$f" -Z nobody --port "$port"; then
	sleep 0.2
	check_privs "-Z nobody" "$REC_PID"
	check "-Z nobody: bounding set = the kept four ($(status_of "$REC_PID" CapBnd))" \
		test "$(status_of "$REC_PID" CapBnd)" = $KEEP
	curl -s -o "$WORK/body1" "http://127.0.0.1:$port/"
	check "curl got the page" cmp -s "$WORK/body1" "$WORK/www/index.html"
	stop_rec INT
	check "-Z nobody: exits 0 (exit $REC_RC)" test "$REC_RC" = 0
	check "-Z nobody: the file is nobody's, mode 600 ($(stat -c '%u:%g %a' "$f"))" \
		test "$(stat -c '%u:%g %a' "$f")" = "$NOBODY:$NOGROUP 600"
	check "-Z nobody: stderr empty ($(head -c 200 "$f.err"))" test ! -s "$f.err"
	dump "$f"
	verify_curl "$f.jsonl" "-Z nobody"
else
	notok "-Z nobody: recorder did not start"
fi

# ---- B: a rotated set, -Z nobody: files created and deleted as nobody ------------------------
B=$WORK/set
mkdir -p "$B"
chown nobody "$B"
"$REC" -v --duration 60 --port "$port" -Z nobody -C 64k -W 3 -o "$B/fr.tinytap" 2>"$WORK/set.err" &
REC_PID=$!
PIDS+=("$REC_PID")
for _ in $(seq 300); do ls "$B"/fr-*.tinytap >/dev/null 2>&1 && break; sleep 0.05; done
sleep 0.2
check_privs "-Z nobody -C 64k -W 3" "$REC_PID"
n=0
for i in $(seq 150); do
	curl -s -o /dev/null -H "X-Pad: $(head -c 1500 /dev/urandom | base64 -w0)" "http://127.0.0.1:$port/?$i" && n=$((n + 1))
done
check "150 curl requests answered ($n)" test "$n" = 150
stop_rec INT
check "set: exits 0 (exit $REC_RC)" test "$REC_RC" = 0
nfiles=$(ls "$B"/fr-*.tinytap | wc -l)
written=$(grep -o '[0-9]* files written, [0-9]* deleted' "$WORK/set.err")
echo "# set: $written; on disk: $nfiles"
check "set: rotated and deleted as nobody ($written)" \
	eval '[ "${written%% *}" -ge 4 ] && [ "$(echo "$written" | awk "{print \$4}")" -ge 1 ]'
check "set: at most 3 files kept ($nfiles)" test "$nfiles" -le 3
check "set: every file nobody's, 600 ($(stat -c '%u:%g %a' "$B"/fr-*.tinytap | sort -u | tr '\n' ' '))" \
	test "$(stat -c '%u:%g %a' "$B"/fr-*.tinytap | sort -u)" = "$NOBODY:$NOGROUP 600"
bad=0
for g in "$B"/fr-*.tinytap; do "$TTDUMP" "$g" >/dev/null 2>&1 || bad=1; done
check "set: each file reads alone" test "$bad" = 0
reqs=$("${SHOW:-$TT_ROOT/tinytap-show}" --json "$B" 2>/dev/null | grep -c '"target":"/?[0-9]*"')
check "set: the set read as one holds requests ($reqs)" test "$reqs" -ge 1

# ---- C: a directory nobody cannot write: refused before anything is loaded --------------------
C=$WORK/rootonly
mkdir -p "$C"
chmod 755 "$C"
t0=$(date +%s%N)
timeout 20 "$REC" -q -Z nobody -C 1M -o "$C/fr.tinytap" 2>"$WORK/c.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "unwritable set directory: exit 1 (exit $rc, ${ms} ms)" test "$rc" = 1
check "unwritable set directory: one line naming it ($(head -2 "$WORK/c.err"))" \
	eval 'grep -q "not writable by nobody" "$WORK/c.err" && [ "$(wc -l <"$WORK/c.err")" = 1 ]'
check "unwritable set directory: no file left" eval '[ -z "$(ls -A "$C")" ]'
timeout 20 "$REC" -q -Z no-such-user-tt -o "$WORK/x.tinytap" 2>"$WORK/u.err"
rc=$?
check "unknown user: exit 2 (exit $rc: $(cat "$WORK/u.err"))" test "$rc" = 2

# ---- D: a command after -- runs as nobody, without capabilities ------------------------------
timeout 30 "$REC" -q -Z nobody -o "$WORK/d.tinytap" -- \
	sh -c 'grep -E "^(Uid|CapEff|CapPrm|CapAmb):" /proc/self/status' >"$WORK/d.out" 2>"$WORK/d.err"
check "-- CMD with -Z: exits 0" test $? = 0
check "-- CMD with -Z: runs as nobody, no capabilities ($(tr '\t\n' '  ' <"$WORK/d.out"))" \
	eval '[ "$(awk "\$1==\"Uid:\"{print \$2}" "$WORK/d.out")" = "$NOBODY" ] &&
	[ "$(awk "\$1 ~ /^Cap/ && \$2 != \"0000000000000000\"" "$WORK/d.out")" = "" ]'

# ---- E: as the systemd unit starts it: not root, ambient capabilities -------------------------
if ! command -v setpriv >/dev/null; then
	ok "unit's capabilities # SKIP no setpriv (util-linux)"
else
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$TT_ROOT/docs/systemd/tinytap-record.service")
	sp=$(echo "$caps" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	mkdir -p "$WORK/unit"
	chown nobody "$WORK/unit"
	f=$WORK/unit/rec.tinytap
	rm -f "$f"
	setpriv --reuid nobody --regid "$NOGROUP" --clear-groups --inh-caps "$sp" \
		--ambient-caps "$sp" --bounding-set "-all,$sp" -- \
		"$REC" -q --duration 60 -Z nobody --port "$port" -o "$f" 2>"$f.err" &
	REC_PID=$!
	PIDS+=("$REC_PID")
	for _ in $(seq 300); do [ -s "$f" ] && break; kill -0 "$REC_PID" 2>/dev/null || break; sleep 0.05; done
	sleep 0.2
	echo "# unit's AmbientCapabilities: $caps"
	if kill -0 "$REC_PID" 2>/dev/null; then
		check_privs "as the unit (setpriv, ambient caps)" "$REC_PID"
		curl -s -o /dev/null "http://127.0.0.1:$port/"
		stop_rec INT
		check "as the unit: exits 0 (exit $REC_RC; $(head -c 200 "$f.err"))" test "$REC_RC" = 0
		dump "$f"
		verify_curl "$f.jsonl" "as the unit"
	else
		notok "as the unit: recorder did not start: $(head -c 300 "$f.err")"
	fi
fi

# ---- F: TLS after the drop: a curl started later, its plaintext recorded ---------------------
if ! command -v openssl >/dev/null; then
	ok "-Z nobody: TLS plaintext # SKIP no openssl"
else
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/k.pem" -out "$WORK/c.pem" -days 1 \
		-subj /CN=localhost 2>/dev/null
	tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	timeout 60 openssl s_server -quiet -www -accept "127.0.0.1:$tport" -cert "$WORK/c.pem" \
		-key "$WORK/k.pem" >/dev/null 2>&1 &
	TSRV=$!
	PIDS+=("$TSRV")
	mkdir -p "$WORK/tls"
	chown nobody "$WORK/tls"
	f=$WORK/tls/t.tinytap
	if start_rec "$f" -Z nobody --port "$tport"; then
		code=
		for _ in $(seq 50); do
			code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$tport/tinytap-zcheck") &&
				[ "$code" = 200 ] && break
			sleep 0.1
		done
		stop_rec INT
		kill "$TSRV" 2>/dev/null
		line=$("${SHOW:-$TT_ROOT/tinytap-show}" "$f" 2>/dev/null | grep 'curl .*GET /tinytap-zcheck')
		check "-Z nobody: curl https got 200 ($code)" test "$code" = 200
		check "-Z nobody: its TLS plaintext recorded (${line:-nothing})" \
			eval '[[ $line == *"GET /tinytap-zcheck → 200"*"[tls]"* ]]'
	else
		notok "-Z nobody (TLS): recorder did not start"
	fi
fi
