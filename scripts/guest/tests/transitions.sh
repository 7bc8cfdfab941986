# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# Exact transition counts for connections whose every step TCP defines: an active open and
# close, a passive open and close, and a SYN that is never answered.
. /seqstate/lib.sh

own_netns
# Loopback reuses TIME-WAIT tuples by default (tcp_tw_reuse=2): a churn that spans more than
# a second on a slow kernel then kills one of its own TIME-WAIT sockets (time_wait -> close),
# which the exact counts below do not expect. Seen once on 6.1 rt.
sysctl -qw net.ipv4.tcp_tw_reuse=0
# A segment retransmitted on a slow machine (a client's FIN the server's ACK was late for)
# reaches a server socket already closed, and its RST kills the client's TIME-WAIT socket
# (RFC 1337's "TIME-WAIT assassination"): time_wait -> close, seen once under load on 6.1.
# With tcp_rfc1337=1, TIME-WAIT ignores RSTs.
sysctl -qw net.ipv4.tcp_rfc1337=1
load_seqstate

# 20 connections; clients close first (they end in TIME-WAIT), servers after reading EOF.
# Duplicate children (lib.sh) add as many listen -> syn_recv -> close.
seqload churn -n 20
wait_until 300 sockets_are 0 state last-ack
dup=$(duplicate_children 0)
want="close listen 1
close syn_sent 20
listen syn_recv $((20 + dup))
listen close 1
syn_sent established 20
syn_recv established 20
established fin_wait1 20
established close_wait 20
fin_wait1 fin_wait2 20
fin_wait2 time_wait 20
close_wait last_ack 20
last_ack close 20"
[ "$dup" = 0 ] || want="$want
syn_recv close $dup"
assert_eq "transitions of 20 connections" "$(echo "$want" | sort)" \
	"$(awk 'NR > 1 { print $1, $2, $3 }' /proc/net/seqstate/transitions | sort)"
assert_eq "time_wait entered" 20 "$(entered time_wait)"
assert_eq "time_wait now" 20 "$(now time_wait)"
check_gauges "after churn"

# A SYN that goes nowhere: SYN_SENT through the retransmissions, then CLOSE. The socket stays
# in SYN_SENT for minutes (8 retries) so that a slow kernel's `ss` cannot miss it; once seen,
# one retry is all it has left: the retransmission timer reads the sysctl each time it fires.
ip route add 10.9.1.0/24 dev lo
sysctl -qw net.ipv4.tcp_syn_retries=8
seqload hold --syn-sent 1 -a 10.9.1.5 >/dev/null &
wait_until 300 sockets_are 1 state syn-sent
assert_eq "syn_sent now" 1 "$(now syn_sent)"
sysctl -qw net.ipv4.tcp_syn_retries=1
wait_until 300 sockets_are 0 state syn-sent
assert_eq "syn_sent now, given up" 0 "$(now syn_sent)"
assert_eq "close -> syn_sent" 21 "$(transition close syn_sent)"
assert_eq "syn_sent -> close" 1 "$(transition syn_sent close)"
kill %1
wait

# Simultaneous close: both ends' FINs cross (seqload holds them back by taking lo down),
# so both go FIN_WAIT1 -> CLOSING -> TIME_WAIT. On a slow kernel an ACK can still overtake
# a FIN and that end closes the ordinary way; every end is counted one way or the other.
# Passive close (LAST_ACK) is above.
in_netns '
	seqload simclose -n 5
	c=$(transition fin_wait1 closing)
	[ "$c" -gt 0 ] || fail "no simultaneous close went through CLOSING"
	assert_eq "established -> fin_wait1" 10 "$(transition established fin_wait1)"
	assert_eq "fin_wait1 -> closing or fin_wait2" 10 $((c + $(transition fin_wait1 fin_wait2)))
	assert_eq "closing -> time_wait" "$c" "$(transition closing time_wait)"
	assert_eq "closing entered" "$c" "$(entered closing)"
	assert_eq "fin_wait2 -> time_wait" "$(transition fin_wait1 fin_wait2)" \
		"$(transition fin_wait2 time_wait)"
	check_gauges "simultaneous close"'

# The Prometheus view says the same.
grep -q '^# TYPE seqstate_tcp_sockets gauge$' /proc/net/seqstate/metrics || fail "no TYPE line"
assert_eq "metrics: time_wait" "seqstate_tcp_sockets{state=\"time_wait\"} 20" \
	"$(grep 'seqstate_tcp_sockets{state="time_wait"}' /proc/net/seqstate/metrics)"
assert_eq "metrics: fin_wait2 -> time_wait" \
	'seqstate_tcp_transitions_total{from="fin_wait2",to="time_wait"} 20' \
	"$(grep 'from="fin_wait2",to="time_wait"' /proc/net/seqstate/metrics)"
metrics_to_host transitions
unload_seqstate
