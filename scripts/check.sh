#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test seqstate has, on every kernel of scripts/matrix plus the KUnit kernel.
#
#   style       checkpatch.pl --strict
#   build       W=1 (and sparse C=2 where the suite's sparse supports its kernel) per suite,
#               plus the KUnit kernel; any warning fails
#   dkms        dkms install -k KVER in a chroot of the kernel's suite, for every kernel
#   vm          the DKMS-built module booted in that kernel: the whole integration suite
#               ("full" rows, or every row with SEQSTATE_FULL=1) or the smoke test; the
#               KUnit kernel runs the KUnit suites, the whole integration suite and kmemleak
#
# KERNELS="bookworm trixie/rt-amd64 kunit" narrows the kernels; TESTS="lifecycle" the tests;
# SEQSTATE_STRESS_ENV sizes the stress tests (make stress: the full sizes of the README).
# Results: out/check/results; failed runs keep their logs under out/check/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$SEQSTATE_TOP/out/check
rm -rf "$out" && mkdir -p "$out"
results=$out/results
touch "$results"
start=$SECONDS

record() {	# record ok|"not ok" NAME [REASON]
	echo "$1 $2${3:+ # $3}" | tee -a "$results"
}

# A step passes when it exits 0 and prints no warning or error line.
step() {	# step NAME LOG CMD...
	local name=$1 logf=$2
	shift 2
	if "$@" >"$logf" 2>&1 && ! grep -qE '(warning|error):' "$logf"; then
		record ok "$name"
	else
		record "not ok" "$name" "see $logf"
		grep -E '(warning|error):' "$logf" | head -n 5 >&2
	fi
}

