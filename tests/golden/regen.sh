#!/usr/bin/env bash
# Rewrites tinytap-show's golden data after a reviewed change:
#   1. testdata/synthetic-http.tinytap from tests/helpers/gen_http and the hostile and regress-*
#      recordings from tests/helpers/gen_hostile (deterministic),
#   2. the corrupt and truncated copies in testdata/corrupt/ (dd / head -c + byte flips, from the
#      synthetic and the real recordings),
#   3. every testdata/expected/ file listed in testdata/manifest.
# Then review `git diff testdata/` before committing.
# Not executable on purpose (tests/run.sh runs every executable script here): bash tests/golden/regen.sh
# Env: O (build dir, default build), SHOW, GEN (gen_http binary).
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${O:-build}
SHOW=$(realpath "${SHOW:-$O/tinytap-show}")
GEN=${GEN:-$O/tests/helpers/gen_http}
[ -x "$GEN" ] || { echo "regen: build $GEN first (make O=$O)" >&2; exit 1; }
"$GEN" testdata/synthetic-http.tinytap
"$GEN" -b 1048576 testdata/synthetic-http-1block.tinytap
GEN_HOSTILE=${GEN_HOSTILE:-$O/tests/helpers/gen_hostile}
[ -x "$GEN_HOSTILE" ] || { echo "regen: build $GEN_HOSTILE first (make O=$O)" >&2; exit 1; }
"$GEN_HOSTILE" smuggling testdata/hostile-smuggling.tinytap
"$GEN_HOSTILE" huge-holes testdata/regress-huge-holes.tinytap
"$GEN_HOSTILE" gzip-empty testdata/regress-gzip-empty.tinytap
"$GEN_HOSTILE" websocket testdata/hostile-websocket.tinytap
# request chains: every link rule, and the cases it must not guess (tests/helpers/gen_chain.c)
"${GEN_CHAIN:-$O/tests/helpers/gen_chain}" testdata/chain.tinytap
mkdir -p testdata/hosts
"${GEN_CHAIN:-$O/tests/helpers/gen_chain}" --hosts testdata/hosts
# binary traffic only (no protocol recognises it): the summary must still say what was seen
"${TTWRITE:-$O/tests/helpers/ttwrite}" -n 200 -s 64 testdata/nonhttp.tinytap 2>/dev/null

flip() { # file offset: replace one byte with its complement
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
c=testdata/corrupt
mkdir -p $c
syn=testdata/synthetic-http.tinytap
size=$(stat -c %s $syn)
head -c $((size * 2 / 3)) $syn >$c/synthetic-cut.tinytap       # cut inside a block
cp $syn $c/synthetic-flip.tinytap && flip $c/synthetic-flip.tinytap $((size / 3))
cp $syn $c/synthetic-flip2.tinytap && flip $c/synthetic-flip2.tinytap $((size / 4)) &&
	flip $c/synthetic-flip2.tinytap $((size * 3 / 4))
head -c 100 $syn >$c/synthetic-header-only.tinytap
for r in nginx python; do
	f=testdata/http-$r.tinytap
	[ -f "$f" ] || continue
	s=$(stat -c %s "$f")
	head -c $((s / 2)) "$f" >$c/$r-cut.tinytap
	cp "$f" $c/$r-flip.tinytap && flip $c/$r-flip.tinytap $((s / 2))
done
printf 'GET / HTTP/1.1\r\nHost: not-a-recording\r\n\r\n' >$c/not-a-recording.tinytap
: >$c/empty.tinytap
REGEN=1 SHOW=$SHOW TT_ROOT=$PWD tests/golden/golden.sh
