# Sourced by tests/e2e/show_redact.sh and testdata/record.sh (not executable: tests/run.sh skips it).
# secrets_traffic PORT: one curl per connection against tests/demo/server.py on 127.0.0.1, each
# carrying a credential that --redact must mask; SECRETS lists them. The 500 is the one a
# `--status 5xx --redact -w` bug report would hold.
SECRETS=(S3cr3tBearer1 S3cr3tCookie2 S3cr3tProxy3 S3cr3tQuery4 S3cr3tForm5 S3cr3tJson6
	S3cr3tXAuth7 S3cr3tIssued8 S3cr3tSetCk9 S3cr3tErr10 S3cr3tErrAuth11)
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
}
