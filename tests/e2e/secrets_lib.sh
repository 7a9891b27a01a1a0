# Sourced by tests/e2e/show_redact.sh, tests/golden/redact.sh and testdata/record.sh (not
# executable: tests/run.sh skips it).
# secrets_traffic PORT: one curl per connection against tests/demo/server.py on 127.0.0.1, each
# carrying a credential that --redact must mask; SECRETS lists them. The 500 is the one a
# `--status 5xx --redact -w` bug report would hold.
# secrets_checks IN: TAP lines (via ok/notok, defined by the caller) proving that every secret is
# in the recording IN and in tinytap-show's output without --redact, and in none of: every output
# mode with --redact, the decompressed bytes of `--status 5xx --redact -w OUT`. Needs SHOW, T (a
# scratch directory) and zstd.
SECRETS=(S3cr3tBearer1 S3cr3tCookie2 S3cr3tProxy3 S3cr3tQuery4 S3cr3tForm5 S3cr3tJson6
	S3cr3tXAuth7 S3cr3tIssued8 S3cr3tSetCk9 S3cr3tErr10 S3cr3tErrAuth11)
# Issued in a gzip-compressed response body: not in the recorded bytes as such, but in the decoded
# body -vv shows, so --redact must mask it there.
GZ_SECRET=S3cr3tGzip12
secrets_traffic() { # port
	local u=http://127.0.0.1:$1
	curl -s -o /dev/null -H 'Authorization: Bearer S3cr3tBearer1' \
		-H 'Cookie: theme=dark; session=S3cr3tCookie2' "$u/api/users"
	curl -s -o /dev/null -H 'Proxy-Authorization: Basic S3cr3tProxy3' \
		"$u/api/users?user=bob&password=S3cr3tQuery4&page=2"
	curl -s -o /dev/null -d 'user=bob&password=S3cr3tForm5&remember=1' \
		-H 'X-Issue-Token: S3cr3tIssued8' -H 'X-Issue-Cookie: S3cr3tSetCk9' "$u/login"
	curl -s -o /dev/null -H 'Content-Type: application/json' -H 'X-Auth-Token: S3cr3tXAuth7' \
		-d '{"name": "widget", "api_key": "S3cr3tJson6"}' "$u/api/items"
	curl -s -o /dev/null -H 'Authorization: Basic S3cr3tErrAuth11' \
		"$u/api/error?token=S3cr3tErr10"
	curl -s -o /dev/null --compressed -d 'user=bob' -H "X-Issue-Token: $GZ_SECRET" "$u/login"
}

# count_secrets FILE [gz]: how many of SECRETS (and GZ_SECRET with gz) occur in FILE;
# list_secrets FILE [gz]: which.
list_secrets() {
	local s all=("${SECRETS[@]}")
	[ "${2:-}" = gz ] && all+=("$GZ_SECRET")
	for s in "${all[@]}"; do grep -q -a -- "$s" "$1" && printf '%s ' "$s"; done
}
count_secrets() {
	local l
	l=$(list_secrets "$@")
	set -- $l
	echo $#
}

