# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# The gauges equal what ss and /proc/net/tcp show, in every state and namespace, for
# sockets made before and after the module was loaded.
. /seqstate/lib.sh

# In a namespace of its own, so that no earlier test's sockets count.
own_netns

# Sockets that were there first: the module must count them at once.
seqload hold --listen 3 --established 5 --close-wait 4 --time-wait 7 --ready-file /tmp/r1 \
	>/dev/null &
wait_ready /tmp/r1 $!
load_seqstate
check_gauges "before load"

# And the same again, made while loaded, over IPv6.
seqload hold -6 --listen 2 --established 3 --close-wait 2 --time-wait 5 --ready-file /tmp/r2 \
	>/dev/null &
wait_ready /tmp/r2 $!
check_gauges "while loaded"
assert_eq "listen now" 5 "$(now listen)"
assert_eq "established now" 16 "$(now established)"
assert_eq "close_wait now" 6 "$(now close_wait)"
assert_eq "time_wait now" 12 "$(now time_wait)"
kill %1 %2
wait

# Half-open: SYNs from an address nobody answers for; the SYN-ACKs go nowhere.
# (A /24 on lo would make all of it local: route it into lo instead.)
ip addr add 10.9.0.1/32 dev lo
ip route add 10.9.0.0/24 dev lo
# Three SYN-ACK retries: the requests live 15 s, long enough for all 50 to be queued at
# once even on the debug kernels under TCG (with one retry, 3 s, they were not).
sysctl -qw net.ipv4.tcp_synack_retries=3
seqload listen -a 10.9.0.1 -p 7000 -n 1 >/dev/null &
wait_until 120 listening "10.9.0.1:7000"
seqload synflood -a 10.9.0.1 -p 7000 -s 10.9.0.2 -n 50
wait_until 120 sockets_are 50 state syn-recv
assert_eq "half-open" 50 "$(awk '$1 == "(half-open)" { print $2 }' /proc/net/seqstate/states)"
check_gauges "half-open"
# The retries, then the requests expire.
wait_until 300 sockets_are 0 state syn-recv
check_gauges "half-open expired"
kill %1
wait

# Another namespace sees only its own sockets.
in_netns '
	assert_eq "new namespace: established now" 0 "$(now established)"
	seqload hold --established 4 --ready-file /tmp/r3 >/dev/null &
	hold=$!
	wait_ready /tmp/r3 $hold
	assert_eq "other namespace: established now" 8 "$(now established)"
	check_gauges "other namespace"
	kill $hold
	wait'
unload_seqstate
