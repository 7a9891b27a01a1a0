#!/usr/bin/env bash
# tinytap benchmarks (`make bench`, as root). Reports; never gates CI. Every figure is a ratio
# taken side by side in one run, because these machines are noisy. Loopback only; every run is
# bounded in time; every server is stopped by its own pid.
#
#   bench/run.sh [overhead] [tls] [rates] [capacity] [analysis] [exports] [protocols] [size]  (default: all)
# Env: O (build dir), DUR (seconds per wrk run, default 10), ROUNDS (default 3),
#      RATES (rates: request rates, default "1000 10000 50000"), RATE_SECS (seconds per rate run, default 10),
#      NTX (transactions for the analysis benchmark, default 1000000),
#      WRK_SECS (length of the recorded wrk run the analysis benchmark also reads, default 20),
#      REC, SHOW (binaries; default those `make O=$O` builds),
#      REC_B (overhead and rates: a second recorder, e.g. an older build, measured in the same rounds),
#      REC_ARGS (overhead and rates: extra recorder options, e.g. "-s 1" for the tracepoint floor).
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

start_nginx() { # port [ssl] -> sets NGINX_PID (ssl: a second server on port+1 with TLS)
	local port=$1 body tls=""
	body=$(head -c 1024 /dev/zero | tr '\0' 'x')
	if [ "${2:-}" = ssl ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
			-days 2 -subj /CN=localhost 2>/dev/null
		tls="server { listen 127.0.0.1:$((port + 1)) ssl; ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        location / { default_type text/plain; return 200 \"$body\"; } }"
	fi
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
    $tls
}
CONF
	nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
	NGINX_PID=$!
	pids+=("$NGINX_PID")
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
	echo "bench: nginx did not start" >&2
	exit 1
}

