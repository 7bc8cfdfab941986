#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one kernel with seqstate's modules and tests in a busybox initramfs and judge the run.
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
rm -rf "$work" && mkdir -p "$work/root"
seqload=$(build_seqload)

# The initramfs: busybox, our modules, tests and workload tool, and iproute2's ss and ip
# with their libraries (ss is the oracle for state counts).
build_initramfs() {
	local root=$work/root bin lib
	mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,etc,seqstate/tests}
	cp /bin/busybox "$root/bin/busybox"
	cp "$SEQSTATE_TOP/scripts/guest/init" "$root/init"
	cp "$SEQSTATE_TOP/scripts/guest/lib.sh" "$root/seqstate/"
	cp "$SEQSTATE_TOP"/scripts/guest/tests/*.sh "$root/seqstate/tests/"
	cp "$kodir"/*.ko "$root/seqstate/"
	cp "$seqload" "$root/bin/seqload"
	for bin in /usr/bin/ss /usr/bin/ip /usr/sbin/ip /bin/ip; do
		[ -e "$bin" ] || continue
		cp -L "$bin" "$root/usr/bin/"
		for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
	[ -e "$root/usr/bin/ss" ] || die "iproute2's ss not found on the host"
	echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
	cat >"$root/seqstate/config" <<-EOC
	SEQSTATE_TESTS="$tests"
	SEQSTATE_TOKEN="$token"
	SEQSTATE_VERSION="$(seqstate_version)"
	${SEQSTATE_GUEST_ENV:-}
	EOC
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
}

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

build_initramfs
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

# Judge: the guest's own verdicts, the success token, and a clean console.
passed=0 failed=0
report() {
	echo "$1 $name/$2${3:+ # $3}"
	echo "$1 $name/$2${3:+ # $3}" >>"$out/results"
	if [ "$1" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
touch "$work/results.log" "$work/console.log"
# The serial port writes CRLF.
results=$work/results.txt
tr -d '\r' <"$work/results.log" >"$results"

# part TEST: TEST's part of the console, from its "=== test" line to the next test's.
part() {
	tr -d '\r' <"$work/console.log" | awk -v t="=== test $1" '
		$0 == t { on = 1; next }
		/^=== test / && !/ FAILED$/ { on = 0 }
		on'
}

# A failed test says why where its result is read (CI output may be all there is): its first
# FAIL line, or the last lines of its console part when it never ended.
for t in $tests; do
	if grep -qx "ok $t" "$results"; then
		report ok "$t"
	elif grep -qx "not ok $t" "$results"; then
		why=$(part "$t" | grep -m1 '^FAIL: ' | cut -c1-160 || true)
		report "not ok" "$t" "${why:-see $work/console.log}"
	else
		report "not ok" "$t" "no result"
		part "$t" | tail -n 8 | sed "s|^|  $name/$t: |" >&2
	fi
done

# KUnit: every suite declared under kunit/ must report, every case ok, counts adding up.
if [[ " $tests " == *" kunit "* ]]; then
	for suite in $(kunit_suites); do
		body=$(sed -n "/^kunit-begin $suite\$/,/^kunit-end $suite\$/p" "$results")
		if [ -z "$body" ]; then
			report "not ok" "kunit/$suite" "suite missing from debugfs"
			continue
		fi
		plan=$(echo "$body" | sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' | head -n 1)
		cases=$(echo "$body" | grep -cE '^    (not )?ok [0-9]+ ' || true)
		while IFS=$'\t' read -r verdict tc; do
			report "$verdict" "kunit/$suite/$tc"
		done < <(echo "$body" | awk '/^    (not )?ok [0-9]+ / {
			v = ($1 == "not") ? "not ok" : "ok"
			sub(/^ *(not )?ok [0-9]+ (- )?/, "")
			print v "\t" $1 }')
		if [ -z "$plan" ] || [ "$plan" != "$cases" ]; then
			report "not ok" "kunit/$suite" "plan 1..${plan:-?} but $cases results"
		elif echo "$body" | grep -q 'not ok'; then
			report "not ok" "kunit/$suite" "a case failed"
		fi
	done
fi

# Host-side oracles: ISNs captured on the guest's wire, against the reference model.
if grep -q '^isn-wire ' "$results"; then
	if python3 "$SEQSTATE_TOP/scripts/ref/isn_ref.py" check <"$results" >"$work/isn-wire.txt"; then
		report ok "isn-wire"
	else
		report "not ok" "isn-wire" "$(grep -m1 -v '^ok' "$work/isn-wire.txt")"
	fi
fi

if ! grep -qx "$token" "$results"; then
	report "not ok" "run" "no success token (exit $rc after ${secs}s; timeout ${timeout}s)"
fi
# Any kernel report in the console fails the run, whoever caused it; the task dump of a
# slow test does not (see console_reports).
console_reports "$work/console.log" >"$work/reports.txt"
if [ -s "$work/reports.txt" ]; then
	report "not ok" "console" "$(head -n 1 "$work/reports.txt" | cut -c1-120)"
fi
slow=$(grep -c 'seqstate-task-dump-begin' "$work/console.log" || true)
[ "$slow" -eq 0 ] ||
	log "$name: $slow test(s) ran past SEQSTATE_STUCK_AFTER; task dump kept in $work/console.log"

times=$(sed -n 's/^time \([^ ]*\) \([0-9]*\)$/\1 \2s/p' "$results" | xargs)
echo "$name: $passed passed, $failed failed (${secs}s${times:+: $times})" >&2
if [ "$failed" -eq 0 ]; then
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
