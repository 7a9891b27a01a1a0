#!/usr/bin/env bash
# --redact and -w without root, on testdata/http-secrets.tinytap (a real recording of
# tests/e2e/secrets_lib.sh's traffic, made by testdata/record.sh secrets): every secret is in it,
# none survives --redact in any output mode nor `--status 5xx --redact -w OUT`; OUT is a valid
# 0600 recording of just the 5xx connection. Prints TAP lines. Env: SHOW, TT_ROOT.
set -uo pipefail
ROOT=${TT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOW=$(realpath "${SHOW:-$ROOT/tinytap-show}")
. "$ROOT/tests/e2e/secrets_lib.sh"
ok() { echo "ok - redact: $*"; }
notok() { echo "not ok - redact: $*"; }
command -v zstd >/dev/null || { notok "no zstd"; exit 0; }
T=$(mktemp -d /tmp/tt-redact.XXXXXX)
trap 'rm -rf "$T"' EXIT
secrets_checks "$ROOT/testdata/http-secrets.tinytap"
