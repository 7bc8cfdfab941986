# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# 100,000 sockets timed (the peers' BPF tools stop at 10,240): each costs one 96-byte record
# (README), the oldest age is right, every one of them is timed when they go, and the gauges
# still equal ss. SEQSTATE_SCALE divides the number on slow (debug) kernels.
. /seqstate/lib.sh

own_netns
load_seqstate
pairs=$((50000 / ${SEQSTATE_SCALE:-1}))
n=$((2 * pairs))
# Room for 50,000 clients' and 50 listeners' ports (seqload hold opens a listener per 1,000
# pairs, so that connect() finds a free port quickly).
sysctl -qw net.ipv4.ip_local_port_range="1024 65000"

m=$(cat /proc/net/seqstate/metrics)
b0=$(cat /sys/kernel/seqstate/memory_bytes)
t0=$(uptime_ms)
seqload hold --established $pairs --ready-file /tmp/held >/dev/null &
pid=$!
wait_ready /tmp/held $pid
t1=$(uptime_ms)
b1=$(cat /sys/kernel/seqstate/memory_bytes)
assert_eq "sockets held" $n "$(ss -tanH state established | wc -l)"
# 96 but for the listener seqload holds and, on PREEMPT_RT, the per-CPU reserves of records
# refilled meanwhile (up to 128 records per CPU either way).
per=$(((b1 - b0 + n / 2) / n))
[ "$per" -ge 94 ] && [ "$per" -le 98 ] || fail "$per bytes per socket, not 96 (+-2)"
echo "pass: $per bytes per socket ($((b1 - b0)) for $n)"

sleep 1
oldest_within established "$t0" "$t1" "$n sockets"
check_gauges "$n sockets held"

k=$(uptime_ms)
kill $pid
wait $pid
wait_until 300 sockets_are 0 state established
t2=$(uptime_ms)
assert_eq "$n sockets: durations recorded, and within [$((k - t1)), $((t2 - t0))] ms" \
	"$n $n" "$(in_range established $((k - t1)) $((t2 - t0)) "$m")"
check_gauges "$n sockets gone"
unload_seqstate
