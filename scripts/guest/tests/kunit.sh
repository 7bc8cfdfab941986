# SPDX-License-Identifier: GPL-2.0
# class: kunit
# The KUnit suites: run by loading the test module; the results are read from debugfs
# and judged by the host (every expected suite present, no "not ok", counts add up).
. /seqstate/lib.sh
load_seqstate
insmod /seqstate/seqstate_kunit.ko
for d in /sys/kernel/debug/kunit/seqstate_*; do
	[ -e "$d/results" ] || continue
	echo "kunit-begin ${d##*/}" >&3
	cat "$d/results" >&3
	echo "kunit-end ${d##*/}" >&3
done
rmmod seqstate_kunit
unload_seqstate
