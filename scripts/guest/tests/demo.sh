# SPDX-License-Identifier: GPL-2.0
# class: demo
# make demo: real traffic, then what /proc and sysfs show. Lines for the user go to the
# results channel prefixed "demo| ".
. /seqstate/lib.sh

show() {
	echo "demo| \$ $*" >&3
	"$@" 2>&1 | sed 's/^/demo| /' >&3
	echo "demo|" >&3
}

load_seqstate rekey_guard_s=0	# the ISN switch below comes right after the load
show cat /sys/module/seqstate/version
show seqload churn -n 1000 -t 2
show seqload churn -n 500 -6
seqload hold --listen 2 --established 3 --close-wait 2 --seconds 30 --ready-file /tmp/ready \
	>/dev/null &
wait_ready /tmp/ready $!
show ss -tan
show cat /proc/net/seqstate/states
show in_netns 'seqload churn -n 10 >/dev/null; cat /proc/net/seqstate/states'
show grep . /sys/kernel/seqstate/states/established/entered /sys/kernel/seqstate/states/syn_sent/entered
show grep . /proc/net/seqstate/transitions
show grep -e '^# TYPE' -e 'state="established"' -e 'state="time_wait"' /proc/net/seqstate/metrics
# How long: the held sockets age; the churned ones were timed as they left each state.
sleep 5
show cat /proc/net/seqstate/durations
show grep . /sys/kernel/seqstate/states/close_wait/oldest_age_ms
kill %1
wait

# Who: the same sockets by the cgroup they were made in, a web server leaking CLOSE-WAIT
# beside a database client.
mkdir /sys/fs/cgroup/web /sys/fs/cgroup/db
into='echo $$ >"$0/cgroup.procs" && exec "$@"'
sh -c "$into" /sys/fs/cgroup/web seqload hold --listen 1 --close-wait 4 --ready-file /tmp/w \
	>/dev/null &
wait_ready /tmp/w $!
sh -c "$into" /sys/fs/cgroup/db seqload hold --established 3 --time-wait 2 --ready-file /tmp/d \
	>/dev/null &
wait_ready /tmp/d $!
show cat /proc/net/seqstate/cgroups
show ss -tanH state close-wait cgroup /web
show grep -e 'cgroup_sockets.*close_wait' /proc/net/seqstate/metrics
kill %1 %2
wait

# The ISN generator, switched into TCP: a connection's SYN and SYN-ACK on the wire.
echo 1 >/sys/kernel/seqstate/isn/active
seqload capture -i lo -p 7200 -n 2 >/tmp/cap &
wait_until 120 printed /tmp/cap "capture ready"
seqload listen -p 7200 >/dev/null &
wait_until 120 listening ":7200 "
seqload connect -a 127.0.0.1 -p 7200 >/dev/null
wait
show cat /tmp/cap
show grep . /sys/kernel/seqstate/isn/active /sys/kernel/seqstate/isn/answered_v4 /sys/kernel/seqstate/isn/key_epoch /sys/kernel/seqstate/isn/tick_ns
unload_seqstate