# Everything the host needs, before the two lanes below could run apt-get at once.
# shellcheck disable=SC2086
need_pkgs git make gcc perl python3 $PKGS_VM $PKGS_SUITE $PKGS_KUNIT
seqload=$(build_seqload) || exit 1
all_tests=$(cd "$SEQSTATE_TOP/scripts/guest/tests" && ls ./*.sh | sed 's|^\./||; s|\.sh$||' |
	    grep -vx -e kunit -e kmemleak -e smoke -e demo -e bench | xargs)
full_tests=${TESTS:-$all_tests}
smoke_tests=${TESTS:-smoke}

if [ -z "${KERNELS:-}" ] || [[ " $KERNELS " == *" style "* ]]; then
	step style "$out/style.log" "$SEQSTATE_TOP/scripts/style.sh"
	# The KUnit table of F values must be what the reference model computes now.
	step isn-reference "$out/isn-reference.log" sh -c \
		"python3 '$SEQSTATE_TOP/scripts/ref/isn_ref.py' kunit | diff - '$SEQSTATE_TOP/kunit/isn_vectors.h'"
fi

# One Debian suite: its chroot and kernels, the W=1/sparse build, DKMS, and a VM per kernel.
stock_suite() {	# stock_suite SUITE
	local suite=$1 flavours first flavour kver mode tests
	flavours=$(matrix_rows | awk -v s="$suite" '$1 == s { print $2 }' | xargs)
	# shellcheck disable=SC2086
	if ! "$SEQSTATE_TOP/scripts/suite.sh" prepare "$suite" $flavours >"$out/$suite.kernels" \
			2>"$out/$suite.log"; then
		record "not ok" "$suite/prepare" "see $out/$suite.log"
		return
	fi
	first=$(awk 'NR == 1 { print $2 }' "$out/$suite.kernels")
	step "$suite/build-W1-sparse" "$out/$suite-build.log" \
		"$SEQSTATE_TOP/scripts/suite.sh" build "$suite" "$first" W=1 C=2 SEQSTATE_BENCH=m
	# shellcheck disable=SC2046
	"$SEQSTATE_TOP/scripts/suite.sh" dkms "$suite" "$out/dkms" \
		$(awk '{ print $2 }' "$out/$suite.kernels") >"$out/$suite-dkms.log" 2>&1
	[ -n "$accel" ] ||
		accel=$(probe_accel "$SEQSTATE_CACHE/kernels/$first/vmlinuz")
	while read -r flavour kver; do
		if [ ! -e "$out/dkms/$kver/seqstate.ko" ]; then
			record "not ok" "dkms/$kver" "see $out/dkms/dkms-$kver.log"
			continue
		fi
		record ok "dkms/$kver"
		mode=$(matrix_rows | awk -v s="$suite" -v f="$flavour" '$1 == s && $2 == f { print $3 }')
		tests=$smoke_tests
		[ "$mode" = full ] || [ -n "${SEQSTATE_FULL:-}" ] && tests=$full_tests
		SEQSTATE_GUEST_ENV=${SEQSTATE_STRESS_ENV:-} SEQSTATE_ACCEL=$accel \
			SEQSTATE_VM_TIMEOUT=${SEQSTATE_STOCK_TIMEOUT:-600} "$SEQSTATE_TOP/scripts/vm.sh" "$kver" \
			"$SEQSTATE_CACHE/kernels/$kver/vmlinuz" "$out/dkms/$kver" "$tests" "$out"
	done <"$out/$suite.kernels"
}

# The KUnit kernel: built once per machine, then the KUnit suites, the whole integration
# suite and a kmemleak scan in it.
kunit_lane() {
	local obj accel
	if ! obj=$("$SEQSTATE_TOP/scripts/kunit-kernel.sh" 2>"$out/kunit-kernel.log"); then
		record "not ok" "kunit/kernel" "see $out/kunit-kernel.log"
		return
	fi
	mkdir -p "$out/kunit-build"
	step kunit/build-W1-sparse "$out/kunit-build.log" \
		make -C "$obj" M="$SEQSTATE_TOP" SEQSTATE_KUNIT=m W=1 C=2 modules
	cp "$SEQSTATE_TOP"/module/seqstate.ko "$SEQSTATE_TOP"/kunit/seqstate_kunit.ko \
		"$SEQSTATE_TOP"/kunit/seqstate_ksock.ko "$out/kunit-build/"
	accel=$(probe_accel "$obj/arch/x86/boot/bzImage")
	# KASAN, lockdep and kmemleak make this kernel some 50 times slower under TCG:
	# fewer load/unload cycles under traffic there, and more time. One churn thread
	# per namespace: with one per vCPU, softirq work saturates the emulated CPUs and
	# each unload waits minutes for RCU grace periods (the kernel's, in
	# unregister_pernet_subsys()), as the stack dumps showed.
	SEQSTATE_GUEST_ENV="SEQSTATE_CYCLES=1 SEQSTATE_SCALE=10 SEQSTATE_STRESS_CYCLES=6 \
		${SEQSTATE_STRESS_ENV:-} SEQSTATE_STRESS_THREADS=1" \
	SEQSTATE_ACCEL=$accel SEQSTATE_VM_TIMEOUT=${SEQSTATE_KUNIT_TIMEOUT:-2400} \
		"$SEQSTATE_TOP/scripts/vm.sh" \
		"kunit-$(basename "$obj")" "$obj/arch/x86/boot/bzImage" "$out/kunit-build" \
		"kunit $full_tests kmemleak" "$out"
}

# Two lanes, as many as the cores CI has: every VM runs in one host thread (see
# probe_accel), so the KUnit kernel's long run goes beside the stock kernels' runs.
kunit_pid=
if wants_kunit; then
	kunit_lane &
	kunit_pid=$!
fi
accel=
for suite in $(matrix_rows | awk '{ print $1 }' | uniq); do
	stock_suite "$suite"
done
[ -z "$kunit_pid" ] || wait "$kunit_pid"

passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^not ok ' "$results")
echo
grep '^not ok ' "$results"
echo "make check: $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
