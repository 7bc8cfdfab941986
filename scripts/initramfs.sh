#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The initramfs of one VM run: busybox, seqstate's modules, the guest library, its awk and
# tests (scripts/guest/), the workload tool, and iproute2's ss and ip with their libraries
# (ss is the oracle for state counts).
#
#   initramfs.sh WORK KODIR "TEST..." TOKEN
#
# Writes WORK/initramfs.gz from the tree WORK/root. The guest (scripts/guest/init) runs the
# tests in order and writes TOKEN last on its results channel. SEQSTATE_GUEST_ENV (shell
# assignments for the guest tests, e.g. SEQSTATE_CYCLES=3) goes into the guest's config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: initramfs.sh WORK KODIR \"TEST...\" TOKEN"
work=$1 kodir=$2 tests=$3 token=$4
root=$work/root
seqload=$(build_seqload)

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,etc,seqstate/tests,seqstate/awk}
cp /bin/busybox "$root/bin/busybox"
cp "$SEQSTATE_TOP/scripts/guest/init" "$root/init"
chmod +x "$root/init"
cp "$SEQSTATE_TOP/scripts/guest/lib.sh" "$root/seqstate/"
cp "$SEQSTATE_TOP"/scripts/guest/tests/*.sh "$root/seqstate/tests/"
cp "$SEQSTATE_TOP"/scripts/guest/awk/*.awk "$root/seqstate/awk/"
cp "$kodir"/*.ko "$root/seqstate/"
# The stock kernel's inet_diag and tcp_diag (suite.sh), which the guest loads for ss.
if [ -n "${SEQSTATE_DIAG_DIR:-}" ] && ls "$SEQSTATE_DIAG_DIR"/*.ko >/dev/null 2>&1; then
	mkdir -p "$root/seqstate/diag"
	cp "$SEQSTATE_DIAG_DIR"/*.ko "$root/seqstate/diag/"
fi
cp "$seqload" "$root/bin/seqload"
# The peers' tools, the second oracle for durations: libbpf-tools' tcplife and tcpstates.
for bin in /usr/bin/ss /usr/bin/ip /usr/sbin/ip /bin/ip /usr/sbin/tcplife /usr/sbin/tcpstates; do
	[ -e "$bin" ] || continue
	cp -L "$bin" "$root/usr/bin/"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
[ -e "$root/usr/bin/ss" ] || die "iproute2's ss not found on the host"
# node_exporter (13 MB) and the package's textfile script, for the test that scrapes them.
if [[ " $tests " == *" node_exporter "* ]]; then
	ne=$(node_exporter_path)
	cp "$ne" "$root/usr/bin/"
	for lib in $(ldd "$ne" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	cp "$SEQSTATE_TOP/contrib/node-exporter/seqstate-textfile" "$root/usr/bin/"
fi
[ -e "$root/usr/bin/tcplife" ] || die "libbpf-tools' tcplife not found on the host"
echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
cat >"$root/seqstate/config" <<EOC
SEQSTATE_TESTS="$tests"
SEQSTATE_TOKEN="$token"
SEQSTATE_VERSION="$(seqstate_version)"
${SEQSTATE_GUEST_ENV:-}
EOC
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
