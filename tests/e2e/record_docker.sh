#!/usr/bin/env bash
# Containers, for real: a private dockerd (its own data root, exec root and socket under a temp
# dir, --iptables=false, no default bridge; a user bridge network of its own), an image made with
# `docker import` from busybox-static, two named containers talking HTTP to each other, one reached
# from the host through a published port (docker-proxy), a --rm container that is gone before the
# recording ends. Checks every transaction's container name on both sides against what the
# server logged itself, the CGROUP records, the line view, the filters, and tinytap-record
# --container (a running container, and one that starts later). Prints TAP lines; when dockerd
# cannot start here, one "ok - ... # SKIP why".
. "$(dirname "$0")/record_lib.sh"
preflight
SHOW=${SHOW:-$TT_ROOT/tinytap-show}

skip() {
	echo "ok - docker e2e # SKIP $*"
	exit 0
}

# A static busybox: ldd fails on it ("not a dynamic executable").
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
# docker.io (dockerd, containerd, runc) and busybox-static from apt when missing.
if ! command -v dockerd >/dev/null || ! static_busybox; then
	if command -v apt-get >/dev/null; then
		echo "# installing docker.io busybox-static" >&2
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			docker.io busybox-static) >"$WORK/apt.log" 2>&1 ||
			skip "apt-get install docker.io busybox-static failed: $(tail -1 "$WORK/apt.log")"
	fi
fi
command -v dockerd >/dev/null || skip "no dockerd (docker.io is not installed)"
command -v docker >/dev/null || skip "no docker client"
static_busybox || skip "no static /bin/busybox"

# A short path: containerd's socket lives under the exec root (108 bytes at most).
DK=$(mktemp -d /tmp/ttdk.XXXXXX)
SUF=$$
NET=ttnet$SUF
BR=ttbr$((SUF % 100000))
SUBNET=10.213.77
API_IP=$SUBNET.10
CLI_IP=$SUBNET.11
PUB=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DOCKER=(docker -H "unix://$DK/docker.sock")
DOCKERD_PID=

docker_cleanup() {
	if [ -n "$DOCKERD_PID" ]; then
		local ids
		ids=$("${DOCKER[@]}" ps -aq 2>/dev/null)
		[ -n "$ids" ] && "${DOCKER[@]}" rm -f $ids >/dev/null 2>&1
		"${DOCKER[@]}" network rm "$NET" >/dev/null 2>&1
		kill "$DOCKERD_PID" 2>/dev/null
		for _ in $(seq 150); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DOCKERD_PID" 2>/dev/null
		wait "$DOCKERD_PID" 2>/dev/null
	fi
	grep -o " $DK[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$DK"
	cleanup_all
}
trap docker_cleanup EXIT

dockerd --data-root "$DK/data" --exec-root "$DK/exec" -H "unix://$DK/docker.sock" \
	--pidfile "$DK/docker.pid" --iptables=false --ip6tables=false --bridge=none \
	--log-level=warn >"$DK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 600); do
	"${DOCKER[@]}" info >/dev/null 2>&1 && break
	kill -0 "$DOCKERD_PID" 2>/dev/null || break
	sleep 0.1
done
"${DOCKER[@]}" info >/dev/null 2>&1 ||
	skip "dockerd did not start: $(tail -2 "$DK/dockerd.log" | tr '\n' ' ' | cut -c1-300)"

echo "# dockerd up after ${SECONDS}s"
# The image: busybox-static and three files to serve.
mkdir -p "$DK/rootfs/bin" "$DK/rootfs/www"
cp /bin/busybox "$DK/rootfs/bin/busybox"
for a in sh httpd wget sleep cat echo; do ln -s busybox "$DK/rootfs/bin/$a"; done
for f in hello pub rm late noise; do echo "$f from the api" >"$DK/rootfs/www/$f.txt"; done
tar -C "$DK/rootfs" -c . | "${DOCKER[@]}" import - ttbox:e2e >/dev/null ||
	skip "docker import failed"
"${DOCKER[@]}" network create --driver bridge --subnet "$SUBNET.0/24" \
	-o "com.docker.network.bridge.name=$BR" "$NET" >/dev/null ||
	skip "docker network create failed"