secrets_checks() { # IN
	local N=${#SECRETS[@]} n rc mode total lines others OUT

	# Without --redact every secret is there: the checks below can see one when it leaks.
	zstd -q -dc "$1" >"$T/in.raw" 2>/dev/null
	n=$(count_secrets "$T/in.raw")
	[ "$n" = "$N" ] && ok "all $N secrets are in the recording" ||
		notok "recording holds $n of $N secrets"
	"$SHOW" -vv "$1" >"$T/plain.out" 2>/dev/null
	n=$(count_secrets "$T/plain.out" gz)
	[ "$n" = "$((N + 1))" ] && ok "all $((N + 1)) secrets shown by -vv without --redact (one gzip-decoded)" ||
		notok "-vv without --redact shows $n of $((N + 1)) secrets"
	total=$(grep -c '→' "$T/plain.out")
	[ "$total" = 12 ] && ok "12 transactions (6 requests, both ends)" || notok "$total transactions"

	# --redact: no secret in any mode, the same transactions, same sizes.
	for mode in "" "-v" "-vv" "--json" "--json -vv"; do
		# shellcheck disable=SC2086
		"$SHOW" --redact $mode "$1" >"$T/r.out" 2>"$T/r.err"
		rc=$?
		n=$(count_secrets "$T/r.out" gz)
		if [ "$rc" = 0 ] && [ "$n" = 0 ]; then
			ok "--redact ${mode:-(default)}: no secret in the output"
		else
			notok "--redact ${mode:-(default)}: exit $rc, leaked: $(list_secrets "$T/r.out" gz)"
		fi
	done
	"$SHOW" --redact --json "$1" >"$T/r.jsonl" 2>"$T/r.err"
	"$SHOW" --json "$1" >"$T/p.jsonl" 2>/dev/null
	# Same transactions, statuses and byte counts: masking keeps every length.
	strip() { # the fields masking must not change, one line per transaction
		python3 -c 'import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    print(t["side"], t["method"], t["status"], t["req_wire_bytes"], t["resp_wire_bytes"], t["complete"])' "$1"
	}
	strip "$T/r.jsonl" >"$T/r.fields" && strip "$T/p.jsonl" >"$T/p.fields"
	if [ "$(wc -l <"$T/p.fields")" = 12 ] && cmp -s "$T/r.fields" "$T/p.fields"; then
		ok "--redact keeps transactions, statuses and sizes"
	else
		notok "--redact changed transactions"; diff "$T/p.fields" "$T/r.fields" | sed 's/^/#   /'
	fi
	grep -q 'bytes redacted' "$T/r.err" && ok "summary counts redacted bytes" ||
		notok "summary: $(cat "$T/r.err")"
	grep -q '"Authorization":"\*\*\*\*\*\*' "$T/r.jsonl" && ok "masked values are '*' runs" ||
		notok "no masked Authorization in --json"

	# -w: the bug report file.
	OUT=$T/bug.tinytap
	SUDO_UID=65534 SUDO_GID=65534 "$SHOW" "$1" --status 5xx --redact -w "$OUT" >"$T/w.out" 2>"$T/w.err"
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$T/w.out" ] && ok "-w: exit 0, nothing on stdout" ||
		notok "-w: exit $rc, stdout $(wc -c <"$T/w.out") bytes: $(cat "$T/w.err")"
	# As root the file goes to the sudo user; otherwise it stays the caller's.
	local owner=65534
	[ "$(id -u)" = 0 ] || owner=$(id -u)
	[ "$(stat -c '%a %u' "$OUT" 2>/dev/null)" = "600 $owner" ] && ok "-w: file mode 0600, owned by $owner" ||
		notok "-w: mode/owner $(stat -c '%a %u' "$OUT" 2>/dev/null)"
	zstd -q -dc "$OUT" >"$T/out.raw" 2>/dev/null
	n=$(count_secrets "$T/out.raw")
	[ "$n" = 0 ] && ok "-w --redact: no secret in the decompressed file" ||
		notok "-w --redact: leaked $(list_secrets "$T/out.raw")"
	"$SHOW" "$OUT" >"$T/o.out" 2>"$T/o.err"
	rc=$?
	lines=$(grep -c '→ 500' "$T/o.out")
	others=$(grep -c '→' "$T/o.out")
	[ "$rc" = 0 ] && [ "$lines" = 2 ] && [ "$others" = 2 ] &&
		ok "-w file is a valid recording holding just the 5xx connection (both ends)" ||
		{ notok "-w file: exit $rc, $lines 500s of $others"; sed 's/^/#   /' "$T/o.out" "$T/o.err"; }
	grep -q 'GET /api/error?token=\*\*\*\*\*\*\*\*\*\*\*' "$T/o.out" &&
		ok "-w file: the query secret is masked at its length" ||
		{ notok "-w file: masked target"; sed 's/^/#   /' "$T/o.out"; }
	"$SHOW" "$OUT" --json -q | python3 -c 'import json, sys
ts = [json.loads(l) for l in sys.stdin]
assert len(ts) == 2, ts
for t in ts:
    assert t["complete"] and t["status"] == 500 and t["comm"].startswith("curl" if t["side"] == "client" else "python"), t' &&
		ok "-w file: complete transactions with their process names" || notok "-w file: incomplete transactions"

	# -w without --redact keeps the payload as it was (the filter, not the masking, excluded the rest).
	"$SHOW" "$1" --status 5xx -q -w "$T/plain5xx.tinytap"
	zstd -q -dc "$T/plain5xx.tinytap" >"$T/p5.raw" 2>/dev/null
	[ "$(list_secrets "$T/p5.raw")" = "S3cr3tErr10 S3cr3tErrAuth11 " ] &&
		ok "-w without --redact: exactly the 5xx connection's own secrets remain" ||
		notok "-w without --redact holds: $(list_secrets "$T/p5.raw")"

	# From a pipe, and to stdout.
	cat "$1" | "$SHOW" - --redact -q -w - >"$T/pipe.tinytap"
	"$SHOW" "$T/pipe.tinytap" -q | grep -c '→' >"$T/pipe.n"
	zstd -q -dc "$T/pipe.tinytap" >"$T/pipe.raw" 2>/dev/null
	[ "$(cat "$T/pipe.n")" = 12 ] && [ "$(count_secrets "$T/pipe.raw")" = 0 ] &&
		ok "stdin -> -w -: all 12 transactions, redacted" ||
		notok "stdin -> -w -: $(cat "$T/pipe.n") transactions, leaked $(list_secrets "$T/pipe.raw")"

	# Usage errors.
	"$SHOW" "$1" -w "$1" 2>"$T/e.err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$T/e.err")" = 1 ] && ok "-w onto the input: exit 2, one line" ||
		notok "-w onto the input: exit $rc: $(cat "$T/e.err")"
	"$SHOW" "$1" -w "$T/no/such/dir/x.tinytap" 2>"$T/e.err"
	rc=$?
	[ "$rc" = 1 ] && grep -q 'cannot write' "$T/e.err" && ok "-w into a missing directory: exit 1, clear error" ||
		notok "-w missing dir: exit $rc: $(cat "$T/e.err")"
}
