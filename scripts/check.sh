#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test seqstate has, on every kernel of scripts/matrix plus the KUnit kernel
# and the RT debug kernel.
#
#   style       checkpatch.pl --strict
#   build       W=1 (and sparse C=2 where the suite's sparse supports its kernel) per suite,
#               plus the KUnit and RT debug kernels; any warning fails
#   dkms        dkms install -k KVER in a chroot of the kernel's suite, for every kernel
#   deb         the Debian package built (make deb) and lintian-checked; in each suite's
#               chroot, apt-get install builds its module for every kernel, then apt-get
#               purge must leave nothing; the VMs boot the package's modules
#   vm          the DKMS-built module booted in that kernel: the whole integration suite
#               ("full" rows, or every row with SEQSTATE_FULL=1) or the smoke test; the
#               two debug kernels share the integration suite (each test names its lane),
#               the KUnit kernel adds the KUnit suites, both end with kmemleak
#
# KERNELS="bookworm trixie/rt-amd64 kunit rt-debug style" narrows the kernels; TESTS="lifecycle"
# the tests; SEQSTATE_STRESS_ENV sizes the stress tests (make stress: the full sizes of the
# README); SEQSTATE_LANES (default: one more than the number of cores) how many jobs run at
# once.
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

# A step passes when it exits 0 and prints no warning or error line; returns 1 when not.
step() {	# step NAME LOG CMD...
	local name=$1 logf=$2
	shift 2
	if "$@" >"$logf" 2>&1 && ! grep -qE '(warning|error):' "$logf"; then
		record ok "$name"
	else
		record "not ok" "$name" "see $logf"
		grep -E '(warning|error):' "$logf" | head -n 5 >&2
		return 1
	fi
}

# Everything the host needs, before the lanes below could run apt-get at once.
# shellcheck disable=SC2086
need_pkgs git make gcc perl python3 $PKGS_VM $PKGS_SUITE $PKGS_KUNIT
seqload=$(build_seqload) || exit 1
promtool_path >/dev/null
node_exporter_path >/dev/null
# The package the stock suites install (none when it fails to build: they test the modules
# of the manual DKMS install alone).
deb=
if [ -n "$(matrix_rows)" ] || wants style; then
	if "$SEQSTATE_TOP/scripts/suite.sh" deb "$out/deb" >"$out/deb.log" 2>&1; then
		deb=$(tail -n 1 "$out/deb.log")
		record ok deb-lintian
	else
		record "not ok" deb-lintian "see $out/deb.log"
	fi
fi
# Each test names its class in its header (see tests_of); SEQSTATE_CLASS=stress narrows the
# full rows to the stress tests.
full_tests=${TESTS:-$(tests_of "${SEQSTATE_CLASS:-full}")}
smoke_tests=${TESTS:-$(tests_of smoke)}
kunit_tests=$(tests_of kunit)
debug_tests=$(tests_of debug)

# lane_tests LANE: the full tests whose header names the debug lane LANE (kunit or rt) as
# "# debug lane: LANE", or none. Both debug kernels have lockdep, KASAN, UBSAN and kmemleak,
# so each test runs in one of them (the RT one takes the tests of locking under RT: the
# probe's, load and unload, listeners, other kprobe users); every stock kernel runs them
# all. A list given in TESTS runs whole in both.
lane_tests() {
	local t lane
	for t in $full_tests; do
		lane=$(sed -n 's/^# debug lane: //p' "$SEQSTATE_TOP/scripts/guest/tests/$t.sh")
		[ -n "${TESTS:-}" ] || [ -z "$lane" ] || [ "$lane" = "$1" ] || continue
		echo "$t"
	done | xargs
}

