#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine) the RT debug kernel: PREEMPT_RT, in mainline since 6.12, with
# lockdep, the atomic-sleep checks, KASAN, kmemleak and UBSAN, from trixie's
# linux-source-6.12 and scripts/kconfig/rt-debug.config, with the host's compiler.
# Prints the build directory. Cached in $SEQSTATE_CACHE/rt-debug/<source version>-<fragment
# hash>; the source, fetched once with apt-get download in trixie's chroot, in
# $SEQSTATE_CACHE/src/linux-source-<version>. Remove that directory for a newer source.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086
need_pkgs $PKGS_KBUILD $PKGS_SUITE

# linux-source-6.12 unpacked: the newest already in the cache, else trixie's, downloaded.
rt_source() {
	local src root dl deb ver
	src=$(ls -d "$SEQSTATE_CACHE"/src/linux-source-6.12*/.seqstate-done 2>/dev/null |
	      sort -V | tail -n 1)
	if [ -n "$src" ]; then
		echo "${src%/.seqstate-done}"
		return 0
	fi
	# Trixie's chroot as the stock kernels' lane makes it (and wants it anyway).
	root=$SEQSTATE_CACHE/chroot/trixie
	with_suite_lock trixie "$SEQSTATE_TOP/scripts/suite.sh" prepare trixie amd64 >/dev/null ||
		die "cannot prepare trixie's chroot"
	dl=$(mktemp -d "$root/tmp/seqstate-src.XXXXXX")
	# apt downloads as its own user.
	with_suite_lock trixie in_chroot "$root" sh -c \
		"chown _apt /tmp/${dl##*/} && cd /tmp/${dl##*/} && apt-get download -qq linux-source-6.12" >&2 ||
		die "apt-get download linux-source-6.12 failed in $root"
	deb=$(ls "$dl"/linux-source-6.12_*.deb)
	ver=$(dpkg-deb -f "$deb" Version)
	src=$SEQSTATE_CACHE/src/linux-source-$ver
	log "unpacking linux-source $ver"
	rm -rf "$src" && mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/src/linux-source-6.12.tar.xz |
		tar -xJf - -C "$src" --strip-components=1
	rm -rf "$dl"
	touch "$src/.seqstate-done"
	echo "$src"
}

# One fetch at a time: two lanes or runs would unpack into one directory.
mkdir -p "$SEQSTATE_CACHE/src"
exec 8>"$SEQSTATE_CACHE/src/.linux-source-6.12.lock"
flock 8
src=$(rt_source)
exec 8>&-
build_debug_kernel rt-debug "$src" "$SEQSTATE_TOP/scripts/kconfig/rt-debug.config"
