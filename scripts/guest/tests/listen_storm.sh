# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# Listener churn. listen() and close() loops on SO_REUSEPORT sockets, two threads per vCPU,
# some sockets disconnected and listening again, while /proc/net/tcp, ss -lt and verify
# walk the listening hash in loops. The probe sees every listener change: on PREEMPT_RT it
# must neither sleep nor allocate there, and no walk may take the listening hash's locks in
# another order than the kernel. Then the half-open count and every gauge against ss, and
# the listener list back to what it held before the storm.
# SEQSTATE_SCALE divides the rounds (the KUnit kernel).
. /seqstate/lib.sh

# In a namespace of its own, so that no earlier test's sockets count.
own_netns

rounds=$((${SEQSTATE_STORM_ROUNDS:-2000} / ${SEQSTATE_SCALE:-1}))
threads=$((2 * $(grep -c '^processor' /proc/cpuinfo)))
load_seqstate

# A listener that stays, with half-open connections queued through the storm: SYNs from
# an address nobody answers for (five SYN-ACK retries: about a minute and a half).
ip addr add 10.9.0.1/32 dev lo
ip route add 10.9.0.0/24 dev lo
seqload listen -a 10.9.0.1 -p 7000 -n 1 >/dev/null &
listener=$!
wait_until 120 listening "10.9.0.1:7000"
seqload synflood -a 10.9.0.1 -p 7000 -s 10.9.0.2 -n 20
wait_until 300 sockets_are 20 state syn-recv
# The listener's entry exists once the worker ran; what the module holds now must come
# back after the storm.
check_gauges "before the storm"
mem=$(settled_memory)

rm -f /tmp/storm-done
(
	while [ ! -e /tmp/storm-done ]; do
		cat /proc/net/tcp /proc/net/tcp6 >/dev/null
		ss -tlnH >/dev/null
		cat /proc/net/seqstate/verify >/dev/null
	done
) &
readers=$!
out=$(seqload listenstorm -n "$rounds" -t "$threads" -p 7100)
touch /tmp/storm-done
wait $readers
echo "pass: $out, $threads threads, with readers of /proc/net/tcp, ss -lt and verify"

# Closed listeners leave the list a second after their last change (module/listeners.c).
memory_back "$mem" "after the storm"
assert_eq "listen now, after the storm" 1 "$(now listen)"
check_gauges "after the storm"
grep '^missed listener' /proc/net/seqstate/verify
# verify walks every socket of the namespace: host root only, not the root of a user
# namespace that owns a network namespace (and so its /proc/net files; 6.12 and later
# already refuse the open, EACCES).
r=$(seqload asuser 65534 unshare -r -n seqload try read /proc/net/seqstate/verify)
case $r in
EPERM | EACCES) echo "pass: verify, read by the root of an unprivileged user namespace: $r" ;;
*) fail "verify, read by the root of an unprivileged user namespace: expected EPERM, got $r" ;;
esac
kill $listener
wait
unload_seqstate