wrk_run() { # port [scheme] -> "rps p99_ms"
	wrk -t1 -c16 -d"${DUR}s" --latency "${2:-http}://127.0.0.1:$1/" 2>/dev/null | awk '
		/Requests\/sec/ {rps=$2}
		/^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
		/^ +[0-9]+ requests in/ {n=$1}
		END {printf "%s %s %s\n", rps, p99, n}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
per_k() { awk -v c="$1" -v n="$2" 'BEGIN{printf "%.4f", c*1000/n}'; }

# wait_attached FILE: until the recorder writing FILE has attached (its file header is written
# after attach), at most 10 s.
wait_attached() { for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done; }
# rec_start FILE BINARY [ARGS]: a recorder into FILE in the background (REC_BG its pid), attached.
rec_start() {
	local f=$1 bin=$2
	shift 2
	rm -f "$f"
	"$bin" -q "$@" -o "$f" &
	REC_BG=$!
	wait_attached "$f"
}

# One wrk run under a recorder: label binary [args]. CPU is counted from the start of the wrk run
# to its end, once the recorder has attached (its file header is written after attach), so BPF
# load and verification are not in it.
rec_round() {
	local label=$1 bin=$2 rp c0 c1 lost
	shift 2
	local wport=${WPORT:-$port} scheme=${SCHEME:-http}
	rec_start "$work/ov.tinytap" "$bin" "$@"
	rp=$REC_BG
	sleep 0.5
	c0=$(cpu_of $rp)
	read -r rps p99 n < <(wrk_run "$wport" "$scheme")
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

# HTTPS next to HTTP, same rounds: nginx's 1 KiB response over TLS (keep-alive: wrk's 16
# connections shake hands once), recorded with the OpenSSL uprobes (default: plaintext and
# ciphertext) and with --no-tls (ciphertext only).
bench_tls() {
	local port=18180 r base_rps base_p99
	log ""
	log "## 1b. HTTPS: the OpenSSL uprobes. nginx 1 KiB in-memory response, wrk -t1 -c16 -d${DUR}s over http:// and https:// (wrk and nginx link libssl.so.3), $ROUNDS rounds"
	start_nginx $port ssl
	log "| round | mode | req/s | p99 ms | ratio | recorder CPU s /1k req | lost events | file bytes /1k req |"
	log "|---|---|---|---|---|---|---|---|"
	for r in $(seq "$ROUNDS"); do
		read -r base_rps base_p99 _ < <(wrk_run $port)
		log "| $r | http baseline | $base_rps | $base_p99 | 1.00 | | | |"
		rec_round "http, tinytap-record" "$REC" --port $port
		read -r base_rps base_p99 _ < <(wrk_run $((port + 1)) https)
		log "| $r | https baseline | $base_rps | $base_p99 | 1.00 | | | |"
		WPORT=$((port + 1)) SCHEME=https rec_round "https, tinytap-record (TLS plaintext)" "$REC" --port $((port + 1))
		WPORT=$((port + 1)) SCHEME=https rec_round "https, tinytap-record --no-tls" "$REC" --no-tls --port $((port + 1))
	done
	kill "$NGINX_PID"
	wait "$NGINX_PID" 2>/dev/null
}

# Fixed request rates (issue 18): bench/httprate, an open-loop (wrk2-style) client, sends nginx's
# 1 KiB response at each of $RATES req/s for RATE_SECS on 16 keep-alive connections; the latency
# of a request counts from its intended send time, so a stall shows up in p99 instead of lowering
# the rate. Each round: no recorder, tinytap-record ($REC_ARGS; default: all traffic), REC_B, and
# tcpdump -i lo -w (port filter). The recorder's CPU (user+sys, /proc) from the start of the load to
# its end, per 1k requests and as % of one CPU. The BPF programs run inside the traced processes'
# system calls, and on loopback tcpdump's packet copies run in the sender's: that cost is in the
# nginx worker's and httprate's own CPU (the "nginx+httprate" column, to compare with the baseline's).
# rate_run RATE [PID]: one httprate run; sets RT_* (RT_CPU, RT_PCT: PID's CPU, empty without PID)
rate_run() {
	local c0='' c1='' n0 n1 w0 w1 out
	[ -z "${2:-}" ] || c0=$(cpu_of "$2")
	n0=$(cpu_of "$NGINX_WORKER") w0=$EPOCHREALTIME
	out=$("$O/bench/httprate" "127.0.0.1:$port" / "$1" "$secs" 2>"$work/rt.err")
	n1=$(cpu_of "$NGINX_WORKER") w1=$EPOCHREALTIME
	[ -z "${2:-}" ] || c1=$(cpu_of "$2")
	kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$out"; }
	RT_ACH=$(kv achieved) RT_P50=$(kv p50_ms) RT_P99=$(kv p99_ms) RT_N=$(kv 'done') RT_ERR=$(kv errors)
	RT_APP=$(awk -v a="$n0" -v b="$n1" -v h="$(kv cpu_s)" -v s="$w0" -v e="$w1" \
		'BEGIN{printf "%.0f", (b-a+h)/(e-s)*100}')
	RT_CPU='' RT_PCT=''
	if [ -n "$c0" ] && [ "${RT_N:-0}" -gt 0 ]; then
		RT_CPU=$(per_k "$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" "$RT_N")
		RT_PCT=$(awk -v a="$c0" -v b="$c1" -v s="$w0" -v e="$w1" 'BEGIN{printf "%.1f", (b-a)/(e-s)*100}')
	fi
	# errors: non-2xx and lost connections, then what httprate said (unanswered requests)
	RT_NOTE=${RT_ERR:-?}
	[ ! -s "$work/rt.err" ] || RT_NOTE="$RT_NOTE; $(tr '\n' ' ' <"$work/rt.err" | sed 's/^httprate: //; s/ *$//')"
}
# rate_row MODE LOST: a table row from RT_*, added latency against the round's baseline
rate_row() {
	local dp50 dp99
	dp50=$(awk -v a="$RT_P50" -v b="$base_p50" 'BEGIN{if (a == "" || b == "") print ""; else printf "%+.3f", a-b}')
	dp99=$(awk -v a="$RT_P99" -v b="$base_p99" 'BEGIN{if (a == "" || b == "") print ""; else printf "%+.3f", a-b}')
	log "| $rate | $r | $1 | ${RT_ACH:--} | ${RT_P50:--} | ${RT_P99:--} | $dp50 | $dp99 | $RT_CPU | $RT_PCT | $RT_APP | $2 | $RT_NOTE |"
}
# rate_rec LABEL BINARY [ARGS]: one run under a recorder, started as rec_round does
rate_rec() {
	local label=$1 bin=$2 rp lost
	shift 2
	rec_start "$work/rt.tinytap" "$bin" "$@"
	rp=$REC_BG
	sleep 0.5
	rate_run "$rate" $rp
	kill -INT $rp
	wait $rp
	read -r lost _ < <(lost_of "$work/rt.tinytap")
	rate_row "$label" "$lost"
}
bench_rates() {
	local port=18095 secs=${RATE_SECS:-10} rate r tp base_p50 base_p99 drop
	log ""
	log "## 1c. Fixed request rates: nginx 1 KiB in-memory response, bench/httprate (open loop: latency from each request's intended send time) at ${RATES:-1000 10000 50000} req/s, ${secs}s each, 16 connections, $ROUNDS rounds"
	log "# recorder: $REC $REC_ARGS${REC_B:+; B: $REC_B $REC_ARGS}; tcpdump: -i lo -s 0 -w, filter tcp port $port"
	log "# CPU: the recorder's (tcpdump's) user+sys during the load; nginx+httprate: the nginx worker's and the client's, % of one CPU (BPF programs run in them)"
	[ -x "$O/bench/httprate" ] || { log "skipped: no $O/bench/httprate (make $O/bench/httprate)"; return; }
	log "| req/s | round | mode | achieved req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | CPU s /1k req | CPU % of one core | nginx+httprate CPU % | lost events | errors |"
	log "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for rate in ${RATES:-1000 10000 50000}; do
		start_nginx $port
		NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
		for r in $(seq "$ROUNDS"); do
			base_p50='' base_p99=''
			rate_run "$rate"
			base_p50=$RT_P50 base_p99=$RT_P99
			rate_row baseline ""

			# shellcheck disable=SC2086
			rate_rec "tinytap-record" "$REC" $REC_ARGS
			# shellcheck disable=SC2086
			[ -z "$REC_B" ] || rate_rec "B: $(basename "$(dirname "$REC_B")")/$(basename "$REC_B")" "$REC_B" $REC_ARGS

			tcpdump -i lo -s 0 -w "$work/rt.pcap" -q "tcp port $port" 2>"$work/td.err" &
			tp=$!
			sleep 1.5
			rate_run "$rate" $tp
			kill -INT $tp
			wait $tp
			drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$work/td.err")
			rate_row "tcpdump -i lo -w" "${drop:+$drop packets}"
		done
		kill "$NGINX_PID"
		wait "$NGINX_PID" 2>/dev/null
	done
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
	wait_attached "$work/wrk.tinytap"
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

# proto_run NAME CMD...: the client's own rate line for one run (the command prints it)
# parse_speed NAME FILE: tinytap-show on a recorded FILE next to zstd -d of it (hyperfine), with
# the DATA records and payload bytes per second of tinytap-show.
parse_speed() {
	local name=$1 f=$2 recs bytes
	read -r recs bytes < <("$TTDUMP" "$f" 2>/dev/null | python3 -c '
import json,sys
n=b=0
for l in sys.stdin:
    if "\"type\":\"data\"" in l:
        d=json.loads(l); n+=1; b+=d.get("cap_len", 0)
print(n, b)')
	hyperfine -w 1 -r 3 --export-json "$work/$name.json" \
		"zstd -dcq $f > /dev/null" "$SHOW $f > /dev/null 2>&1" >/dev/null 2>&1 || true
	python3 - "$work/$name.json" "$name" "$recs" "$bytes" "$(stat -c %s "$f")" "$("$SHOW" "$f" 2>&1 >/dev/null | tail -1)" <<'PY' | tee -a "$OUT"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
import re
z, s = r[0]["mean"], r[1]["mean"]
n, b, size = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
m = re.search(r"of (\d+) transactions", sys.argv[6])
tx = int(m.group(1)) if m else 0
print(f"| {sys.argv[2]} | {tx} | {n} | {b/1e6:.1f} MB ({size/1e6:.1f} MB file) | {z:.2f} s | {s:.2f} s | {s/z:.1f} | {tx/s/1e3:.0f} k | {n/s/1e3:.0f} k | {b/s/1e6:.0f} MB/s |")
PY
}

# client_overhead LABEL PORT NAME CMD...: CMD prints the client's own rate; it runs without, then
# with tinytap-record --port PORT (into $work/NAME.tinytap; WITH_PCAP=1: tcpdump into NAME.pcap
# too), and the table row gets both rates, their ratio and the recorder's CPU seconds.
client_overhead() {
	local label=$1 port=$2 name=$3 base rec rp tp= c0 c1
	shift 3
	base=$("$@")
	"$REC" -q --port "$port" -o "$work/$name.tinytap" &
	rp=$!
	if [ -n "${WITH_PCAP:-}" ]; then
		tcpdump -i lo -s 0 -w "$work/$name.pcap" -q "tcp port $port" 2>/dev/null &
		tp=$!
	fi
	wait_attached "$work/$name.tinytap"
	sleep 0.5
	[ -z "$tp" ] || sleep 0.5
	c0=$(cpu_of $rp)
	rec=$("$@")
	c1=$(cpu_of $rp)
	kill -INT $rp $tp
	wait $rp $tp
	log "| $label | $base | $rec | $(ratio "$rec" "$base") | $(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.1f", b-a}') |"
}

# Overhead and parse speed per database protocol: the client's own throughput without and with
# tinytap-record (--port of the server, both ends), then tinytap-show on that recording.
bench_protocols() {
	log ""
	log "## 5. Database protocols: recording overhead (same run) and parse speed"
	chmod 755 "$work" # the PostgreSQL cluster below runs as nobody
	log "| client | without | with tinytap-record | ratio | recorder CPU s |"
	log "|---|---|---|---|---|"
	# PostgreSQL: pgbench -S (select-only, simple protocol) and -M prepared
	. tests/e2e/pg_lib.sh
	if pg_find && pg_start "$work/pg" 18432; then
		pids+=("$PG_PID")
		"$PGBIN/pgbench" -h 127.0.0.1 -p 18432 -U wire -i -s 2 postgres >/dev/null 2>&1 ||
			"$PGBIN/pgbench" -h "$work/pg/sock" -p 18432 -U postgres -i -s 2 postgres >/dev/null 2>&1
		pgb() { "$PGBIN/pgbench" -h 127.0.0.1 -p 18432 -U postgres -n -S -c 4 -j 2 -T "$DUR" "$@" postgres 2>/dev/null |
			sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1; }
		export PGPASSWORD=$PG_SUPER_PW
		for mode in simple prepared; do
			client_overhead "pgbench -S -c 4 -M $mode (tps)" 18432 "pg-$mode" pgb -M $mode
		done
		pg_stop
	else
		log "| pgbench | skipped: ${PG_WHY:-} | | | |"
	fi
	# Redis: redis-benchmark, 16 commands pipelined
	if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
		redis-server --port 18379 --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null 2>&1 &
		local rs=$!
		pids+=("$rs")
		for _ in $(seq 50); do redis-cli -p 18379 ping >/dev/null 2>&1 && break; sleep 0.1; done
		rdb() { redis-benchmark -p 18379 -q -n "${REDIS_N:-400000}" -P 16 -t set,get 2>/dev/null | tr '\r' '\n' |
			awk '/requests per second/ {for (i=1;i<=NF;i++) if ($i ~ /^[0-9.]+$/) {s+=$i; n++; break}} END {printf "%.0f", s/n}'; }
		client_overhead "redis-benchmark -P 16 -t set,get (req/s)" 18379 redis rdb
		kill $rs; wait $rs 2>/dev/null
	fi
	# MySQL: mariadb-slap (mysqlslap) against a throwaway MariaDB datadir
	local slap
	slap=$(command -v mariadb-slap || command -v mysqlslap || true)
	if command -v mariadbd >/dev/null && [ -n "$slap" ] &&
		mariadb-install-db --no-defaults --datadir="$work/my" --user=root \
			--auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1; then
		mariadbd --no-defaults --datadir="$work/my" --user=root --port=18306 --bind-address=127.0.0.1 \
			--socket="$work/my.sock" --pid-file="$work/my.pid" --log-error="$work/my.err" \
			--skip-log-bin --innodb-buffer-pool-size=16M >/dev/null 2>&1 &
		local md=$!
		pids+=("$md")
		for _ in $(seq 100); do mariadb --no-defaults -S "$work/my.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
		slp() { local t0 t1
			t0=$(date +%s.%N)
			"$slap" --no-defaults -h127.0.0.1 -P18306 -uroot --skip-ssl --concurrency=4 \
				--iterations="${MYSQL_ITER:-20}" --number-of-queries=2000 --auto-generate-sql \
				--auto-generate-sql-load-type=mixed >/dev/null 2>&1
			t1=$(date +%s.%N)
			awk -v a="$t0" -v b="$t1" -v n="$(( ${MYSQL_ITER:-20} * 2000 ))" 'BEGIN{printf "%.0f", n/(b-a)}'; }
		client_overhead "mariadb-slap -c 4 mixed (queries/s)" 18306 mysql slp
		kill "$md"; wait "$md" 2>/dev/null
	fi
	# HTTP/2: h2load against nginx (h2c), recorded by tinytap-record and tcpdump together
	if command -v h2load >/dev/null; then
		local np=18443 t0 t1
		mkdir -p "$work/h2"
		cat >"$work/h2/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/h2/nginx.pid;
error_log $work/h2/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/h2; proxy_temp_path $work/h2;
    fastcgi_temp_path $work/h2; uwsgi_temp_path $work/h2; scgi_temp_path $work/h2;
    keepalive_requests 10000000; # one h2load connection for the whole run (h2load does not reconnect)
    server { listen 127.0.0.1:$np http2; location / { default_type text/plain; return 200 "hello h2 world"; } }
}
CONF
		nginx -c "$work/h2/nginx.conf" -p "$work/h2" &
		local ng=$!
		pids+=("$ng")
		sleep 1
		h2l() { h2load -n "${H2_N:-200000}" -c 4 -m 16 "http://127.0.0.1:$np/" 2>/dev/null |
			sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p'; }
		WITH_PCAP=1 client_overhead "h2load -c 4 -m 16 (req/s; tcpdump recording too)" $np h2load h2l
		kill "$ng"; wait "$ng" 2>/dev/null
		t0=$(date +%s.%N)
		tshark -r "$work/h2load.pcap" -d "tcp.port==$np,http2" -Y http2.header >/dev/null 2>&1
		t1=$(date +%s.%N)
		H2_TSHARK=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
	fi
	log ""
	log "| recording | transactions | DATA records | payload | zstd -dcq | tinytap-show | ratio | transactions/s | records/s | payload/s |"
	log "|---|---|---|---|---|---|---|---|---|---|"
	for f in pg-simple pg-prepared redis mysql h2load; do
		[ -s "$work/$f.tinytap" ] && parse_speed "$f" "$work/$f.tinytap"
	done
	[ -z "${H2_TSHARK:-}" ] || log "tshark -r h2load.pcap -d tcp.port==P,http2 -Y http2.header (same traffic, one run): $H2_TSHARK s"
}

# Every export format on the NTX-transaction generated recording, next to zstd -d and the plain
# view in the same hyperfine run; peak RSS of each (streaming writers: it must not grow with NTX).
bench_exports() {
	local f=$work/ex fmt
	log ""
	log "## 3c. Export speed: $NTX generated HTTP transactions"
	[ -s "$f.tinytap" ] || "$O/bench/gen_http" "$NTX" "$f.tinytap" "$f.pcap" || exit 1
	hyperfine -w 1 -r "${EXPORT_RUNS:-3}" --export-markdown "$f.md" \
		"zstd -dcq $f.tinytap > /dev/null" \
		"$SHOW $f.tinytap > /dev/null 2>&1" \
		"$SHOW $f.tinytap --format har > /dev/null 2>&1" \
		"$SHOW $f.tinytap --format pcapng > /dev/null 2>&1" \
		"$SHOW $f.tinytap --format curl > /dev/null 2>&1" \
		"$SHOW $f.tinytap --format otlp > /dev/null 2>&1" \
		"$SHOW $f.tinytap --stats > /dev/null 2>&1" >/dev/null 2>&1 || true
	tee -a "$OUT" <"$f.md"
	for fmt in "--format har" "--format pcapng" "--format curl" "--format otlp" "--stats"; do
		# shellcheck disable=SC2086
		/usr/bin/time -f "%M" -o "$work/mem" "$SHOW" "$f.tinytap" $fmt >"$work/out" 2>/dev/null
		log "peak RSS tinytap-show $fmt: $(cat "$work/mem") KiB, output $(stat -c %s "$work/out") bytes"
	done
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
[ ${#sections[@]} -gt 0 ] || sections=(overhead tls rates capacity analysis exports protocols size)
for s in "${sections[@]}"; do "bench_$s"; done