# The server, started before the recording: httpd logs every request it answers (-vv).
"${DOCKER[@]}" run -d --name api-service --network "$NET" --ip "$API_IP" \
	-p "127.0.0.1:$PUB:8000" ttbox:e2e httpd -f -vv -p 8000 -h /www >/dev/null ||
	skip "docker run failed: $(tail -1 "$DK/dockerd.log")"
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PUB/hello.txt" && break
	sleep 0.1
done
n0=$("${DOCKER[@]}" logs api-service 2>&1 | grep -c 'url:' || true)

echo "# image, network and api-service ready after ${SECONDS}s"
# ---- 1. everything on the two ports, containers starting during the recording ---------------
f=$WORK/all.tinytap
if ! start_rec "$f" --port 8000 --port "$PUB"; then
	notok "recorder starts"
	exit 0
fi
"${DOCKER[@]}" run -d --name web-client --network "$NET" --ip "$CLI_IP" ttbox:e2e \
	sh -c "for i in 1 2 3 4 5; do wget -q -O /dev/null http://$API_IP:8000/hello.txt?n=\$i; done; sleep 60" \
	>/dev/null
for i in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$PUB/pub.txt?n=$i"; done
"${DOCKER[@]}" run --rm --name tt-rm-job --network "$NET" ttbox:e2e \
	wget -q -O /dev/null "http://$API_IP:8000/rm.txt"
# every request answered (the server's own log) and the --rm container gone before we stop
for _ in $(seq 100); do
	n=$("${DOCKER[@]}" logs api-service 2>&1 | grep -c 'url:' || true)
	[ $((n - n0)) -ge 9 ] && break
	sleep 0.1
done
"${DOCKER[@]}" logs api-service 2>&1 | grep 'url:' | tail -n +$((n0 + 1)) >"$WORK/httpd.log"
check "the --rm container is gone before the recording ends" \
	test -z "$("${DOCKER[@]}" ps -aq --filter name=tt-rm-job)"
stop_rec INT
check "recorder exits 0" test "$REC_RC" = 0
dump "$f"
"$SHOW" -q --json "$f" >"$WORK/all.jsonl" 2>"$WORK/show.err"
check "tinytap-show --json reads it" test -s "$WORK/all.jsonl"
"$SHOW" -q --color=never "$f" >"$WORK/all.out" 2>>"$WORK/show.err"

python3 - "$f.jsonl" "$WORK/all.jsonl" "$WORK/httpd.log" "$PUB" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
txns = [json.loads(l) for l in open(sys.argv[2])]
log = [l for l in open(sys.argv[3])]
pub = int(sys.argv[4])

def res(ok, desc, why=""):
    print(("ok - " if ok else "not ok - ") + desc + ("" if ok or not why else " # " + why))

cg = {r["cgroup_id"]: r for r in recs if r["type"] == "cgroup"}
def attrs(r):
    return {a["name"]: a["value"] for a in r["attrs"]}
named = {attrs(r).get("container"): r for r in cg.values() if r["kind"] == 2}
for name in ("api-service", "web-client", "tt-rm-job"):
    r = named.get(name)
    res(r is not None and r["status"] == 0 and attrs(r).get("image") == "ttbox:e2e" and
        len(attrs(r).get("container_id", "")) == 64 and
        attrs(r).get("container_id", "") in attrs(r).get("path", ""),
        "CGROUP record for %s: docker, image ttbox:e2e, id in the path" % name,
        json.dumps(r)[:300] if r else "none")
ids = [r["cgroup_id"] for r in recs if r["type"] == "cgroup"]
res(len(ids) == len(set(ids)), "one CGROUP record per cgroup (%d)" % len(ids))
procs = {r["cgroup_id"] for r in recs if r["type"] == "process" and r["cgroup_id"]}
res(procs <= set(cg), "every PROCESS record's cgroup is named",
    "unnamed: %s" % sorted(procs - set(cg)))

def path(t):
    return t.get("path", "").split("?")[0]
def sel(p, side):
    return [t for t in txns if path(t) == p and t["side"] == side]

# what the server itself answered, by path
served = {}
for l in log:
    u = l.split("url:")[1].strip().split("?")[0]
    served[u] = served.get(u, 0) + 1
for p, n in (("/hello.txt", 5), ("/pub.txt", 3), ("/rm.txt", 1)):
    res(served.get(p, 0) == n, "httpd logged %d %s" % (n, p), "logged %s" % served)

