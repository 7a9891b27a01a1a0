#!/usr/bin/env bash
# Installs tinytap's build and test dependencies from apt, idempotently and non-interactively.
#   tests/deps.sh                       install whatever is missing (needs root)
#   tests/deps.sh --check-or-install    same, but as non-root only report what is missing
set -euo pipefail

BUILD_PKGS=(make gcc libc6-dev libbpf-dev clang llvm libelf-dev zlib1g-dev libzstd-dev pkg-config
	libcriterion-dev)
# Debian 12 ships bpftool as its own package; Ubuntu ships it in linux-tools-common/-generic.
# valgrind: tests/golden/valgrind.sh; time (/usr/bin/time -v, peak RSS): tests/golden/hostile.sh.
TEST_PKGS=(curl python3 nginx zstd valgrind time)

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
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
# clang was maybe just added: resolve the runtime after it is installed.
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
	v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	apt-get install -y -qq --no-install-recommends "libclang-rt-$v-dev" >/dev/null
fi
echo "tinytap: dependencies installed" >&2
