# SPDX-License-Identifier: GPL-2.0
# class: smoke
# The short test for kernels that run no full suite (smoke rows of scripts/matrix): load,
# count connections against ss, make ISNs, unload.
. /seqstate/lib.sh

load_seqstate rekey_guard_s=0	# it switches the ISN generator in and out at once
assert_eq "module version" "$SEQSTATE_VERSION" "$(cat /sys/module/seqstate/version)"
est=$(entered established)
seqload churn -n 3
assert_eq "established entries" $((est + 6)) "$(entered established)"
# Three connections with seqstate's ISNs: a SYN and a SYN-ACK each.
echo 1 >/sys/kernel/seqstate/isn/active
in_netns 'seqload churn -n 3 -r' >/dev/null
echo 0 >/sys/kernel/seqstate/isn/active
assert_eq "ISN calls answered" 6 "$(cat /sys/kernel/seqstate/isn/answered_v4)"
in_netns '
	seqload hold --listen 1 --established 2 --close-wait 1 --ready-file /tmp/s >/dev/null &
	wait_ready /tmp/s $!
	check_gauges "smoke"
	kill %1
	wait'
unload_seqstate
[ ! -e /proc/net/seqstate ] || fail "/proc/net/seqstate left behind"
