#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The verdicts of one VM run, from what it left in WORK (scripts/vm.sh): the guest's own
# results, the KUnit suites' KTAP (judged by the kernel's own parser), the ISNs seen on the
# guest's wire (against the reference model), the success token, and a console free of
# kernel reports.
#
#   judge.sh NAME WORK "TEST..." OUTDIR
#
# WORK holds results.log and console.log (the guest's two serial ports) and run.env (token,
# rc, secs, timeout of the boot). Prints one "ok|not ok NAME/WHAT" line per test, KUnit case
# and check, appends them to OUTDIR/results, and a summary on stderr. Exit status: 0 when
# everything passed. It can judge a kept WORK again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: judge.sh NAME WORK \"TEST...\" OUTDIR"
name=$1 work=$2 tests=$3 out=$4
token="" rc="" secs="" timeout=""
# shellcheck disable=SC1091
. "$work/run.env"

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

# KUnit: every suite declared under kunit/ must report; each suite's debugfs results are a
# KTAP document, judged by the kernel's own parser (tools/testing/kunit/kunit.py parse):
# a missing case, a plan that does not add up or a crash fails the suite.
if [[ " $tests " == *" kunit "* ]]; then
	kunit_py=$(linux_source)/tools/testing/kunit/kunit.py
	for suite in $(kunit_suites); do
		ktap=$work/kunit-$suite.ktap
		sed -n "/^kunit-begin $suite\$/,/^kunit-end $suite\$/p" "$results" | sed '1d;$d' >"$ktap"
		if [ ! -s "$ktap" ]; then
			report "not ok" "kunit/$suite" "suite missing from debugfs"
			continue
		fi
		verdict=ok
		python3 "$kunit_py" parse --json="$ktap.json" "$ktap" >"$ktap.txt" 2>&1 || verdict="not ok"
		[ -s "$ktap.json" ] || { report "not ok" "kunit/$suite" "kunit.py parse failed"; continue; }
		while IFS=$'\t' read -r v tc; do
			report "$v" "kunit/$suite/$tc"
		done < <(python3 -c '
import json, sys
for group in json.load(open(sys.argv[1]))["sub_groups"]:
	for case in group["test_cases"]:
		ok = case["status"] in ("PASS", "SKIP")
		print(("ok" if ok else "not ok") + "\t" + case["name"])' "$ktap.json")
		why=$(grep -m1 -E '\[ERROR\]|Testing complete' "$ktap.txt" | sed 's/^\[[0-9:]*\] //')
		report "$verdict" "kunit/$suite" "$([ "$verdict" = ok ] || echo "$why" | cut -c1-120)"
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

# Host-side oracle: every metrics file a test sent (metrics_to_host), against promtool's
# parser and linter.
for m in $(sed -n 's/^metrics-begin //p' "$results" | sort -u); do
	sed -n "/^metrics-begin $m\$/,/^metrics-end $m\$/s/^metrics| //p" "$results" \
		>"$work/metrics-$m.prom"
	if "$(promtool_path)" check metrics <"$work/metrics-$m.prom" >"$work/metrics-$m.txt" 2>&1
	then
		report ok "promtool/$m"
	else
		report "not ok" "promtool/$m" "$(head -n 1 "$work/metrics-$m.txt" | cut -c1-120)"
	fi
done

if ! grep -qx "$token" "$results"; then
	report "not ok" "run" "no success token (exit $rc after ${secs}s; timeout ${timeout}s)"
fi
# Any kernel report in the console fails the run, whoever caused it; the task dump of a
# slow test does not (see console_reports).
console_reports "$work/console.log" >"$work/reports.txt"
if [ -s "$work/reports.txt" ]; then
	report "not ok" "console" "$(head -n 1 "$work/reports.txt" | cut -c1-120)"
fi

times=$(sed -n 's/^time \([^ ]*\) \([0-9]*\)$/\1 \2s/p' "$results" | xargs)
echo "$name: $passed passed, $failed failed (${secs}s${times:+: $times})" >&2
[ "$failed" -eq 0 ]
