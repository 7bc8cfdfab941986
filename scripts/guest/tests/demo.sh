# SPDX-License-Identifier: GPL-2.0
# make demo: real traffic, then what /proc and sysfs show. Lines for the user go to the
# results channel prefixed "demo| ".
. /seqstate/lib.sh

show() {
	echo "demo| \$ $*" >&3
	"$@" 2>&1 | sed 's/^/demo| /' >&3
	echo "demo|" >&3
}

load_seqstate
show cat /sys/module/seqstate/version
show seqload churn -n 1000 -t 2
show seqload churn -n 500 -6
seqload hold --listen 2 --established 3 --close-wait 2 --seconds 30 --ready-file /tmp/ready \
	>/dev/null &
while [ ! -e /tmp/ready ]; do sleep 0.1; done
show ss -tan
show cat /proc/net/seqstate/states
show unshare -n sh -c 'ip link set lo up; seqload churn -n 10 >/dev/null; cat /proc/net/seqstate/states'
show grep . /sys/kernel/seqstate/states/established/entered /sys/kernel/seqstate/states/syn_sent/entered
kill %1
wait
unload_seqstate