# container to container: both sides named, linked end to end
srv = [t for t in sel("/hello.txt", "server") if t.get("comm") == "httpd"]
cli = sel("/hello.txt", "client")
res(len(srv) == served.get("/hello.txt") and all(t.get("container") == "api-service" for t in srv),
    "hello: every server-side transaction is api-service's (%d)" % len(srv),
    json.dumps([(t.get("container"), t["comm"]) for t in srv]))
res(len(cli) == served.get("/hello.txt") and all(t.get("container") == "web-client" and
    t.get("image") == "ttbox:e2e" and len(t.get("container_id", "")) == 64 for t in cli),
    "hello: every client-side transaction is web-client's (%d)" % len(cli),
    json.dumps([(t.get("container"), t["comm"]) for t in cli]))
socks = {t["sock_id"]: t for t in txns}
res(all(t["peer_sock_id"] and socks.get(t["peer_sock_id"], {}).get("container") == "api-service"
        for t in cli), "hello: each client transaction's peer is api-service's socket")
res(cli and all(t["local"].startswith("10.213.77.11:") and t["remote"] == "10.213.77.10:8000"
             for t in cli),
    "hello: the client's socket has the containers' own addresses (no NAT)",
    json.dumps([(t["local"], t["remote"]) for t in cli][:2]))

# host -> published port: curl (no container) -> docker-proxy -> api-service. docker-proxy
# moves the bytes with splice(2): its sockets have sizes, not content, so no transactions of
# its own; each hop's other end is still its socket.
comm = {r["pid"]: r["comm"] for r in recs if r["type"] == "process"}
sock_comm = {r["sock_id"]: comm.get(r["pid"]) for r in recs if r["type"] == "conn"}
curl = [t for t in sel("/pub.txt", "client") if t["comm"] == "curl"]
api_pub = [t for t in sel("/pub.txt", "server") if t["comm"] == "httpd"]
res(len(curl) == 3 and all("container" not in t for t in curl),
    "pub: curl's 3 transactions, no container", json.dumps([t.get("container") for t in curl]))
res(len(api_pub) == served.get("/pub.txt") and all(t.get("container") == "api-service" for t in api_pub),
    "pub: the container's side is api-service's (%d)" % len(api_pub))
res(all(t["peer_sock_id"] and sock_comm.get(t["peer_sock_id"]) == "docker-proxy" for t in curl + api_pub),
    "pub: both hops linked to docker-proxy's sockets (curl<->docker-proxy<->api-service)",
    json.dumps([sock_comm.get(t["peer_sock_id"]) for t in curl + api_pub]))
res(all(t["remote"].startswith(("10.213.77.1:", "[::ffff:10.213.77.1]:")) for t in api_pub),
    "pub: the container sees docker-proxy at the bridge's address",
    json.dumps([t["remote"] for t in api_pub]))

# --rm container: named although gone before the recording ended
rm = sel("/rm.txt", "client")
res(len(rm) == 1 and rm[0].get("container") == "tt-rm-job" and rm[0]["comm"] == "wget",
    "rm: the --rm container's transaction is named tt-rm-job",
    json.dumps([(t.get("container"), t["comm"]) for t in rm]))

# no transaction on port 8000 of the api container without its name
bad = [t for t in txns if t["side"] == "server" and t["comm"] == "httpd" and t.get("container") != "api-service"]
res(not bad, "every httpd transaction names api-service", "%d without" % len(bad))
PY

check "line: srv api-service/httpd pid=..." grep -q '] srv api-service/httpd pid=[0-9]* GET /hello.txt' "$WORK/all.out"
# (busybox sh runs its applets through /proc/self/exe: the comm is "exe")
check "line: cli web-client/exe pid=..." grep -q '] cli web-client/[a-z]* pid=[0-9]* GET /hello.txt' "$WORK/all.out"
check "line: cli tt-rm-job/wget pid=..." grep -q '] cli tt-rm-job/wget pid=[0-9]* GET /rm.txt' "$WORK/all.out"
check "line: curl without a container keeps the old form" grep -q '] cli pid=[0-9]* curl *GET /pub.txt' "$WORK/all.out"
n=$("$SHOW" -q --json --container web-client "$f" | grep -c '"container":"web-client"')
check "show --container web-client: its 5 transactions ($n)" test "$n" = 5
n=$("$SHOW" -q --json --container 'api-*' "$f" | grep -vc '"container":"api-service"')
check "show --container 'api-*': nothing else ($n others)" test "$n" = 0
id=$(grep -o '"container_id":"[0-9a-f]*"' "$WORK/all.jsonl" | head -1 | cut -d'"' -f4)
n=$("$SHOW" -q --json --container "${id:0:8}" "$f" | grep -c "\"container_id\":\"$id\"")
m=$(grep -c "\"container_id\":\"$id\"" "$WORK/all.jsonl")
check "show --container ID-PREFIX: that container's $m transactions" test "$n" = "$m" -a "$m" -gt 0
n=$("$SHOW" -q --json --image 'ttbox:*' "$f" | wc -l)
m=$(grep -c '"image":"ttbox:e2e"' "$WORK/all.jsonl")
check "show --image 'ttbox:*': $m transactions" test "$n" = "$m" -a "$m" -ge 14
"$SHOW" -q --stats --by container "$f" >"$WORK/stats.out"
check "show --stats --by container: the clients' view, web-client 5 exchanges" \
	grep -Eq '^web-client +5 ' "$WORK/stats.out"