if [ -z "${KERNELS:-}" ] || [[ " $KERNELS " == *" style "* ]]; then
	step style "$out/style.log" "$SEQSTATE_TOP/scripts/style.sh"
	# The KUnit table of F values must be what the reference model computes now.
	step isn-reference "$out/isn-reference.log" sh -c \
		"python3 '$SEQSTATE_TOP/scripts/ref/isn_ref.py' kunit | diff - '$SEQSTATE_TOP/kunit/isn_vectors.h'"
	# The shipped Prometheus rules: valid, and every alert's unit tests (Debian's promtool).
	step prometheus-rules "$out/prometheus-rules.log" sh -c \
		"cd '$SEQSTATE_TOP/contrib/prometheus' && '$(promtool_path)' check rules seqstate.rules.yml && '$(promtool_path)' test rules seqstate.rules.test.yml"
fi

# One Debian suite: its chroot and kernels, the W=1/sparse build, DKMS, and a VM per kernel.
stock_suite() {	# stock_suite SUITE
	local suite=$1 flavours first flavour kver mode tests accel
	flavours=$(matrix_rows | awk -v s="$suite" '$1 == s { print $2 }' | xargs)
	# shellcheck disable=SC2086
	if ! with_suite_lock "$suite" "$SEQSTATE_TOP/scripts/suite.sh" prepare "$suite" $flavours \
			>"$out/$suite.kernels" 2>"$out/$suite.log"; then
		record "not ok" "$suite/prepare" "see $out/$suite.log"
		return
	fi
	first=$(awk 'NR == 1 { print $2 }' "$out/$suite.kernels")
	step "$suite/build-W1-sparse" "$out/$suite-build.log" \
		"$SEQSTATE_TOP/scripts/suite.sh" build "$suite" "$first" W=1 C=2 SEQSTATE_BENCH=m
	# shellcheck disable=SC2046
	"$SEQSTATE_TOP/scripts/suite.sh" dkms "$suite" "$out/dkms" \
		$(awk '{ print $2 }' "$out/$suite.kernels") >"$out/$suite-dkms.log" 2>&1
	# The package as users install it: its modules are the ones the VMs boot.
	kodir=$out/dkms
	if [ -n "$deb" ]; then
		# shellcheck disable=SC2046
		if with_suite_lock "$suite" "$SEQSTATE_TOP/scripts/suite.sh" debinstall "$suite" \
				"$deb" "$out/deb-$suite" $(awk '{ print $2 }' "$out/$suite.kernels") \
				>"$out/$suite-deb.log" 2>&1; then
			record ok "$suite/deb-install-purge"
			kodir=$out/deb-$suite
		else
			record "not ok" "$suite/deb-install-purge" "see $out/$suite-deb.log"
		fi
	fi
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
		# A stock kernel's test takes 100 s at most alone: one still running after 240 s
		# leaves the stacks of every task in the console. The whole suite takes some
		# 850 s alone and up to twice that beside the debug lanes: 2,400 s before a
		# hung VM is stopped.
		SEQSTATE_GUEST_ENV="SEQSTATE_STUCK_AFTER=240 ${SEQSTATE_STRESS_ENV:-}" SEQSTATE_ACCEL=$accel \
			SEQSTATE_VM_TIMEOUT=${SEQSTATE_STOCK_TIMEOUT:-2400} "$SEQSTATE_TOP/scripts/vm.sh" "$kver" \
			"$SEQSTATE_CACHE/kernels/$kver/vmlinuz" "$kodir/$kver" "$tests" "$out"
	done <"$out/$suite.kernels"
}

# debug_build NAME OBJ [MAKE ARGS]: this tree built against the debug kernel in OBJ with
# W=1 and sparse, in a copy (the lanes build at once); its modules land in $out/NAME-build/.
# A failed build is one "not ok NAME/build-W1-sparse" and no VM.
debug_build() {
	local name=$1 obj=$2 src=$out/$1-src
	shift 2
	copy_tree "$src" Kbuild Makefile dkms.conf module include kunit scripts/kmod
	step "$name/build-W1-sparse" "$out/$name-build.log" \
		make -C "$obj" M="$src" W=1 C=2 "$@" modules || return 1
	mkdir -p "$out/$name-build"
	find "$src" -name '*.ko' -exec cp {} "$out/$name-build/" \;
	rm -rf "$src"
}

