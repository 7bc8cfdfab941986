# SPDX-License-Identifier: GPL-2.0
# class: full stress
# debug lane: rt
# Reliability: load and unload over and over while connections churn on every vCPU, every
# file of the module is read in a loop and the ISN generator is switched; then unload and
# load with sockets in every state (and, where the helper module exists, kernel sockets).
# Each reload must count exactly what ss shows, and the books must balance.
# Size: SEQSTATE_STRESS_CYCLES (default 10; make stress: 100); SEQSTATE_STRESS_THREADS
# churn threads per namespace (default: one per vCPU).
. /seqstate/lib.sh

cycles=${SEQSTATE_STRESS_CYCLES:-10}
cpus=${SEQSTATE_STRESS_THREADS:-$(grep -c '^processor' /proc/cpuinfo)}

files() {	# every file of the module, whatever is loaded now
	find /proc/net/seqstate /sys/kernel/seqstate /sys/module/seqstate/parameters \
		-type f 2>/dev/null
}

# Churn on every vCPU, in this namespace and another (IPv6 there), closing with RST so
# that the ports never run out; plus slower churn that leaves TIME-WAIT sockets. A churn
# that stops (a connect can fail under this load) starts again.
sh -c "while :; do seqload churn -n 1000000 -t $cpus -r; done" >/dev/null 2>&1 &
pids=$!
in_netns_bg 'while :; do seqload churn -n 1000000 -t "$1" -r -6 || :; done' $cpus >/dev/null 2>&1
pids="$pids $!"
in_netns_bg 'while :; do seqload churn -n 200 || :; sleep 1; done' >/dev/null 2>&1
pids="$pids $!"
# Readers of every file, verify and query included.
sh -c 'while :; do for f in $(find /proc/net/seqstate /sys/kernel/seqstate \
	/sys/module/seqstate/parameters -type f 2>/dev/null); do cat $f; done; done' \
	>/dev/null 2>&1 &
pids="$pids $!"
# The ISN switch, and queries.
sh -c 'while :; do echo 1 >/sys/kernel/seqstate/isn/active; echo 0 >/sys/kernel/seqstate/isn/active
	echo "127.0.0.1 80 127.0.0.1 81" >/proc/net/seqstate/query; done' >/dev/null 2>&1 &
pids="$pids $!"

i=0
while [ $i -lt "$cycles" ]; do
	case $((i % 3)) in
	0) load_seqstate rekey_guard_s=0 ;;	# guard 0: the switch loop attaches the hook
	1) load_seqstate isn_active=1 rekey_guard_s=0 ;;	# and isn_active=1 switches in at load
	2) load_seqstate isn_netns_keys=1 rekey_guard_s=0 ;;
	esac
	[ -n "$(files)" ] || fail "cycle $i: no files after load"
	unload_seqstate
	i=$((i + 1))
done
# shellcheck disable=SC2086
kill $pids
# The loops are gone, their churners are not: stop those too (busybox has no pkill).
killall -q seqload || true
wait_until 300 sh -c '! pidof seqload >/dev/null'
wait
echo "pass: $cycles load/unload cycles under churn ($cpus threads per namespace), readers and switching"

# Loaded again, in a quiet namespace: the gauges agree with ss.
in_netns '
	load_seqstate
	seqload churn -n 20 >/dev/null
	check_gauges "fresh load after the cycles"
	unload_seqstate'

# Sockets in every state a socket stays in: there at unload, and at load.
in_netns '
	ip addr add 10.9.0.1/32 dev lo
	ip route add 10.9.0.0/24 dev lo
	ip route add 10.9.1.0/24 dev lo
	seqload hold --listen 3 --established 4 --close-wait 5 --time-wait 6 --syn-sent 2 \
		-a 10.9.1.5 --ready-file /tmp/h >/dev/null &
	wait_ready /tmp/h $!
	seqload listen -a 10.9.0.1 -p 7000 -n 1 >/dev/null &
	wait_until 120 listening "10.9.0.1:7000"
	seqload synflood -a 10.9.0.1 -p 7000 -s 10.9.0.2 -n 20
	wait_until 300 sockets_are 20 state syn-recv
	load_seqstate
	check_gauges "every state, loaded"
	unload_seqstate
	load_seqstate
	check_gauges "every state, after unload and load"
	kill %1 %2
	wait
	check_gauges "every state, closed"
	unload_seqstate'

# Kernel sockets (a helper module on the KUnit kernel holds them in init_net): there
# before load and at unload, and closed while loaded.
if [ -e /seqstate/seqstate_ksock.ko ]; then
	insmod /seqstate/seqstate_ksock.ko
	load_seqstate
	assert_eq "the kernel's listener, in ss" 1 "$(ss -tlnH | grep -c '127.0.0.1:7070')"
	check_gauges "kernel sockets"
	unload_seqstate
	load_seqstate
	check_gauges "kernel sockets, after unload and load"
	rmmod seqstate_ksock
	check_gauges "kernel sockets closed while loaded"
	unload_seqstate
fi
