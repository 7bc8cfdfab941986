#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Debian suites as a user has them: a debootstrap chroot per suite, with dkms and the
# headers of each flavour in scripts/matrix, plus that flavour's stock kernel image.
#
#   suite.sh prepare SUITE FLAVOUR...   make/refresh the chroot; print "flavour kver" lines
#   suite.sh dkms SUITE OUTDIR KVER...  dkms add + install this tree; copy each .ko to
#                                       OUTDIR/KVER/seqstate.ko
#   suite.sh build SUITE KVER [ARGS]    make this tree against KVER's headers with the suite's
#                                       own compiler and sparse (ARGS: W=1 C=2 ...)
#   suite.sh deb OUTDIR                 build seqstate-dkms_VERSION-1_all.deb in a bookworm
#                                       chroot, lintian-checked; into OUTDIR
#   suite.sh debinstall SUITE DEB OUTDIR KVER...
#                                       apt-get install DEB (DKMS builds it for each KVER),
#                                       copy each .ko to OUTDIR/KVER/seqstate.ko, apt-get
#                                       purge it, and check that nothing of it stays
# Kernel images land in $SEQSTATE_CACHE/kernels/KVER/vmlinuz; nothing is installed on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs $PKGS_SUITE

root_of() { echo "$SEQSTATE_CACHE/chroot/$1"; }

make_chroot() {
	local suite=$1 root mirror sec
	root=$(root_of "$suite")
	[ -e "$root/.seqstate-done" ] && return 0
	mirror=$(debian_mirror)
	sec=$(debian_security_mirror)
	log "debootstrap $suite (about 30 s)"
	mkdir -p "$(dirname "$root")"
	rm -rf "$root.tmp"
	debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" >"$root.log" 2>&1 ||
		die "debootstrap $suite failed, see $root.log"
	{
		echo "deb $mirror $suite main"
		if [ "$suite" != sid ]; then
			echo "deb $mirror $suite-updates main"
			[ -z "$sec" ] || echo "deb $sec $suite-security main"
		fi
	} >"$root.tmp/etc/apt/sources.list"
	# sid's Release file may be past its Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$root.tmp/etc/apt/apt.conf.d/99seqstate"
	rm -rf "$root" && mv "$root.tmp" "$root"
	touch "$root/.seqstate-done"
}

# apt-get update at most every 12 hours; install is idempotent.
refresh_chroot() {
	local root=$1
	shift
	if [ -z "$(find "$root/.seqstate-updated" -mmin -720 2>/dev/null)" ]; then
		in_chroot "$root" apt-get update -qq >/dev/null || die "apt-get update in $root failed"
		touch "$root/.seqstate-updated"
	fi
	# A run killed mid-install leaves dpkg half-configured; finish its work first.
	in_chroot "$root" dpkg --configure -a >/dev/null 2>&1 || true
	in_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends dkms make xz-utils zstd sparse "$@" >/dev/null ||
		die "apt-get install $* in $root failed"
}

# The stock kernel image of KVER, from its Debian package, never installed; and the modules
# of its ss backend (inet_diag, tcp_diag), uncompressed, in diag/: without them the guest's
# ss falls back to /proc/net/tcp, which has no cgroup to filter on.
fetch_vmlinuz() {
	local root=$1 kver=$2 dir pkg deb img ko
	dir=$SEQSTATE_CACHE/kernels/$kver
	[ -e "$dir/vmlinuz" ] && [ -d "$dir/diag" ] && return 0
	rm -rf "$dir/x" "$dir/diag"
	mkdir -p "$dir/x" "$root/tmp/seqstate-dl"
	# The image: in linux-image up to trixie, in linux-binary from sid on, whose modules
	# come in linux-modules.
	for pkg in "linux-binary-$kver" "linux-image-$kver" "linux-modules-$kver"; do
		in_chroot "$root" sh -c "cd /tmp/seqstate-dl && apt-get download -qq $pkg" \
			>/dev/null 2>&1 || continue
		deb=$(ls "$root"/tmp/seqstate-dl/"${pkg}"_*.deb | head -n 1)
		dpkg-deb -x "$deb" "$dir/x"
		rm -f "$root"/tmp/seqstate-dl/*.deb
	done
	for img in "$dir"/x/boot/vmlinuz-* "$dir"/x/usr/lib/modules/*/vmlinuz; do
		[ -e "$img" ] && mv "$img" "$dir/vmlinuz" && break
	done
	mkdir -p "$dir/diag"	# stays empty where the kernel has them built in
	for ko in $(find "$dir/x" -name 'inet_diag.ko*' -o -name 'tcp_diag.ko*'); do
		case $ko in
		*.xz) xz -dc "$ko" ;;
		*.zst) zstd -qdc "$ko" ;;
		*) cat "$ko" ;;
		esac >"$dir/diag/$(basename "${ko%.xz}" .zst)"
	done
	rm -rf "$dir/x"
	[ -e "$dir/vmlinuz" ] || die "no vmlinuz found for $kver"
}

