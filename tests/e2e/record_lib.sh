# Sourced by tests/e2e/record_*.sh (not executable, so tests/run.sh does not run it).
# Env from tests/run.sh: REC, SHOW, O (build dir), TT_ROOT.
# Every background process a test starts is recorded in PIDS and killed by its pid on exit.
set -uo pipefail
: "${TT_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${O:=build}"
: "${REC:=$TT_ROOT/tinytap-record}"
H=$TT_ROOT/$O/tests/helpers
SOCKIO=$H/sockio
TTDUMP=$H/ttdump
WORK=$(mktemp -d /tmp/tt-e2e.XXXXXX)
# The interpreter itself, not a wrapper (pyenv shims fork it): $! must be the process we stop.
PY=$(python3 -c 'import sys; print(sys.executable)')
PIDS=()

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check() { # desc cmd...: ok if cmd succeeds
	local d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

cleanup_all() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup_all EXIT

skip_all() { # reason: report one failing check (a suite that cannot run is a failure)
	notok "$(basename "$0"): cannot run: $*"
	exit 0
}

preflight() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -x "$REC" ] || skip_all "no recorder at $REC"
	[ -x "$SOCKIO" ] || skip_all "no $SOCKIO"
	[ -x "$TTDUMP" ] || skip_all "no $TTDUMP"
}

# start_rec OUT ARGS...: recorder in the background (REC_PID), returns once it is attached
# (the file header is written after the BPF programs are attached).
start_rec() {
	local out=$1
	shift
	rm -f "$out"
	# --duration bounds the run (and REC_PID is the recorder itself, so SIGKILL reaches it).
	"$REC" -q --duration 60 -o "$out" "$@" 2>"$out.err" &
	REC_PID=$!
	PIDS+=("$REC_PID")
	local i
	for i in $(seq 300); do
		[ -s "$out" ] && return 0
		kill -0 "$REC_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# recorder did not start: $(cat "$out.err")"
	return 1
}

# stop_rec [SIGNAL]: stop the recorder, REC_RC = its exit status.
stop_rec() {
	sleep 0.2
	kill -"${1:-INT}" "$REC_PID" 2>/dev/null
	wait "$REC_PID"
	REC_RC=$?
}

dump() { # file -> file.jsonl
	"$TTDUMP" "$1" >"$1.jsonl" 2>"$1.dumperr"
}

