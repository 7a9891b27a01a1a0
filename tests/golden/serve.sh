#!/usr/bin/env bash
# tinytap-show --serve without root, on the testdata recordings (docs/web.md):
#   API: /api/txns holds exactly the transactions of tinytap-show --json (the same JSON objects,
#     in the same order), and the filter words give the same set as the command-line flags;
#     bad words are a 400 with a reason; /api/txn has headers and bodies; /api/trace the spans
#     of a trace; /api/stats the --stats --json groups.
#   Security: no token or a wrong one: 403; a foreign Host header (DNS rebinding): 403; the
#     cookie from the page carries the token; CSP on every answer.
#   Escaping: a recording whose path, headers, process name and body hold <script>, <img
#     onerror>, javascript: and </script> shows them as text in a real browser (headless
#     chromium) and runs none of them (each would set document.title to XSSED).
#   Browser: the rendered rows are the API's count, with and without a filter; a row's details
#     show its headers; screenshots of the table and a detail view land in $O/artifacts/.
#   Live: a recording written into a pipe in two parts: Server-Sent Events deliver the second
#     part's transactions (curl, and the page opened before they were written).
# Every server is stopped by its pid. Env: SHOW, TT_ROOT, O. TAP lines.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
O=${O:-build}
case "$O" in /*) ART=$O/artifacts ;; *) ART=$ROOT/$O/artifacts ;; esac
export TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d /tmp/tt-serve.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - serve: $*"; }
notok() { echo "not ok - serve: $*"; }
skip() { echo "ok - serve: $* # SKIP $SKIPWHY"; }
cd "$ROOT/testdata" || exit 1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

for tool in curl jq; do
	if ! command -v "$tool" >/dev/null; then
		notok "$tool is missing (tests/deps.sh)"
		exit 1
	fi
done

# start NAME ARGS...: a server on a free port; sets URL BASE TOKEN SPID. Waits for its URL line.
# Its stdin: $START_IN (a background job's stdin is /dev/null otherwise).
start() {
	local name=$1
	shift
	"$SHOW" --serve 127.0.0.1:0 "$@" <"${START_IN:-/dev/null}" 2>"$T/$name.err" &
	SPID=$!
	PIDS+=("$SPID")
	URL=
	for _ in $(seq 100); do
		URL=$(sed -n 's/.* on \(http:[^ ]*\) (Ctrl-C stops)$/\1/p' "$T/$name.err" | head -1)
		[ -n "$URL" ] && break
		sleep 0.1
	done
	BASE=${URL%%/\?token=*}
	TOKEN=${URL##*token=}
	[ -n "$URL" ]
}
# stop: SIGTERM to the server, which must exit 0.
stop() {
	local rc
	kill "$SPID"
	wait "$SPID"
	rc=$?
	PIDS=("${PIDS[@]/$SPID/}")
	return $rc
}
api() { # path (no token); prints the body
	case "$1" in *\?*) curl -sS --max-time 20 "$BASE$1&token=$TOKEN" ;;
	*) curl -sS --max-time 20 "$BASE$1?token=$TOKEN" ;; esac
}
# all_rows FILTER: every matching row's txn object, one per line, paging 1000 at a time.
all_rows() {
	local off=0 total=1 enc
	enc=$(jq -rn --arg f "$1" '$f|@uri')
	: >"$T/rows"
	while [ "$off" -lt "$total" ]; do
		api "/api/txns?filter=$enc&offset=$off&limit=1000" >"$T/page" || return 1
		total=$(jq -r .total "$T/page") || return 1
		jq -c '.rows[].txn' "$T/page" >>"$T/rows"
		off=$((off + 1000))
	done
	cat "$T/rows"
}

# --- API against --json -------------------------------------------------------------------------
# recording | filter words | the same as flags
cases=(
	"http-nginx||"
	"http-nginx|status:404|--status 404"
	"http-nginx|--side server comm:nginx|--side server --comm nginx"
	"http-nginx|errors|--errors"
	"http-nginx|index|--target *index*"
	"synthetic-http||"
	"synthetic-http|status:5xx|--status 5xx"
	"synthetic-http|status:4xx,5xx --side=server|--status 4xx,5xx --side server"
	"synthetic-http|method:POST,delete|--method POST,delete"
	"synthetic-http|path:/api/*|--path /api/*"
	"synthetic-http|header:Content-Type min-duration:0.01ms|--header Content-Type --min-duration 0.01ms"
	"synthetic-http|grep:chunk|--grep chunk"
	"chain||"
	"chain|pid:300 side:server|--pid 300 --side server"
	"demo-workload|proto:http/1.1 port:39691|--proto http/1.1 --port 39691"
	"grpc||"
	"postgresql|op:SELECT|--op SELECT"
	"containers|container:shop-*|--container shop-*"
	"http2||"
)
declare -A started
for c in "${cases[@]}"; do
	IFS='|' read -r rec words flags <<<"$c"
	if [ -z "${started[$rec]:-}" ]; then
		[ -n "${SPID:-}" ] && { stop || notok "$prev: the server did not exit 0 on SIGTERM"; }
		if ! start "$rec" "$rec.tinytap"; then
			notok "$rec: no URL printed: $(head -3 "$T/$rec.err")"
			SPID=
			continue
		fi
		started[$rec]=1
		prev=$rec
	fi
	# shellcheck disable=SC2086 # flags are words
	"$SHOW" -q --json $flags "$rec.tinytap" >"$T/want" 2>/dev/null
	if ! all_rows "$words" >"$T/got"; then
		notok "$rec '$words': the API failed: $(head -c 300 "$T/page")"
		continue
	fi
	jq -c . "$T/want" >"$T/want.c"
	n=$(wc -l <"$T/want.c")
	if [ "$n" = 0 ] && [ -n "$words" ]; then
		notok "$rec '$words': the case matches nothing on the command line (a useless case)"
	elif cmp -s "$T/got" "$T/want.c"; then
		ok "$rec '$words': the same $n transactions as tinytap-show --json $flags"
	else
		notok "$rec '$words' vs --json $flags: $(diff "$T/got" "$T/want.c" | head -4)"
	fi
done

# the other calls, on the last server (http2)
stop || notok "http2: the server did not exit 0 on SIGTERM"

# --redact: what is served is masked; every transaction's details (bodies) are --json -vv's
if start secrets --redact http-secrets.tinytap; then
	"$SHOW" -q --json -vv --body-max 65536 --redact http-secrets.tinytap | jq -c . >"$T/want"
	n=$(wc -l <"$T/want")
	: >"$T/got"
	for i in $(seq "$n"); do api "/api/txn?id=$i" | jq -c .txn >>"$T/got"; done
	if [ "$n" -gt 0 ] && cmp -s "$T/got" "$T/want" && grep -q '\*\*\*\*' "$T/got"; then
		ok "--redact: the $n transactions' details (headers, bodies) are --json -vv --redact's, masked"
	else
		notok "--redact details: $(diff "$T/got" "$T/want" | head -4 | cut -c1-200)"
	fi
	stop || notok "secrets: the server did not exit 0"
else
	notok "secrets: no URL"
fi
start chain chain.tinytap || notok "chain: no URL"
code=$(curl -s -o "$T/bad" -w '%{http_code}' "$BASE/api/txns?filter=status:abc&token=$TOKEN")
if [ "$code" = 400 ] && jq -e '.error | test("--status .abc.")' "$T/bad" >/dev/null; then
	ok "a bad filter word: 400, $(jq -r .error "$T/bad")"
else
	notok "a bad filter word: $code $(cat "$T/bad")"
fi
code=$(curl -s -o "$T/bad" -w '%{http_code}' "$BASE/api/txns?filter=colour:red&token=$TOKEN")
if [ "$code" = 200 ] && [ "$(jq .total "$T/bad")" = 0 ]; then
	ok "an unknown word: a target glob (colour:red matches nothing here)"
else
	notok "an unknown word: $code $(head -c 200 "$T/bad")"
fi
code=$(curl -s -o "$T/bad" -w '%{http_code}' "$BASE/api/txns?filter=--nosuch%20x&token=$TOKEN")
if [ "$code" = 400 ] && jq -e '.error | test("not a filter")' "$T/bad" >/dev/null; then
	ok "an unknown flag: 400, $(jq -r .error "$T/bad" | cut -c1-60)"
else
	notok "an unknown flag: $code $(cat "$T/bad")"
fi
# a trace: the spans sharing the trace id of transaction 1 in --json
api "/api/trace?id=1" >"$T/trace"
tid=$("$SHOW" -q --json chain.tinytap | head -1 | jq -r .trace_id)
want=$("$SHOW" -q --json chain.tinytap | jq -c --arg t "$tid" 'select(.trace_id == $t)' | wc -l)
got=$(jq '.spans | length' "$T/trace")
if [ "$(jq -r .trace_id "$T/trace")" = "$tid" ] && [ "$got" = "$want" ] && [ "$want" -gt 1 ] &&
	[ "$(jq '[.spans[].txn | select(.parent_span_id != null)] | length' "$T/trace")" -ge 1 ]; then
	ok "/api/trace: $got spans of trace $tid, as --json has them, with parents"
else
	notok "/api/trace: $got spans (want $want) of $tid: $(head -c 300 "$T/trace")"
fi
api "/api/stats" | jq -c '.groups[]' >"$T/stats"
"$SHOW" -q --stats --json chain.tinytap | jq -c . >"$T/stats.want"
if [ -s "$T/stats" ] && cmp -s "$T/stats" "$T/stats.want"; then
	ok "/api/stats: the $(wc -l <"$T/stats") groups of --stats --json"
else
	notok "/api/stats: $(diff "$T/stats" "$T/stats.want" | head -4)"
fi
api "/api/txn?id=1" >"$T/one"
body=$("$SHOW" -q --json -vv chain.tinytap | head -1 | jq -c .resp_body)
if jq -e --argjson b "$body" '.id == 1 and (.txn.req_headers | length) > 0 and .txn.resp_body == $b and $b != null' "$T/one" >/dev/null; then
	ok "/api/txn: headers and the body of transaction 1"
else
	notok "/api/txn: $(head -c 400 "$T/one")"
fi
# sorting: every column, both ways, is ordered by its key (ties by id)
bad=
nchain=$("$SHOW" chain.tinytap --json -q 2>/dev/null | wc -l)
for key in time:.start_us duration:.txn.duration_us size:.txn.resp_body_bytes \
	target:.txn.target process:.txn.comm; do
	col=${key%%:*} expr=${key#*:}
	for dir in asc desc; do
		api "/api/txns?sort=$col&dir=$dir&limit=1000" >"$T/sorted"
		n=$(jq '.rows | length' "$T/sorted")
		if [ "$n" != "$nchain" ] || ! jq -e --arg d "$dir" "[.rows[] | ($expr // -1)] as \$v |
			(\$v | if \$d == \"asc\" then . else reverse end) as \$w | \$w == (\$w | sort)" \
			"$T/sorted" >/dev/null; then
			bad="$bad $col/$dir($n)"
		fi
	done
done
[ -z "$bad" ] && ok "sorting by time, duration, size, target, process both ways: in order" ||
	notok "sorting out of order:$bad"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/txns?sort=colour&token=$TOKEN")
[ "$code" = 400 ] && ok "an unknown sort column: 400" || notok "an unknown sort column: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/txn?id=999999&token=$TOKEN")
[ "$code" = 404 ] && ok "/api/txn of an unknown id: 404" || notok "/api/txn of an unknown id: $code"

# --- the token and the Host header --------------------------------------------------------------
c1=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/info")
wrong=${TOKEN%?}0
[ "$wrong" = "$TOKEN" ] && wrong=${TOKEN%?}1
c2=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/info?token=$wrong")
c3=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/")
c4=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: attacker.example:80' "$BASE/api/info?token=$TOKEN")
c5=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:${BASE##*:}" "$BASE/api/info?token=$TOKEN")
if [ "$c1$c2$c3$c4$c5" = 403403403403200 ]; then
	ok "no token, a wrong token, the page without a token, a foreign Host: 403; localhost: 200"
else
	notok "token/Host: no token $c1, wrong $c2, page $c3, foreign Host $c4, localhost $c5"
fi
curl -s -D "$T/h" -o /dev/null -c "$T/jar" "$URL"
c6=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" "$BASE/api/info")
if grep -qi "^content-security-policy: default-src 'none'; script-src 'self';" "$T/h" &&
	grep -qi '^set-cookie: tt_token=.*HttpOnly; SameSite=Strict' "$T/h" && [ "$c6" = 200 ]; then
	ok "the page: a strict CSP, the token as an HttpOnly SameSite cookie that the API accepts"
else
	notok "the page's headers: cookie request $c6; $(tr -d '\r' <"$T/h" | head -12 | tr '\n' '|')"
fi
curl -s -D "$T/h" -o /dev/null "$BASE/api/info?token=$TOKEN"
grep -qi "^content-security-policy: default-src 'none'" "$T/h" && ok "CSP on API answers too" ||
	notok "no CSP on an API answer"
stop && ok "SIGTERM: the server exits 0" || notok "SIGTERM: the server did not exit 0"

# a non-loopback address is said loudly
"$SHOW" --serve 0.0.0.0:0 http-nginx.tinytap 2>"$T/wild.err" &
wpid=$!
PIDS+=("$wpid")
for _ in $(seq 50); do grep -q 'Ctrl-C stops' "$T/wild.err" && break; sleep 0.1; done
kill "$wpid"
wait "$wpid"
grep -q 'WARNING: --serve 0.0.0.0:0 is not a loopback address' "$T/wild.err" &&
	ok "0.0.0.0: a warning on stderr" || notok "0.0.0.0: no warning: $(head -3 "$T/wild.err")"
"$SHOW" --serve 127.0.0.1:99999 http-nginx.tinytap 2>"$T/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q "expected \[ADDR:\]PORT" "$T/bad.err" && ok "a bad port: usage error" ||
	notok "a bad port: exit $rc, $(cat "$T/bad.err")"

# --- hostile bytes: a hand-made recording ---------------------------------------------------------
cat >"$T/gen.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from mktt import file_header, conn, data, block, process
T = 5_000_000_000
X = b"document.title='XSSED'"
req = (b"GET /x<script>" + X + b"</script>?q=\"><img/src=x/onerror=" + X + b"> HTTP/1.1\r\n"
       b"Host: <script>" + X + b"</script>\r\n"
       b"X-Evil: <img src=x onerror=\"" + X + b"\">\r\n"
       b"Referer: javascript:" + X + b"\r\n\r\n")
body = b"</script><script>" + X + b"</script><img src=x onerror=\"" + X + b"\">"
resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nLocation: javascript:" + X + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
recs = [process(T, 100, 1, 1, "<script>x</scri"), conn(T + 1, 1, 100, 3, 1, 40000, 80),
        data(T + 2, 1, 100, 3, 0, req), data(T + 3000, 1, 100, 3, 1, resp)]
# then, on the same connection, bodies of three kinds: a PNG (shown as an image), JSON (pretty
# printed), binary (a hex dump)
import struct, zlib
def chunk(k, d):
    return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + chunk(b"IEND", b""))
kinds = [("/img", "image/png", png), ("/json", "application/json", b'{"a":1,"b":[2,3]}'),
         ("/bin", "application/octet-stream", bytes(range(40)))]
t = T + 10000
for path, ctype, body in kinds:
    recs.append(data(t, 1, 100, 3, 0, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    recs.append(data(t + 500, 1, 100, 3, 1, b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() +
                     b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body))
    t += 1000
open(sys.argv[2], "wb").write(file_header(T) + block(0, recs, [T, t]))
PY
"$PY" "$T/gen.py" "$ROOT/tests/e2e" "$T/xss.tinytap" || notok "the hostile recording was not made"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
SKIPWHY="chromium is not installed (tests/deps.sh)"
# dom NAME URL [extra chromium args]: the page's DOM after it settled (virtual time).
dom() {
	timeout -k 5 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --user-data-dir="$T/chrome-$1" --window-size=1400,1600 \
		--virtual-time-budget=8000 "${@:3}" --dump-dom "$2" >"$T/$1.html" 2>"$T/$1.chrome.err"
}
shot() { # NAME URL: a screenshot kept in $ART
	timeout -k 5 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --user-data-dir="$T/chrome-shot-$1" --window-size=1400,800 \
		--virtual-time-budget=8000 --screenshot="$ART/serve-$1.png" "$2" >/dev/null 2>&1
}
if [ -n "$CHROMIUM" ] && ! timeout -k 5 60 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
	--user-data-dir="$T/chrome-probe" --dump-dom 'data:text/html,<p>up</p>' 2>/dev/null | grep -q up; then
	CHROMIUM=
	SKIPWHY="chromium cannot start here"
fi
rows_in() { grep -o 'class="grid txn[^"]*"' "$1" | grep -vc loading; }

if [ -z "$CHROMIUM" ]; then
	skip "the page in a browser"
else
	mkdir -p "$ART"
	# escaping: the table and the details (headers, response body) of the hostile transaction
	if start xss "$T/xss.tinytap"; then
		api "/api/txns" >"$T/xss.json"
		for view in "" "#id=1&tab=headers" "#id=1&tab=response"; do
			dom xss "$URL$view"
			title=$(sed -n 's/.*<title>\([^<]*\)<\/title>.*/\1/p' "$T/xss.html")
			if [ "$(rows_in "$T/xss.html")" = 4 ] && [ "$title" = "tinytap: $T/xss.tinytap" ] &&
				! grep -q XSSED <<<"$title" && ! grep -q '<img src="x"' "$T/xss.html" &&
				! grep -qi '<img/src' "$T/xss.html" && ! grep -q '<script>document' "$T/xss.html" &&
				grep -q '&lt;script&gt;document.title=' "$T/xss.html"; then
				ok "hostile bytes ${view:-(table)}: shown as text, nothing ran (title '$title')"
			else
				notok "hostile bytes ${view:-(table)}: title '$title', $(rows_in "$T/xss.html") rows; $(grep -o '.\{60\}XSSED.\{20\}' "$T/xss.html" | head -3)"
			fi
		done
		# bodies: an image shown, JSON pretty-printed, binary as hex
		dom body2 "$URL#id=2&tab=response"
		dom body3 "$URL#id=3&tab=response"
		dom body4 "$URL#id=4&tab=response"
		grep -q '<img class="bodyimg" alt="image body" src="data:image/png;base64,iVBORw0KGgo' "$T/body2.html" &&
			ok "a PNG body is shown as an image" || notok "a PNG body: no image in the view"
		tr '\n' '~' <"$T/body3.html" | grep -q '<pre>{~  "a": 1,~  "b": \[~    2,' &&
			ok "a JSON body is pretty-printed" ||
			notok "a JSON body: not pretty-printed"
		grep -q '<pre>00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................' \
			"$T/body4.html" && ok "a binary body is a hex dump" || notok "a binary body: no hex dump"
		shot xss-detail "$URL#id=1&tab=headers"
		stop || notok "xss: the server did not exit 0"
	else
		notok "xss: no URL"
	fi
	# rows: the API's count, with and without a filter; details; screenshots
	if start page synthetic-http.tinytap; then
		for f in "" "status:5xx" "--side server method:POST,delete"; do
			enc=$(jq -rn --arg f "$f" '$f|@uri')
			want=$(api "/api/txns?filter=$enc&limit=1" | jq .total)
			dom page "$URL#filter=$enc"
			got=$(rows_in "$T/page.html")
			if [ "$got" = "$want" ] && [ "$want" -gt 0 ] && grep -q "$want shown" "$T/page.html"; then
				ok "the page${f:+ with filter '$f'}: $got rows, the API's count"
			else
				notok "the page${f:+ with filter '$f'}: $got rows, the API has $want"
			fi
		done
		dom detail "$URL#id=2&tab=headers"
		want=$(api "/api/txn?id=2" | jq -r '.txn.req_headers | keys[0]')
		if grep -q "<td>$want</td>" "$T/detail.html" && grep -q 'class="grid txn[^"]*sel' "$T/detail.html"; then
			ok "a row's details: its request headers ($want) and the row selected"
		else
			notok "a row's details: no header $want in the detail view"
		fi
		shot table "$URL"
		shot detail "$URL#id=2&tab=headers"
		stop || notok "page: the server did not exit 0"
		n=$(ls "$ART"/serve-*.png 2>/dev/null | wc -l)
		[ "$n" -ge 3 ] && ok "screenshots kept: $n in $ART" || notok "screenshots: $n in $ART"
	else
		notok "page: no URL"
	fi
