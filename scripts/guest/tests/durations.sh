# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# How long sockets stay in each state. Sockets are held in a state for a time the test
# measures from outside (before they were made, once they were ready, once they were gone):
# their durations land in the buckets that overlap it, the oldest age reads it while they
# are there and falls to the next oldest when they go. IPv4 and IPv6.
. /seqstate/lib.sh

own_netns
load_seqstate

# hold_for STATE COUNT HOLD_ARGS...: COUNT sockets in STATE, held until the test has read
# their oldest age, then let go; then their durations. The test ends the hold: a timer of
# the holder's own ran out before the read on a slow kernel (`sleep 1` took 3.3 s), and
# the age of sockets already gone is rightly 0.
hold_for() {
	local state=$1 n=$2 m t0 t1 t2 k pid
	shift 2
	m=$(cat /proc/net/seqstate/metrics)
	t0=$(uptime_ms)
	seqload hold "$@" --ready-file /tmp/held >/dev/null &
	pid=$!
	wait_ready /tmp/held $pid
	t1=$(uptime_ms)
	rm /tmp/held
	sleep 1
	oldest_within "$state" "$t0" "$t1" "$state $*"
	k=$(uptime_ms)
	kill $pid
	wait $pid
	wait_until 120 sockets_are 0 state "$(echo "$state" | sed 's/_/-/; s/[12]$/-&/')"
	t2=$(uptime_ms)
	# The other sockets of the hold move on too (FIN-WAIT-2 -> TIME-WAIT for the
	# clients of an established hold): their durations belong before the next hold's.
	wait_until 120 quiet
	assert_eq "$state $*: durations recorded, and within [$((k - t1)), $((t2 - t0))] ms" \
		"$n $n" "$(in_range "$state" $((k - t1)) $((t2 - t0)) "$m")"
	assert_eq "$state $*: oldest age once gone" 0 "$(oldest "$state")"
}

for v6 in "" -6; do
	# The server ends wait in CLOSE-WAIT, the clients in FIN-WAIT-2, which goes on in a
	# timewait socket when the client closes: it keeps its entry time.
	hold_for close_wait 3 --close-wait 3 $v6
	hold_for established 4 --established 2 $v6
done
hold_for fin_wait2 3 --close-wait 3
check_gauges "held and gone"

# The oldest age falls to the next oldest when the oldest goes.
seqload hold --close-wait 2 --ready-file /tmp/a >/dev/null &
first=$!
wait_ready /tmp/a $first
sleep 2
t0=$(uptime_ms)
seqload hold --close-wait 2 --ready-file /tmp/b >/dev/null &
second=$!
wait_ready /tmp/b $second
t1=$(uptime_ms)
a=$(uptime_ms)
age=$(oldest close_wait)
[ "$age" -ge $((a - t0 + 1000)) ] || fail "oldest close_wait: $age ms, the first's is over $((a - t0 + 1000))"
kill $first
wait_until 120 sockets_are 2 state close-wait
oldest_within close_wait "$t0" "$t1" "close_wait once the first went (the second's)"
kill $second
wait

# SYN-SENT to nowhere: three SYNs, 1 + 2 + 4 s apart, then the kernel gives up. The time
# in SYN-SENT is the span from the last time ss saw it there to the first it did not.
ip route add 10.9.1.0/24 dev lo
sysctl -qw net.ipv4.tcp_syn_retries=2
m=$(cat /proc/net/seqstate/metrics)
t0=$(uptime_ms)
seqload hold --syn-sent 1 -a 10.9.1.5 --ready-file /tmp/s >/dev/null &
wait_ready /tmp/s $!
t1=$(uptime_ms)
while sockets_are 1 state syn-sent; do
	seen=$(uptime_ms)
	sleep 0.1
done
t2=$(uptime_ms)
assert_eq "syn_sent: durations recorded, and within [$((seen - t1)), $((t2 - t0))] ms" \
	"1 1" "$(in_range syn_sent $((seen - t1)) $((t2 - t0)) "$m")"
kill %1
wait
check_gauges "after syn_sent"
metrics_to_host durations

# Host-wide: at least what this namespace holds.
seqload hold --close-wait 1 --ready-file /tmp/h >/dev/null &
wait_ready /tmp/h $!
sleep 1
age=$(oldest close_wait)
host=$(cat /sys/kernel/seqstate/states/close_wait/oldest_age_ms)
[ "$host" -ge "$age" ] || fail "host-wide oldest close_wait $host ms < this namespace's $age ms"
echo "pass: host-wide oldest close_wait $host ms >= this namespace's $age ms"
kill %1
wait
unload_seqstate

# durations=0: none of it, and the gauges as before; the parameter takes 0 or 1 only.
for bad in 2 1x yes on -1 01 ""; do
	if insmod /seqstate/seqstate.ko durations="$bad" 2>/dev/null; then
		fail "durations=$bad was taken"
	fi
done
echo "pass: durations takes 0 or 1 only"
load_seqstate durations=0
# In a namespace of its own: this one's TIME-WAIT sockets expire while the module loads, and
# one that goes between the hooks' attach and the walk of the tables is a departure the walk
# never counted (README: "Sockets that change state while the module is being loaded").
in_netns '
	[ ! -e /proc/net/seqstate/durations ] && [ ! -e /sys/kernel/seqstate/durations ] &&
		[ ! -e /sys/kernel/seqstate/states/close_wait/oldest_age_ms ] ||
		fail "durations=0: files of durations exist"
	assert_eq "durations=0: duration metrics" 0 \
		"$(grep -c "^seqstate_tcp_state_duration\|^seqstate_tcp_oldest" /proc/net/seqstate/metrics || :)"
	seqload hold --close-wait 2 --ready-file /tmp/z >/dev/null &
	wait_ready /tmp/z $!
	assert_eq "durations=0: oldest age column" - "$(oldest close_wait)"
	metrics_to_host durations0
	check_gauges "durations=0"
	kill %1
	wait'
unload_seqstate