cmd_prepare() {
	local suite=$1 root flavour kver
	shift
	root=$(root_of "$suite")
	make_chroot "$suite"
	refresh_chroot "$root" $(printf 'linux-headers-%s ' "$@")
	for flavour in "$@"; do
		kver=$(in_chroot "$root" dpkg-query -W -f='${Depends}' "linux-headers-$flavour" |
		       tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*-'"$flavour"'\).*/\1/p' | head -n 1)
		[ -n "$kver" ] || die "cannot tell the kernel of linux-headers-$flavour in $suite"
		fetch_vmlinuz "$root" "$kver"
		echo "$flavour $kver"
	done
}

cmd_dkms() {
	local suite=$1 out=$2 root ver kver
	shift 2
	root=$(root_of "$suite")
	ver=$(seqstate_version)
	mkdir -p "$out"
	# What a user would: the source tree in /usr/src, `dkms add`, `dkms install -k`.
	in_chroot "$root" dkms remove -q "seqstate/$ver" --all >/dev/null 2>&1 || true
	copy_tree "$root/usr/src/seqstate-$ver" Kbuild Makefile dkms.conf module include
	in_chroot "$root" dkms add -q "seqstate/$ver" >/dev/null
	for kver in "$@"; do
		if ! in_chroot "$root" dkms install -q --force "seqstate/$ver" -k "$kver" \
				>"$out/dkms-$kver.log" 2>&1; then
			cat "$root/var/lib/dkms/seqstate/$ver/build/make.log" >>"$out/dkms-$kver.log" 2>/dev/null
			echo "dkms install failed for $kver"
			continue
		fi
		copy_ko "$root" "$kver" "$out" || echo "dkms installed no module for $kver"
	done
}

cmd_build() {
	local suite=$1 kver=$2 root dir rc=0
	shift 2
	root=$(root_of "$suite")
	# A directory of its own: two builds in one tree trip over each other's probes.
	dir=$(mktemp -d "$root/tmp/seqstate-build.XXXXXX")
	copy_tree "$dir" Kbuild Makefile dkms.conf module include kunit scripts/kmod
	in_chroot "$root" make -C "/usr/src/linux-headers-$kver" M="/tmp/${dir##*/}" "$@" modules ||
		rc=$?
	if [ $rc -eq 0 ] && [ -n "${SEQSTATE_BUILD_OUT:-}" ]; then
		mkdir -p "$SEQSTATE_BUILD_OUT"
		find "$dir" -name '*.ko' -exec cp {} "$SEQSTATE_BUILD_OUT/" \;
	fi
	rm -rf "$dir"
	return $rc
}

# copy_ko ROOT KVER OUT: the module DKMS installed for KVER in ROOT, uncompressed, as
# OUT/KVER/seqstate.ko.
copy_ko() {
	local root=$1 kver=$2 out=$3 ko
	mkdir -p "$out/$kver"
	ko=$(ls "$root/lib/modules/$kver/updates/dkms/"seqstate.ko* 2>/dev/null | head -n 1)
	case $ko in
	"") return 1 ;;
	*.xz) xz -dc "$ko" >"$out/$kver/seqstate.ko" ;;
	*.zst) zstd -qdc "$ko" >"$out/$kver/seqstate.ko" ;;
	*) cp "$ko" "$out/$kver/seqstate.ko" ;;
	esac
}