fi

# --- live: a recording written into a pipe in two parts -------------------------------------------
# synthetic-http.tinytap's blocks start at these offsets; the first part ends at a block's end.
REC=synthetic-http.tinytap
CUT=3288
mkfifo "$T/pipe"
( head -c $CUT "$REC"; while [ ! -e "$T/go" ]; do sleep 0.1; done; tail -c +$((CUT + 1)) "$REC" ) >"$T/pipe" &
WPID=$!
PIDS+=("$WPID")
if START_IN=$T/pipe start live -; then
	# the first part's transactions, when they stopped coming
	n1=-1
	for _ in $(seq 50); do
		sleep 0.2
		n=$(api "/api/info" | jq .seen)
		[ "$n" = "$n1" ] && [ "$n" -gt 0 ] && break
		n1=$n
	done
	last=$(api "/api/info" | jq .last_id)
	curl -sN --max-time 180 "$BASE/api/events?after=$last&token=$TOKEN" >"$T/sse" 2>/dev/null &
	CPID=$!
	PIDS+=("$CPID")
	if [ -n "$CHROMIUM" ]; then # the page, opened before the second part is written
		dom live "$URL" &
		DPID=$!
		PIDS+=("$DPID")
	fi
	# both event streams (curl's, the page's) are open before the second part is written
	want_streams=$([ -n "$CHROMIUM" ] && echo 2 || echo 1)
	for _ in $(seq 300); do
		[ "$(api "/api/info" | jq .streams)" -ge "$want_streams" ] && break
		sleep 0.1
	done
	sleep 0.5
	touch "$T/go"
	wait "$WPID"
	for _ in $(seq 50); do [ "$(api "/api/info" | jq .done)" = true ] && break; sleep 0.2; done
	total=$(api "/api/info" | jq .seen)
	want=$(cat "$REC" | "$SHOW" -q --json - | wc -l)
	sse_rows=$(sed -n 's/^data: //p' "$T/sse" | jq -s '[.[].rows[]] | length')
	sse_ids=$(sed -n 's/^data: //p' "$T/sse" | jq -s -c '[.[].rows[].id] | min, max' | tr '\n' ' ')
	if [ "$total" = "$want" ] && [ "$last" -gt 0 ] && [ "$last" -lt "$total" ] &&
		[ "$sse_rows" = $((total - last)) ] && [ "$sse_ids" = "$((last + 1)) $total " ]; then
		ok "live: $last transactions from the first part, then SSE delivered the other $sse_rows (ids $sse_ids), $total in all as --json"
	else
		notok "live: first part $last, total $total (want $want), SSE rows $sse_rows ids $sse_ids"
	fi
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	if [ -n "$CHROMIUM" ]; then
		wait "$DPID"
		got=$(rows_in "$T/live.html")
		sse=$(sed -n 's/.*data-sse-rows="\([0-9]*\)".*/\1/p' "$T/live.html")
		if [ "$got" = "$total" ] && [ "${sse:-0}" -gt 0 ]; then
			ok "live page: opened with $last rows, shows all $got; $sse came as events"
		else
			notok "live page: $got rows (want $total), ${sse:-no} rows came as events"
		fi
	else
		skip "live page"
	fi
	stop || notok "live: the server did not exit 0"
else
	notok "live: no URL: $(head -3 "$T/live.err")"
fi