"$SHOW" -q --stats --by container --side server "$f" >"$WORK/stats2.out"
check "show --stats --by container --side server: api-service 9 exchanges" \
	grep -Eq '^api-service +9 ' "$WORK/stats2.out"
check "tinytap-show printed no error" test ! -s "$WORK/show.err"

echo "# first recording checked after ${SECONDS}s"
# ---- 2. tinytap-record --container: a running container, and one that starts later ----------
f=$WORK/filt.tinytap
if start_rec "$f" --container api-service --container tt-late; then
	"${DOCKER[@]}" run -d --name tt-late --network "$NET" ttbox:e2e \
		sh -c "for i in 1 2 3; do wget -q -O /dev/null http://$API_IP:8000/late.txt?n=\$i; done; sleep 60" >/dev/null
	# another container started during the recording, not asked for: it waits out the moment
	# before the recorder decides on its cgroup (docs/containers.md)
	"${DOCKER[@]}" run --rm --name tt-noise --network "$NET" ttbox:e2e \
		sh -c "sleep 1.5; wget -q -O /dev/null http://$API_IP:8000/noise.txt"
	curl -s -o /dev/null "http://127.0.0.1:$PUB/pub.txt?filt=1"
	for _ in $(seq 50); do # (httpd logs paths without their query)
		[ "$("${DOCKER[@]}" logs api-service 2>&1 | grep -c 'url:/late.txt')" -ge 3 ] && break
		sleep 0.1
	done
	stop_rec INT
	"$SHOW" -q --json "$f" >"$WORK/filt.jsonl" 2>/dev/null
	python3 - "$WORK/filt.jsonl" <<'PY'
import json, sys
txns = [json.loads(l) for l in open(sys.argv[1])]
def res(ok, desc, why=""):
    print(("ok - " if ok else "not ok - ") + desc + ("" if ok or not why else " # " + why))
late = [t for t in txns if t.get("path", "").startswith("/late.txt")]
res(len([t for t in late if t["side"] == "client" and t.get("container") == "tt-late"]) == 3,
    "--container tt-late (started later): its 3 requests recorded",
    json.dumps([(t["side"], t.get("container")) for t in late]))
res(len([t for t in late if t["side"] == "server" and t.get("container") == "api-service"]) == 3,
    "--container api-service (running): its side of them recorded")
others = {t.get("container") for t in txns} - {"api-service", "tt-late"}
res(not others, "--container: nothing from other containers or the host", "also %s" % others)
noise = [t for t in txns if t.get("path", "").startswith("/noise.txt")]
res(len(noise) == 1 and noise[0]["side"] == "server",
    "--container: tt-noise's request only from api-service's side",
    json.dumps([(t["side"], t.get("container")) for t in noise]))
pub = [t for t in txns if t.get("path", "").startswith("/pub.txt")]
res(len(pub) == 1 and pub[0]["side"] == "server" and pub[0].get("container") == "api-service",
    "--container: the published port's request only from api-service's side (not curl, not docker-proxy)",
    json.dumps([(t["side"], t["comm"]) for t in pub]))
PY
else
	notok "recorder starts with --container"
fi

echo "# second recording checked after ${SECONDS}s"
# ---- 3. old and new readers ---------------------------------------------------------------
n=$("$TTDUMP" "$WORK/all.tinytap" | grep -c '"type":"cgroup"')
check "the recording has CGROUP records ($n)" test "$n" -ge 3
