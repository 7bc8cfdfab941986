#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one kernel with seqstate's modules and tests in a busybox initramfs (initramfs.sh) and
# judge the run (judge.sh).
#
#   vm.sh NAME VMLINUZ KODIR "TEST..." OUTDIR
#
# KODIR holds seqstate.ko (and seqstate_kunit.ko for the kunit test). Tests are
# scripts/guest/tests/<test>.sh. Prints one "ok|not ok NAME/TEST" line per test and per KUnit
# case, appends the same to OUTDIR/results, and keeps NAME's logs in OUTDIR/NAME/ when it fails.
# Exit status: 0 when everything passed.
# Environment: SEQSTATE_VM_TIMEOUT (seconds, default 600), SEQSTATE_ACCEL (kvm|tcg; probed
# when unset), SEQSTATE_APPEND (extra kernel command line), SEQSTATE_KEEP (keep logs always),
# SEQSTATE_GUEST_ENV (shell assignments for the guest tests, e.g. SEQSTATE_CYCLES=3).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: vm.sh NAME VMLINUZ KODIR \"TEST...\" OUTDIR"
name=$1 vmlinuz=$2 kodir=$3 tests=$4 out=$5
work=$out/$name
token="SEQSTATE-GUEST-DONE-$$-$RANDOM"
timeout=${SEQSTATE_VM_TIMEOUT:-600}

need_pkgs $PKGS_VM
rm -rf "$work" && mkdir -p "$work"
SEQSTATE_DIAG_DIR=$(dirname "$vmlinuz")/diag \
	"$SEQSTATE_TOP/scripts/initramfs.sh" "$work" "$kodir" "$tests" "$token"

boot() {
	local accel=$1 t=$2
	rm -f "$work/console.log" "$work/results.log"
	timeout --foreground -k 5 "$t" qemu-system-x86_64 \
		-accel "$accel" -M q35 -cpu max -smp ${SEQSTATE_SMP:-2} -m 1536 \
		-no-reboot -nodefaults -nographic -monitor none \
		-kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
		-append "console=ttyS0 log_buf_len=4M panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1 ${SEQSTATE_APPEND:-}" \
		-serial "file:$work/console.log" -serial "file:$work/results.log" \
		</dev/null >"$work/qemu.log" 2>&1
}

accel=${SEQSTATE_ACCEL:-$(probe_accel "$vmlinuz")}
log "$name: booting ($accel, timeout ${timeout}s)"
start=$SECONDS
rc=0
boot "$accel" "$timeout" || rc=$?
# A kernel that died before it ran /init never ran a test: the debug kernel, under TCG,
# now and then trips over its own early boot. Boot once more, keeping the first console.
if ! grep -q 'Run /init as init process' "$work/console.log" 2>/dev/null; then
	log "$name: the kernel died before /init; booting again"
	mv "$work/console.log" "$work/console-first-boot.log" 2>/dev/null || true
	rc=0
	boot "$accel" "$timeout" || rc=$?
fi
secs=$((SECONDS - start))

printf 'token=%q\nrc=%q\nsecs=%q\ntimeout=%q\n' "$token" "$rc" "$secs" "$timeout" >"$work/run.env"
verdict=0
"$SEQSTATE_TOP/scripts/judge.sh" "$name" "$work" "$tests" "$out" || verdict=$?
slow=$(grep -c 'seqstate-task-dump-begin' "$work/console.log" || true)
[ "$slow" -eq 0 ] ||
	log "$name: $slow test(s) ran past SEQSTATE_STUCK_AFTER; task dump kept in $work/console.log"

if [ "$verdict" -eq 0 ]; then
	if [ -n "${SEQSTATE_KEEP:-}" ]; then
		:
	elif [ "$slow" -gt 0 ]; then
		rm -rf "$work/root" "$work/initramfs.gz"
	else
		rm -rf "$work"
	fi
	exit 0
fi
rm -rf "$work/root" "$work/initramfs.gz"
log "$name: logs kept in $work"
exit 1
