# SPDX-License-Identifier: GPL-2.0
# Shared helpers for seqstate's scripts. Source it; it sets no shell options.

SEQSTATE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels, chroots and images live outside the repository and survive `git clean`.
SEQSTATE_CACHE=${SEQSTATE_CACHE:-/var/cache/seqstate}

log() { printf '[seqstate] %s\n' "$*" >&2; }
die() { printf '[seqstate] error: %s\n' "$*" >&2; exit 1; }

# The Debian mirror this host already uses, from its own apt sources.
debian_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
	      awk '{print $2}' | grep -v -e security -e nodesource -e google | head -n 1)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			     awk '{print $2}' | grep -v security | head -n 1)
	[ -n "$uri" ] || die "no Debian mirror found in the host's apt sources"
	echo "${uri%/}"
}

# Install host packages that are missing; idempotent and quiet when all are there.
APT_UPDATED=
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	if [ -z "$APT_UPDATED" ]; then
		apt-get update -qq || die "apt-get update failed"
		APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# The version dkms.conf declares; MODULE_VERSION is generated from it too.
seqstate_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SEQSTATE_TOP/dkms.conf"
}

# The Debian security mirror this host uses (empty when it has none).
debian_security_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
	      grep security | head -n 1)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			     awk '{print $2}' | grep security | head -n 1)
	echo "${uri%/}"
}

# "suite flavour mode" rows of scripts/matrix, optionally narrowed by KERNELS, a space
# separated list of "suite", "suite/flavour" or "kunit" words.
matrix_rows() {
	local suite flavour mode w
	grep -v '^#' "$SEQSTATE_TOP/scripts/matrix" | while read -r suite flavour mode; do
		[ -n "$suite" ] || continue
		if [ -n "${KERNELS:-}" ]; then
			for w in $KERNELS; do
				[ "$w" = "$suite" ] || [ "$w" = "$suite/$flavour" ] && break
				w=
			done
			[ -n "$w" ] || continue
		fi
		echo "$suite $flavour $mode"
	done
}

# What the scripts install on the host, each for itself; check.sh installs them all first,
# because its two lanes would otherwise run apt-get at once.
PKGS_VM="qemu-system-x86 busybox-static cpio gzip iproute2 kmod python3"
PKGS_SUITE="debootstrap util-linux xz-utils zstd"
PKGS_KUNIT="build-essential flex bison libelf-dev libssl-dev bc dwarves xz-utils linux-source-6.1"

wants_kunit() {
	[ -z "${KERNELS:-}" ] || [[ " $KERNELS " == *" kunit "* ]]
}

# The workload tool, static so it runs in the busybox guest. Prints its path.
build_seqload() {
	local src=$SEQSTATE_TOP/scripts/workload/seqload.c bin=$SEQSTATE_TOP/scripts/workload/seqload
	need_pkgs gcc libc6-dev
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		gcc -O2 -Wall -Wextra -Werror -static -pthread -o "$bin" "$src" >&2 ||
			die "cannot build seqload"
	fi
	echo "$bin"
}

# The suites declared under kunit/: every one of them must report in the KUnit kernel.
kunit_suites() {
	sed -n 's/^[[:space:]]*\.name = "\(seqstate_[a-z0-9_]*\)",$/\1/p' "$SEQSTATE_TOP"/kunit/*.c
}

# KVM when a short boot proves it works, TCG otherwise (nested KVM can hang: never wait long).
# TCG runs its vCPUs in one host thread: with one thread per vCPU (MTTCG), a vCPU can run a
# stale translation of kernel text that another vCPU just patched, and static-key patching
# (attaching a tracepoint probe) then dies on a stray int3 in the guest, seen on Debian 7.2.
probe_accel() {
	local img=${1:-}
	if [ -w /dev/kvm ] && [ -n "$img" ] &&
	   timeout -k 2 15 qemu-system-x86_64 -accel kvm -M q35 -cpu host -m 256 -nodefaults \
		-nographic -no-reboot -monitor none -serial stdio -kernel "$img" \
		-append "console=ttyS0 panic=-1 rdinit=/nonexistent" </dev/null 2>/dev/null |
	   grep -q 'Kernel panic'; then
		echo kvm
	else
		echo tcg,thread=single
	fi
}

# Debian's linux-source-6.1, unpacked once: the KUnit kernel and checkpatch come from it.
linux_source() {
	local ver src
	need_pkgs linux-source-6.1 xz-utils
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	src=$SEQSTATE_CACHE/src/linux-source-$ver
	if [ ! -e "$src/.seqstate-done" ]; then
		log "unpacking linux-source $ver"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
		touch "$src/.seqstate-done"
	fi
	echo "$src"
}