# The package as a Debian developer builds it: dpkg-buildpackage in a bookworm chroot (the
# oldest suite: its debhelper and dh-dkms make a package every later one installs), then
# lintian. debian/changelog is written here, its version from dkms.conf (the one place
# that holds it). Any lintian warning or error fails; overrides live in debian/.
cmd_deb() {
	local out=$1 root ver dir date
	root=$(root_of bookworm)
	ver=$(seqstate_version)
	with_suite_lock bookworm make_chroot bookworm
	with_suite_lock bookworm refresh_chroot "$root" build-essential debhelper dh-dkms lintian
	dir=$(mktemp -d "$root/tmp/seqstate-deb.XXXXXX")
	copy_tree "$dir/seqstate-$ver" Kbuild Makefile dkms.conf module include debian contrib \
		README.md
	date=$(cd "$SEQSTATE_TOP" && git log -1 --format=%aD 2>/dev/null || date -R)
	cat >"$dir/seqstate-$ver/debian/changelog" <<-EOF
	seqstate ($ver-1) unstable; urgency=medium

	  * seqstate $ver, built from $(cd "$SEQSTATE_TOP" && git describe --always --dirty 2>/dev/null || echo "a tree without git").

	 -- $(sed -n 's/^Maintainer: //p' "$SEQSTATE_TOP/debian/control")  $date
	EOF
	in_chroot "$root" sh -c "cd /tmp/${dir##*/}/seqstate-$ver && dpkg-buildpackage -b -us -uc" ||
		die "dpkg-buildpackage failed"
	in_chroot "$root" sh -c "cd /tmp/${dir##*/} && lintian --fail-on error,warning -I \
		seqstate_${ver}-1_*.changes" ||
		die "lintian: see above"
	mkdir -p "$out"
	cp "$dir/seqstate-dkms_${ver}-1_all.deb" "$out/"
	rm -rf "$dir"
	echo "$out/seqstate-dkms_${ver}-1_all.deb"
}

# A user's install and removal of the package, in a suite's chroot whose linux-headers-*
# are installed (suite.sh prepare): the package's postinst has DKMS build the module for
# every kernel with headers; purge must leave no module, DKMS tree or source behind.
cmd_debinstall() {
	local suite=$1 deb=$2 out=$3 root ver kver left
	shift 3
	root=$(root_of "$suite")
	ver=$(seqstate_version)
	# The manual DKMS install of the dkms step has the same name and version.
	in_chroot "$root" dkms remove -q "seqstate/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$root/usr/src/seqstate-$ver" "$root/tmp/seqstate-dkms.deb"
	cp "$deb" "$root/tmp/seqstate-dkms.deb"
	in_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends /tmp/seqstate-dkms.deb || die "apt-get install of the package failed"
	for kver in "$@"; do
		# dkms's postinst builds for the running kernel alone when the chroot has it
		# (a host on one of the suite's kernels); the kernel's own hook then builds for
		# the others, as here.
		if ! copy_ko "$root" "$kver" "$out"; then
			in_chroot "$root" dkms autoinstall -k "$kver"
			copy_ko "$root" "$kver" "$out" || die "the package built no module for $kver"
		fi
	done
	in_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q seqstate-dkms ||
		die "apt-get purge failed"
	left=$(cd "$root" && ls -d usr/src/seqstate-* var/lib/dkms/seqstate \
		lib/modules/*/updates/dkms/seqstate.ko* etc/default/seqstate-textfile \
		etc/modprobe.d/seqstate.conf 2>/dev/null || :)
	[ -z "$left" ] || die "left after purge: $left"
	rm -f "$root/tmp/seqstate-dkms.deb"
	echo "purged: no module, DKMS tree, source or conffile left"
}

case ${1:-} in
prepare) shift; cmd_prepare "$@" ;;
dkms) shift; cmd_dkms "$@" ;;
build) shift; cmd_build "$@" ;;
deb) shift; cmd_deb "$@" ;;
debinstall) shift; cmd_debinstall "$@" ;;
*) die "usage: suite.sh prepare SUITE FLAVOUR... | dkms SUITE OUTDIR KVER... | build SUITE KVER | deb OUTDIR | debinstall SUITE DEB OUTDIR KVER..." ;;
esac
