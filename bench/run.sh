#!/usr/bin/env bash
# tinytap benchmarks (`make bench`, as root). Reports; never gates CI. Every figure is a ratio
# taken side by side in one run, because these machines are noisy. Loopback only; every run is
# bounded in time; every server is stopped by its own pid.
#
#   bench/run.sh [overhead] [capacity] [analysis] [size]      (default: all)
# Env: O (build dir), DUR (seconds per wrk run, default 10), ROUNDS (default 3),
#      NTX (transactions for the analysis benchmark, default 1000000),
#      WRK_SECS (length of the recorded wrk run the analysis benchmark also reads, default 20),
#      REC, SHOW (binaries; default those `make O=$O` builds),
#      REC_B (overhead only: a second recorder, e.g. an older build, measured in the same rounds),
#      REC_ARGS (overhead only: extra recorder options, e.g. "-s 1" for the tracepoint floor).
# Results go to stdout and to $OUT (default bench/results.txt) for BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/.."
O=${O:-build}
if [ "$O" = build ]; then bin=$PWD; else bin=$PWD/$O; fi
REC=$(realpath "${REC:-$bin/tinytap-record}") SHOW=$(realpath "${SHOW:-$bin/tinytap-show}")
REC_B=${REC_B:+$(realpath "$REC_B")} REC_ARGS=${REC_ARGS:-}
TTDUMP=$PWD/$O/tests/helpers/ttdump
DUR=${DUR:-10} ROUNDS=${ROUNDS:-3} NTX=${NTX:-1000000}
OUT=${OUT:-bench/results.txt}
work=$(mktemp -d /tmp/tinytap-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
log() { echo "$*" | tee -a "$OUT"; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root (the recorder loads BPF programs)" >&2; exit 1; }
missing=()
for t in wrk hyperfine tcpdump tshark zstd nginx; do command -v $t >/dev/null || missing+=($t); done
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
		{ echo "bench: cannot install ${missing[*]}" >&2; exit 1; }
fi
: >"$OUT"
log "# tinytap benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "# machine: $(uname -r), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
log "# tinytap $(git rev-parse --short HEAD 2>/dev/null)"

# cpu seconds (user+sys) of a pid, from /proc
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# lost events/bytes from a recording's END record
lost_of() {
	"$TTDUMP" "$1" 2>/dev/null | python3 -c '
import json,sys
e=[json.loads(l) for l in sys.stdin if "\"type\":\"end\"" in l]
print("%s %s" % (e[-1]["lost_events"], e[-1]["lost_bytes"]) if e else "? ?")'
}

start_nginx() { # port -> sets NGINX_PID
	local port=$1 body
	body=$(head -c 1024 /dev/zero | tr '\0' 'x')
	mkdir -p "$work/nginx"
	cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server { listen 127.0.0.1:$port; location / { default_type text/plain; return 200 "$body"; } }
}
CONF
	nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
	NGINX_PID=$!
	pids+=("$NGINX_PID")
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
	echo "bench: nginx did not start" >&2
	exit 1
}

wrk_run() { # port -> "rps p99_ms"
	wrk -t1 -c16 -d"${DUR}s" --latency "http://127.0.0.1:$1/" 2>/dev/null | awk '
		/Requests\/sec/ {rps=$2}
		/^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
		/^ +[0-9]+ requests in/ {n=$1}
		END {printf "%s %s %s\n", rps, p99, n}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
per_k() { awk -v c="$1" -v n="$2" 'BEGIN{printf "%.4f", c*1000/n}'; }

# One wrk run under a recorder: label binary [args]. CPU is counted from the start of the wrk run
# to its end, once the recorder has attached (its file header is written after attach), so BPF
# load and verification are not in it.
rec_round() {
	local label=$1 bin=$2 rp c0 c1 lost
	shift 2
	rm -f "$work/ov.tinytap"
	"$bin" -q "$@" -o "$work/ov.tinytap" &
	rp=$!
	for _ in $(seq 100); do [ -s "$work/ov.tinytap" ] && break; sleep 0.1; done
	sleep 0.5
	c0=$(cpu_of $rp)
	read -r rps p99 n < <(wrk_run $port)
	c1=$(cpu_of $rp)
	kill -INT $rp
	wait $rp
	read -r lost _ < <(lost_of "$work/ov.tinytap")
	log "| $r | $label | $rps | $p99 | $(ratio "$rps" "$base_rps") | $(per_k "$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" "$n") | $lost | $(per_k "$(stat -c %s "$work/ov.tinytap")" "$n" | cut -d. -f1) |"
}

bench_overhead() {
	local port=18080 r tp c0 c1 rps p99 n base_rps base_p99
	log ""
	log "## 1. Recording overhead: nginx 1 KiB in-memory response, wrk -t1 -c16 -d${DUR}s, $ROUNDS rounds"
	log "# recorder: $REC $REC_ARGS${REC_B:+; B: $REC_B $REC_ARGS}"
	start_nginx $port
	log "| round | mode | req/s | p99 ms | ratio | recorder CPU s /1k req | lost events | file bytes /1k req |"
	log "|---|---|---|---|---|---|---|---|"
	for r in $(seq "$ROUNDS"); do
		read -r base_rps base_p99 _ < <(wrk_run $port)
		log "| $r | baseline | $base_rps | $base_p99 | 1.00 | | | |"

		# shellcheck disable=SC2086
		rec_round "tinytap-record (all)" "$REC" $REC_ARGS
		# shellcheck disable=SC2086
		[ -z "$REC_B" ] || rec_round "B: $(basename "$(dirname "$REC_B")")/$(basename "$REC_B")" "$REC_B" $REC_ARGS

		tcpdump -i lo -s 0 -w "$work/ov.pcap" -q "tcp port $port" 2>/dev/null &
		tp=$!
		sleep 1.5
		c0=$(cpu_of $tp)
		read -r rps p99 n < <(wrk_run $port)
		c1=$(cpu_of $tp)
		kill -INT $tp
		wait $tp
		log "| $r | tcpdump -i lo -w | $rps | $p99 | $(ratio "$rps" "$base_rps") | $(per_k "$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" "$n") | | $(per_k "$(stat -c %s "$work/ov.pcap")" "$n" | cut -d. -f1) |"
	done
	kill "$NGINX_PID"
	wait "$NGINX_PID" 2>/dev/null
}

bench_capacity() {
	local port=18090 size rate out
	log ""
	log "## 2. Lossless capture capacity: loopback TCP writes of SIZE bytes at RATE writes/s for 3 s (both ends recorded, --port $port)"
	log "| size | target writes/s | achieved MB/s | achieved writes/s | events recorded | lost events | lost bytes |"
	log "|---|---|---|---|---|---|---|"
	for size in 64 1024 16384 262144; do
		for rate in 50000 100000 200000 400000 0; do
			# cap the offered byte rate at ~2 GB/s so large sizes do not only measure memcpy
			if [ "$rate" != 0 ] && [ $((size * rate)) -gt 2000000000 ]; then continue; fi
			"$REC" -q --port $port -o "$work/cap.tinytap" &
			local rp=$!
			sleep 1.5
			out=$("$O/bench/loadgen" $port "$size" "$rate" 3)
			kill -INT $rp
			wait $rp
			local ev lost lb
			ev=$("$TTDUMP" "$work/cap.tinytap" 2>/dev/null | grep -c '"type":"data"')
			read -r lost lb < <(lost_of "$work/cap.tinytap")
			log "| $size | ${rate/#0/max} | $(sed 's/.*mbps=\([^ ]*\).*/\1/' <<<"$out") | $(sed 's/.*wps=\([^ ]*\).*/\1/' <<<"$out") | $ev | $lost | $lb |"
		done
	done
}

# time_viewers NAME: $work/NAME.tinytap through zstd -d (the floor) and tinytap-show's three
# modes (hyperfine), $work/NAME.pcap through tshark (one run), tinytap-show's peak RSS.
time_viewers() {
	local f=$work/$1 t0 t1 args
	hyperfine -w 1 -r 3 --export-markdown "$f.md" \
		"zstd -dcq $f.tinytap > /dev/null" \
		"$SHOW $f.tinytap > /dev/null 2>&1" \
		"$SHOW $f.tinytap --status 5xx > /dev/null 2>&1" \
		"$SHOW $f.tinytap --json > /dev/null 2>&1" >/dev/null 2>&1 || true
	tee -a "$OUT" <"$f.md"
	t0=$(date +%s.%N)
	tshark -r "$f.pcap" -Y 'http.response.code >= 500' >/dev/null 2>&1
	t1=$(date +%s.%N)
	log "tshark -r $1.pcap -Y 'http.response.code >= 500': $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s (one run)"
	for args in "" "--status 5xx" "--json"; do
		# shellcheck disable=SC2086
		/usr/bin/time -f "%M" -o "$work/mem" "$SHOW" "$f.tinytap" $args >/dev/null 2>&1
		log "peak RSS tinytap-show $args ($1): $(cat "$work/mem") KiB"
	done
}

bench_analysis() {
	log ""
	log "## 3. Analysis speed: $NTX generated HTTP transactions (4 DATA records each)"
	"$O/bench/gen_http" "$NTX" "$work/an.tinytap" "$work/an.pcap" || exit 1
	log "inputs: .tinytap $(stat -c %s "$work/an.tinytap") bytes, pcap $(stat -c %s "$work/an.pcap") bytes"
	time_viewers an
	bench_analysis_wrk
}

# The same on real traffic: wrk against nginx for WRK_SECS, recorded by tinytap-record (both
# ends: two transactions per request) and by tcpdump at the same time (tshark's pcap).
bench_analysis_wrk() {
	local port=18085 secs=${WRK_SECS:-20} rp tp n
	log ""
	log "### 3b. Analysis speed on real traffic: wrk -t1 -c16 -d${secs}s against nginx, recorded by tinytap-record and tcpdump together"
	start_nginx $port
	"$REC" -q --port $port -o "$work/wrk.tinytap" &
	rp=$!
	tcpdump -i lo -s 0 -w "$work/wrk.pcap" -q "tcp port $port" 2>/dev/null &
	tp=$!
	for _ in $(seq 100); do [ -s "$work/wrk.tinytap" ] && break; sleep 0.1; done
	sleep 1
	n=$(wrk -t1 -c16 -d"${secs}s" "http://127.0.0.1:$port/" 2>/dev/null | awk '/requests in/ {print $1}')
	kill -INT $rp $tp
	wait $rp $tp
	kill "$NGINX_PID"
	wait "$NGINX_PID" 2>/dev/null
	"$SHOW" "$work/wrk.tinytap" --status 5xx >/dev/null 2>"$work/wrk.err"
	log "wrk: $n requests; $(sed 's/^tinytap-show: //' "$work/wrk.err"); .tinytap $(stat -c %s "$work/wrk.tinytap") bytes, pcap $(stat -c %s "$work/wrk.pcap") bytes"
	time_viewers wrk
}

bench_size() {
	log ""
	log "## 4. File size per 1,000 transactions (generated traffic; real wrk traffic in table 1)"
	"$O/bench/gen_http" 100000 "$work/sz.tinytap" "$work/sz.pcap" || exit 1
	zstd -q -3 -f "$work/sz.pcap" -o "$work/sz.pcap.zst"
	local t p z
	t=$(stat -c %s "$work/sz.tinytap") p=$(stat -c %s "$work/sz.pcap") z=$(stat -c %s "$work/sz.pcap.zst")
	log "| file | bytes /1k tx | ratio to pcap |"
	log "|---|---|---|"
	log "| .tinytap | $((t / 100)) | $(awk -v a="$t" -v b="$p" 'BEGIN{printf "%.3f", a/b}') |"
	log "| pcap | $((p / 100)) | 1.000 |"
	log "| pcap + zstd -3 | $((z / 100)) | $(awk -v a="$z" -v b="$p" 'BEGIN{printf "%.3f", a/b}') |"
}

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(overhead capacity analysis size)
for s in "${sections[@]}"; do "bench_$s"; done
