#!/usr/bin/env bash
# `sudo make demo`, second part: who sent it. With a running dockerd (`docker info` answers; it
# honours DOCKER_HOST), two containers made from busybox-static (`docker import`, no registry
# needed) talk HTTP on a network of their own while tinytap-record --container records them;
# tinytap-show names both sides. Without Docker it says why and stops: the demo goes on without.
set -u
cd "$(dirname "$0")/../.."
REC=${REC:-./tinytap-record}
SHOW=${SHOW:-./tinytap-show}
API=demo-api-service
WEB=demo-web-client
NET=tinytap-demo-$$
IMG=tinytap-demo:busybox
tmp=$(mktemp -d)
rec_pid=

skip() {
	echo "(Docker part skipped: $*)"
	exit 0
}

cleanup() {
	[ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null && wait "$rec_pid" 2>/dev/null
	docker rm -f "$API" "$WEB" >/dev/null 2>&1
	docker network rm "$NET" >/dev/null 2>&1
	docker rmi "$IMG" >/dev/null 2>&1
	rm -rf "$tmp"
}

echo "== who sent it: two containers talking HTTP"
command -v docker >/dev/null || skip "no docker client"
timeout 10 docker info >/dev/null 2>&1 ||
	skip "no running dockerd (docker info did not answer); start one (or set DOCKER_HOST) and run sudo make demo again"
bb=$(command -v busybox || true)
[ -n "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || # static: ldd fails on it
	skip "no static busybox to make a small image from (apt-get install busybox-static)"
for c in "$API" "$WEB"; do
	[ -z "$(docker ps -aq --filter "name=^$c\$")" ] || skip "a container named $c already exists"
done
trap cleanup EXIT

mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/www"
cp "$bb" "$tmp/rootfs/bin/busybox"
for a in sh httpd wget sleep; do ln -s busybox "$tmp/rootfs/bin/$a"; done
echo '{"items": [1, 2, 3]}' >"$tmp/rootfs/www/items.json"
tar -C "$tmp/rootfs" -c . | docker import - "$IMG" >/dev/null || skip "docker import failed"
docker network create "$NET" >/dev/null || skip "docker network create failed"
docker run -d --name "$API" --network "$NET" "$IMG" httpd -f -p 8000 -h /www >/dev/null ||
	skip "docker run failed"
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$API")
[ -n "$ip" ] || skip "the container got no address"

out=$(mktemp -d)/containers.tinytap
echo "== recording: $REC -o $out --container $API --container $WEB"
"$REC" -q -o "$out" --duration 60 --container "$API" --container "$WEB" &
rec_pid=$!
for _ in $(seq 200); do [ -s "$out" ] && break; sleep 0.05; done
# the client container starts after the recorder: it is named from its first process
docker run --rm --name "$WEB" --network "$NET" "$IMG" \
	sh -c "for i in 1 2 3; do wget -q -O /dev/null http://$ip:8000/items.json?page=\$i; done"
sleep 0.5
kill -INT "$rec_pid"
wait "$rec_pid"
rec_pid=
echo
echo "== $SHOW $out"
"$SHOW" "$out"
echo
echo "== $SHOW $out --container $WEB --json   (its first line's names)"
"$SHOW" -q "$out" --container "$WEB" --json | head -1 | grep -o '"container":"[^"]*"\|"image":"[^"]*"'
echo
echo "The recording is $out: try '$SHOW $out --stats --by container --side server'."