# The debug kernels (KASAN, lockdep, kmemleak) are some 50 times slower under TCG: fewer
# cycles under traffic there, and time with room for a busy machine (reload's 6 cycles took
# over 900 s on the KUnit kernel beside other VMs; 3 take about 250 s alone). One churn
# thread per namespace: with one per vCPU, softirq work saturates the emulated CPUs and
# each unload waits minutes for RCU grace periods (the kernel's, in
# unregister_pernet_subsys()), as the stack dumps showed. make stress's sizes come after.
debug_vm() {	# debug_vm NAME BZIMAGE KODIR TESTS TIMEOUT
	SEQSTATE_GUEST_ENV="SEQSTATE_CYCLES=1 SEQSTATE_SCALE=10 SEQSTATE_STRESS_CYCLES=3 \
		${SEQSTATE_STRESS_ENV:-} SEQSTATE_STRESS_THREADS=1" \
	SEQSTATE_ACCEL=$(probe_accel "$2") SEQSTATE_VM_TIMEOUT=$5 \
		"$SEQSTATE_TOP/scripts/vm.sh" "$1" "$2" "$3" "$4" "$out"
}

# The KUnit kernel (6.1): built once per machine, then the KUnit suites, the whole
# integration suite and a kmemleak scan in it.
kunit_lane() {
	local obj
	if ! obj=$("$SEQSTATE_TOP/scripts/kunit-kernel.sh" 2>"$out/kunit-kernel.log"); then
		record "not ok" "kunit/kernel" "see $out/kunit-kernel.log"
		return
	fi
	debug_build kunit "$obj" SEQSTATE_KUNIT=m || return
	debug_vm "kunit-$(basename "$obj")" "$obj/arch/x86/boot/bzImage" "$out/kunit-build" \
		"$kunit_tests $(lane_tests kunit) $debug_tests" "${SEQSTATE_KUNIT_TIMEOUT:-4500}"
}

# The RT debug kernel (6.12, PREEMPT_RT): built once per machine, then the whole integration
# suite and a kmemleak scan in it. A lock that sleeps on RT taken from the probe shows here.
rt_lane() {
	local obj
	if ! obj=$("$SEQSTATE_TOP/scripts/rt-kernel.sh" 2>"$out/rt-debug-kernel.log"); then
		record "not ok" "rt-debug/kernel" "see $out/rt-debug-kernel.log"
		return
	fi
	debug_build rt-debug "$obj" || return
	debug_vm "rt-debug-$(basename "$obj")" "$obj/arch/x86/boot/bzImage" "$out/rt-debug-build" \
		"$(lane_tests rt) $debug_tests" "${SEQSTATE_RT_TIMEOUT:-4500}"
}

# The jobs, longest first, as many at once as there are lanes: every VM runs in one host
# thread (see probe_accel), and a stock kernel's VM keeps it busy some 70% of the time (the
# rest it waits on TCP's timers), so one job more than there are cores keeps them all busy.
# A job's lines come as it ends its steps.
queue=()
wants rt-debug && queue+=(rt-debug)
wants_kunit && queue+=(kunit)
for suite in $(matrix_rows | awk '{ print $1 }' | uniq); do
	queue+=("$suite")
done
lanes=${SEQSTATE_LANES:-$(($(nproc) + 1))}
running=0
for job in "${queue[@]}"; do
	if [ "$running" -ge "$lanes" ]; then
		wait -n
		running=$((running - 1))
	fi
	case $job in
	kunit) kunit_lane & ;;
	rt-debug) rt_lane & ;;
	*) stock_suite "$job" & ;;
	esac
	running=$((running + 1))
done
wait

passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^not ok ' "$results")
echo
grep '^not ok ' "$results"
echo "make check: $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
