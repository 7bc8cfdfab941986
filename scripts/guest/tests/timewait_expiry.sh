# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# TIME-WAIT ends after 2*MSL as the kernel has it (TCP_TIMEWAIT_LEN, 60 s): the gauge
# follows ss down to 0 and each expiry counts as time_wait -> close.
. /seqstate/lib.sh

own_netns
load_seqstate
seqload churn -n 5
wait_until 300 sockets_are 0 state last-ack
assert_eq "time_wait now" 5 "$(now time_wait)"
check_gauges "in TIME-WAIT"
wait_until 300 sockets_are 0 state time-wait
check_gauges "after TIME-WAIT"
assert_eq "time_wait -> close" 5 \
	"$(awk '$1 == "time_wait" && $2 == "close" { print $3 }' /proc/net/seqstate/transitions)"
unload_seqstate
