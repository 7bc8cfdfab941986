#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build seqstate with DKMS for Debian 12's stock kernel, boot it in a VM, drive
# real TCP traffic and print what /proc/net/seqstate/ and /sys/kernel/seqstate/ show.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$SEQSTATE_TOP/out/demo
rm -rf "$out" && mkdir -p "$out"
log "preparing Debian bookworm's stock kernel and headers (cached after the first run)"
kver=$("$SEQSTATE_TOP/scripts/suite.sh" prepare bookworm amd64 | awk '{ print $2 }')
log "building seqstate $(seqstate_version) with dkms for $kver"
"$SEQSTATE_TOP/scripts/suite.sh" dkms bookworm "$out/ko" "$kver" >/dev/null
[ -e "$out/ko/$kver/seqstate.ko" ] || die "dkms build failed: $out/ko/dkms-$kver.log"
SEQSTATE_KEEP=1 "$SEQSTATE_TOP/scripts/vm.sh" demo "$SEQSTATE_CACHE/kernels/$kver/vmlinuz" \
	"$out/ko/$kver" demo "$out" >/dev/null || die "the demo VM failed: see $out/demo/"
sed -n 's/^demo| \{0,1\}//p' "$out/demo/results.txt"
