#!/usr/bin/env bash
# Lets this (non-arm64) machine run arm64 binaries through qemu-user (`make check-arm64`): the
# kernel's binfmt_misc hands them to qemu-aarch64-static, as Debian's qemu-user-static sets up
# under systemd (/usr/lib/binfmt.d/qemu-aarch64.conf). Idempotent; needs root the first time.
set -euo pipefail
bm=/proc/sys/fs/binfmt_misc
[ "$(uname -m)" = aarch64 ] && exit 0
if [ -e $bm/qemu-aarch64 ] && grep -q '^enabled' $bm/qemu-aarch64; then
	exit 0
fi
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
if [ ! -f $conf ] || ! command -v qemu-aarch64-static >/dev/null; then
	echo "arm64: qemu-user-static is not installed (tests/deps.sh --arm64)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "arm64: binfmt_misc has no qemu-aarch64 entry; as root: $0" >&2
	exit 1
fi
[ -e $bm/register ] || mount -t binfmt_misc binfmt_misc $bm
grep -v '^#' $conf | grep . | head -1 >$bm/register
grep -q '^enabled' $bm/qemu-aarch64
