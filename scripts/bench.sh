#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: seqstate's costs in a VM on Debian 12's stock kernel, as ratios against
# baselines measured in the same run (the emulator's absolute speed means nothing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$SEQSTATE_TOP/out/bench
rm -rf "$out" && mkdir -p "$out"
kver=$("$SEQSTATE_TOP/scripts/suite.sh" prepare bookworm amd64 | awk '{ print $2 }')
# The module and the timing modules (scripts/kmod/: ns per ISN, per state change in the probes,
# per listen()+close()), built together with Debian's compiler.
SEQSTATE_BUILD_OUT=$out/ko "$SEQSTATE_TOP/scripts/suite.sh" build bookworm "$kver" \
	SEQSTATE_BENCH=m >"$out/build.log" 2>&1 || die "the build failed: see $out/build.log"
# On a busy host the benchmark takes 15 minutes: the guest's task dump for a stuck test
# (SEQSTATE_STUCK_AFTER, 900 s by default) waits until just before the VM's timeout.
SEQSTATE_GUEST_ENV="SEQSTATE_STUCK_AFTER=1700
${SEQSTATE_GUEST_ENV:-}" SEQSTATE_KEEP=1 SEQSTATE_VM_TIMEOUT=1800 "$SEQSTATE_TOP/scripts/vm.sh" bench \
	"$SEQSTATE_CACHE/kernels/$kver/vmlinuz" "$out/ko" bench "$out" >/dev/null ||
	die "the benchmark VM failed: see $out/bench/"
echo "seqstate $(seqstate_version) on $kver, qemu $(probe_accel "$SEQSTATE_CACHE/kernels/$kver/vmlinuz"), 2 vCPUs"
sed -n 's/^bench| \{0,1\}//p' "$out/bench/results.txt"
