# SPDX-License-Identifier: GPL-2.0
# TIME-WAIT ends after 2*MSL as the kernel has it (TCP_TIMEWAIT_LEN, 60 s): the gauge
# follows ss down to 0 and each expiry counts as time_wait -> close.
. /seqstate/lib.sh

if [ "${1:-}" != netns ]; then
	exec unshare -n sh -e /seqstate/tests/timewait_expiry.sh netns
fi
ip link set lo up
load_seqstate
seqload churn -n 5
until [ "$(ss -tanH state last-ack | wc -l)" = 0 ]; do sleep 0.1; done
assert_eq "time_wait now" 5 "$(now time_wait)"
check_gauges "in TIME-WAIT"
i=0
until [ "$(ss -tanH state time-wait | wc -l)" = 0 ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "TIME-WAIT did not end within 150 s"
	sleep 0.5
done
check_gauges "after TIME-WAIT"
assert_eq "time_wait -> close" 5 \
	"$(awk '$1 == "time_wait" && $2 == "close" { print $3 }' /proc/net/seqstate/transitions)"
unload_seqstate