# check_sockio DUMP.jsonl SOCKIO.json [options]: TAP lines comparing the recording with what
# sockio sent. Options: --snaplen N, --sides client,server, --tag TEXT.
check_sockio() {
	python3 - "$@" <<'PY'
import json, sys

args = sys.argv[1:]
dump_path, sj_path = args[0], args[1]
snaplen, sides, tag = 262144, ["client", "server"], ""
i = 2
while i < len(args):
    if args[i] == "--snaplen": snaplen = int(args[i + 1]); i += 2
    elif args[i] == "--sides": sides = args[i + 1].split(","); i += 2
    elif args[i] == "--tag": tag = args[i + 1] + ": "; i += 2
    else: raise SystemExit("bad option " + args[i])

TRUNC, NOPAY, DROPPED = 1, 2, 8
recs = [json.loads(l) for l in open(dump_path)]
sj = json.load(open(sj_path))
fails = 0

def res(ok, desc, why=""):
    global fails
    if ok:
        print("ok - " + tag + desc)
    else:
        fails += 1
        print("not ok - " + tag + desc + (" # " + why if why else ""))

def conn_of(pid, fd, role):
    c = [r for r in recs if r["type"] == "conn" and r["pid"] == pid and r["fd"] == fd and r["role"] == role]
    return c[-1] if c else None

def rebuild(sock, d, expect):
    """Walk the DATA records of one socket and direction against the expected stream."""
    off, n = 0, 0
    for r in recs:
        if r["type"] != "data" or r["sock_id"] != sock or r["dir"] != d:
            continue
        n += 1
        p = bytes.fromhex(r["payload_hex"])
        if r["flags"] & DROPPED:
            return False, "record %d bytes at %d DROPPED" % (r["call_bytes"], off)
        if len(p) != r["cap_len"] or r["seg_off"] != 0:
            return False, "cap_len %d vs payload %d, seg_off %d" % (r["cap_len"], len(p), r["seg_off"])
        if r["flags"] & NOPAY:
            if r["cap_len"] != 0 or r["syscall_name"] not in ("sendfile", "splice"):
                return False, "NO_PAYLOAD on %s with %d bytes" % (r["syscall_name"], r["cap_len"])
        else:
            want_cap = min(r["call_bytes"], snaplen)
            if r["cap_len"] != want_cap:
                return False, "call of %d bytes captured %d, expected %d" % (r["call_bytes"], r["cap_len"], want_cap)
            if bool(r["flags"] & TRUNC) != (r["cap_len"] < r["call_bytes"]):
                return False, "TRUNCATED flag wrong on a %d/%d call" % (r["cap_len"], r["call_bytes"])
            if p != expect[off:off + len(p)]:
                k = next(j for j in range(len(p)) if off + j >= len(expect) or p[j] != expect[off + j])
                return False, "bytes differ at stream offset %d (record %d)" % (off + k, n)
        off += r["call_bytes"]
    if off != len(expect):
        return False, "%d bytes recorded in %d records, %d sent" % (off, n, len(expect))
    return True, "%d records" % n

for c in sj["conns"]:
    k = c["kind"]
    c2s, s2c = bytes.fromhex(c["c2s"]), bytes.fromhex(c["s2c"])
    cc = conn_of(sj["client_pid"], c["client_fd"], 1)
    sc = conn_of(sj["server_pid"], c["server_fd"], 2)
    if "client" in sides:
        res(cc is not None, "%s client CONN (pid %d fd %d)" % (k, sj["client_pid"], c["client_fd"]))
    if "server" in sides:
        res(sc is not None, "%s server CONN (pid %d fd %d)" % (k, sj["server_pid"], c["server_fd"]))
    if k == "tcp":
        if cc:
            res(cc["local"]["ip"] == "127.0.0.1" and cc["local"]["port"] == c["client_port"] and
                cc["remote"]["ip"] == "127.0.0.1" and cc["remote"]["port"] == c["server_port"] and
                cc["protocol"] == 6 and cc["origin"] == 1,
                "tcp client CONN addresses", json.dumps([cc["local"], cc["remote"]]))
        if sc:
            res(sc["local"]["port"] == c["server_port"] and sc["remote"]["port"] == c["client_port"]
                and sc["origin"] == 2, "tcp server CONN addresses", json.dumps([sc["local"], sc["remote"]]))
    else:
        if cc:
            res(cc["unix_path"] == c["path"] and cc["local"]["family"] == 1,
                "unix client CONN path", cc["unix_path"])
        if sc and cc:
            res(sc["unix_path"] == c["path"] and sc["unix_peer_id"] == cc["sock_id"],
                "unix server CONN path and peer inode", "%s %d" % (sc["unix_path"], sc["unix_peer_id"]))
    for side, conn, pid, fd in (("client", cc, sj["client_pid"], c["client_fd"]),
                                ("server", sc, sj["server_pid"], c["server_fd"])):
        if side not in sides or not conn:
            continue
        sock = conn["sock_id"]
        data = [r for r in recs if r["type"] == "data" and r["sock_id"] == sock]
        res(all(r["pid"] == pid and r["fd"] == fd for r in data),
            "%s %s: every DATA record has pid %d fd %d" % (k, side, pid, fd))
        out_s, in_s = (c2s, s2c) if side == "client" else (s2c, c2s)
        ok, why = rebuild(sock, 0, out_s)
        res(ok, "%s %s: sent bytes exact (%d)" % (k, side, len(out_s)), why)
        ok, why = rebuild(sock, 1, in_s)
        res(ok, "%s %s: received bytes exact (%d)" % (k, side, len(in_s)), why)
        if side == "client":
            got = [[r["syscall_name"], r["call_bytes"]] for r in data if r["dir"] == 0]
            res(got == c["client_calls"], "%s client: syscalls and call sizes as made" % k,
                "got %s" % got)
sys.exit(0)
PY
}

# records DUMP.jsonl TYPE: count of records of TYPE
count_type() {
	grep -c "^{\"type\":\"$2\"" "$1" || true
}
