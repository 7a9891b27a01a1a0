#!/usr/bin/env bash
# Installs tinytap's build and test dependencies from apt, idempotently and non-interactively.
#   tests/deps.sh                       install whatever is missing (needs root)
#   tests/deps.sh --check-or-install    same, but as non-root only report what is missing
set -euo pipefail

# libjson-c-dev: tinytap-record reads container runtimes' JSON metadata (capture/cgnames.c).
# libmicrohttpd-dev: the HTTP server of tinytap-show --serve (analyze/web/serve.c).
BUILD_PKGS=(make gcc libc6-dev libbpf-dev clang llvm libelf-dev zlib1g-dev libzstd-dev pkg-config
	libcriterion-dev libnghttp2-dev libjson-c-dev libmicrohttpd-dev)
# Debian 12 ships bpftool as its own package; Ubuntu ships it in linux-tools-common/-generic.
# valgrind: tests/golden/valgrind.sh; time (/usr/bin/time -v, peak RSS): tests/golden/hostile.sh;
# tshark: tests/golden/export_pcapng.sh reads the pcapng export with Wireshark's reader;
# python3-websockets: tests/e2e/proto_websocket.sh and testdata/record.sh websocket;
# MySQL (tests/e2e/proto_mysql.sh, testdata/record.sh mysql): the server and client, pymysql, and
# libmariadb for the binary-protocol client tests/helpers/mysql_stmt.c;
# nghttp2-client (nghttp, h2load), apache2 (mod_http2: the h2c upgrade), python3-grpcio:
# tests/e2e/proto_http2.sh and proto_grpc.sh;
# postgresql, python3-psycopg2: tests/e2e/proto_postgres.sh and testdata/record.sh postgres;
# redis-server, redis-tools (redis-cli, redis-benchmark), python3-redis: tests/e2e/proto_redis.sh
# and testdata/record.sh redis.
# nodejs, npm: test-only npm packages (har-validator, protobufjs) for tests/golden/export*.sh;
# chromium: tests/golden/export_devtools.sh loads the HAR export with DevTools' own importer, and
# with jq, tests/golden/serve.sh drives the --serve page in a headless browser.
# openssl (certificates made by the test) and libssl-dev (libssl.a: the statically linked client
# that must be named as not hooked): tests/e2e/record_tls.sh and testdata/record.sh tls.
# man-db (man -l, groff): tests/golden/manpages.sh renders the man pages; systemd
# (systemd-analyze verify): tests/golden/install.sh checks the unit; setpriv (util-linux, always
# there): tests/e2e/record_privdrop.sh starts the recorder as the unit would.
TEST_PKGS=(curl python3 nginx zstd valgrind time tshark python3-websockets mariadb-server
	mariadb-client python3-pymysql libmariadb-dev nghttp2-client apache2 python3-grpcio
	postgresql python3-psycopg2 redis-server redis-tools python3-redis nodejs chromium jq
	openssl libssl-dev man-db systemd)

# `make ARCH=arm64` / `make check-arm64` on another machine (tests/deps.sh --arm64): Debian's cross
# toolchain, the arm64 build libraries (multiarch) and qemu-user for the arm64 test binaries.
# Not libcriterion-dev:arm64: Debian 12's is not Multi-Arch: same, so installing it REMOVES the
# amd64 one (and the amd64 unit tests with it); check-arm64 runs the unit suites only where it is
# installed anyway (an arm64-only CI image).
ARM64_PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static libzstd-dev:arm64
	libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libnghttp2-dev:arm64 libjson-c-dev:arm64
	libmicrohttpd-dev:arm64)

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if [ "${1:-}" = --arm64 ]; then
	[ "$(uname -m)" = aarch64 ] && exec "$0"
	missing=()
	for p in "${ARM64_PKGS[@]}"; do have_pkg "$p" || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "tinytap: missing arm64 dependencies: ${missing[*]}; run 'sudo tests/deps.sh --arm64'" >&2
		exit 1
	fi
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	exit 0
fi
avail() { apt-cache show "$1" >/dev/null 2>&1; }

updated=0
apt_update() {
	if [ "$updated" = 0 ]; then
		apt-get update -qq
		updated=1
	fi
}

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; do
	have_pkg "$p" || missing+=("$p")
done
command -v bpftool >/dev/null 2>&1 || missing+=(bpftool)
# npm: by command (a nodejs from elsewhere, e.g. NodeSource, brings its own and conflicts with apt's)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# llhttp: libllhttp-dev where the distro has it, else node-llhttp's C sources (Debian 12).
if ! pkg-config --exists libllhttp 2>/dev/null && [ ! -f /usr/share/llhttp/llhttp.c ]; then
	missing+=(llhttp)
fi
# clang's sanitizer/fuzzer runtime (libFuzzer, ASan) for `make fuzz` and SAN=1 with clang.
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || missing+=(clang-rt)

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "tinytap: missing dependencies: ${missing[*]}; run 'sudo make deps'" >&2
	[ "${1:-}" = --check-or-install ] && exit 1
	exit 1
fi

echo "tinytap: installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_update
pkgs=()
for p in "${missing[@]}"; do
	case "$p" in
	bpftool)
		if avail bpftool; then pkgs+=(bpftool)
		else pkgs+=(linux-tools-common "linux-tools-$(uname -r)") || true; fi ;;
	llhttp)
		if avail libllhttp-dev; then pkgs+=(libllhttp-dev); else pkgs+=(node-llhttp); fi ;;
	clang-rt)
		v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
		if [ -n "$v" ] && avail "libclang-rt-$v-dev"; then pkgs+=("libclang-rt-$v-dev")
		else pkgs+=(libclang-rt-dev); fi ;;
	*) pkgs+=("$p") ;;
	esac
done
# One apt call for everything; if it fails, what building needs is installed on its own (a failure
# there stops us) and each test tool alone (one that cannot be installed here, e.g. a snap-only
# chromium, is reported: its tests say TAP SKIP).
if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; then
	bpkgs=() tpkgs=()
	for p in "${pkgs[@]}"; do
		if [[ " ${TEST_PKGS[*]} npm " == *" $p "* ]]; then tpkgs+=("$p"); else bpkgs+=("$p"); fi
	done
	[ ${#bpkgs[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${bpkgs[@]}" >/dev/null
	for p in "${tpkgs[@]}"; do
		apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
			echo "tinytap: warning: test tool $p could not be installed; its tests will be skipped" >&2
	done
fi
# clang was maybe just added: resolve the runtime after it is installed.
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
	v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	apt-get install -y -qq --no-install-recommends "libclang-rt-$v-dev" >/dev/null
fi
echo "tinytap: dependencies installed" >&2
