# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# The gauges by listening port. Each row equals ss with its port filter in every state
# (`ss -tanH state S sport = :P`; SYN-RECV: the children plus the listeners' half-open
# connections) and the count of /proc/net/tcp{,6} lines with that local port; its
# listeners, accept queue and backlog equal `ss -ltnH sport = :P` (Recv-Q, Send-Q). For
# sockets made before and after the load, IPv4 and IPv6. A port nothing listens on any
# more goes with its last socket, and the memory with it; ports_max caps the rows.
. /seqstate/lib.sh

own_netns

# port_col P COLUMN: the value in P's row of the ports file; 0 without a row.
port_col() {
	awk -v p="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == p { n = $col[c] } END { print n + 0 }' /proc/net/seqstate/ports
}

# port_entered P STATE: P's entered_total in STATE, from the metrics file.
port_entered() {
	awk -v l="port=\"$1\"" -v s="state=\"$2\"" '
		/^seqstate_tcp_port_state_entered_total/ && index($0, l) && index($0, s) { n = $2 }
		END { print n + 0 }' /proc/net/seqstate/metrics
}

# proc_tcp_port P: the sockets /proc/net/tcp and tcp6 list with local port P, request
# socks and timewait sockets included.
proc_tcp_port() {
	cat /proc/net/tcp /proc/net/tcp6 | awk -v p="$(printf '%04X' "$1")" '
		NR > 1 && $2 ~ (":" p "$") { n++ } END { print n + 0 }'
}

# check_ports WHAT: every row against ss and /proc/net/tcp, judged on a round in which the
# ports file held still.
# ports_round: one round of check_ports, on $a.
ports_round() {
	want=$(echo "$a" | awk 'NR > 1 { print $1 }' | while read -r p; do
		ss_states sport = ":$p" | awk -v p="$p" '{ print p, $0 }'
		echo "$p all $(proc_tcp_port "$p")"
		ss -ltnH sport = ":$p" | awk -v p="$p" '{ n++; q += $2; b += $3 }
			END { print p, "listeners", n + 0; print p, "queues", q + 0, b + 0 }'
	done)
	got=$(echo "$a" | awk -v states="$SS_STATES" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ n = split(states, s, " "); all = $col["halfopen"]
		  for (i = 1; i <= n; i++) {
			v = $col[s[i]]
			if (s[i] == "syn_recv")
				v += $col["halfopen"]
			print $1, s[i], v
			all += $col[s[i]]
		  }
		  print $1, "all", all
		  print $1, "listeners", $col["listeners"]
		  print $1, "queues", $col["accept_queue"], $col["backlog"] }')
}

check_ports() {
	local a want got
	while_still /proc/net/seqstate/ports "$1" ports_round
	[ "$want" = "$got" ] || { echo "$a"; printf 'ss:\n%s\nseqstate:\n%s\n' "$want" "$got" |
		sort | uniq -u; fail "$1: port gauges differ from ss"; }
	echo "pass: $1: the values of $(($(echo "$a" | wc -l) - 1)) ports equal ss's"
}

# Before the load, on 7101: a listener that keeps 2 connections unaccepted, its server ends
# established and in CLOSE-WAIT.
seqload hold --port 7101 --established 3 --close-wait 2 --unaccepted 2 \
	--ready-file /tmp/p1 >/dev/null &
hold_1=$!
wait_ready /tmp/p1 $hold_1
load_seqstate
check_ports "at load"
assert_eq "at load: 7101 established, the server ends and the unaccepted" 5 \
	"$(port_col 7101 established)"
assert_eq "at load: 7101 accept queue" 2 "$(port_col 7101 accept_queue)"

# While loaded, over IPv6 on 7102.
seqload hold -6 --port 7102 --established 2 --close-wait 3 --unaccepted 1 \
	--ready-file /tmp/p2 >/dev/null &
hold_2=$!
wait_ready /tmp/p2 $hold_2
check_ports "while loaded"
assert_eq "7102 close_wait" 3 "$(port_col 7102 close_wait)"
assert_eq "7102 listeners" 1 "$(port_col 7102 listeners)"

# On 7103 the server closes first: its ends go through FIN-WAIT to TIME-WAIT on the port,
# which stays counted there after the listener closed.
e=$(port_entered 7103 established)
seqload hold --port 7103 --time-wait-server 4 --seconds 0 >/dev/null
assert_eq "7103 accepted (entered established)" 4 $(($(port_entered 7103 established) - e))
assert_eq "7103 TIME-WAIT, the listener gone" 4 "$(port_col 7103 time_wait)"
assert_eq "7103 listeners" 0 "$(port_col 7103 listeners)"
check_ports "after 7103"

# Half-open on 7104: request socks are their listener's port's.
ip addr add 10.9.0.1/32 dev lo
ip route add 10.9.0.0/24 dev lo
sysctl -qw net.ipv4.tcp_synack_retries=3
seqload listen -a 10.9.0.1 -p 7104 -n 1 >/dev/null &
flood=$!
wait_until 120 listening "10.9.0.1:7104"
seqload synflood -a 10.9.0.1 -p 7104 -s 10.9.0.2 -n 20
wait_until 120 sockets_are 20 state syn-recv sport = :7104
assert_eq "7104 half-open" 20 "$(port_col 7104 halfopen)"
check_ports "half-open"
kill $flood
wait $flood || :
check_gauges "with ports"
metrics_to_host ports

# A port nothing listens on goes with its last socket; 200 listeners that come and go leave
# nothing behind (SEQSTATE_SCALE divides them on the debug kernels).
kill $hold_1 $hold_2
wait
gone() { [ "$(wc -l </proc/net/seqstate/ports)" = 1 ]; }
wait_until 300 gone
echo "pass: every port went with its sockets"
mem=$(settled_memory)
burst=$((200 / ${SEQSTATE_SCALE:-1}))
seqload hold --listen $burst --seconds 0 >/dev/null
wait_until 300 gone
# On PREEMPT_RT the records come from per-CPU reserves of 256 that a worker refills once
# below half, and go back to them: the burst may leave them fuller than it found them.
slack=0
if uname -v | grep -q PREEMPT_RT; then
	slack=$(($(grep -c ^processor /proc/cpuinfo) * 128 * 96))
fi
memory_back $((mem + slack)) "$burst short-lived listeners (slack $slack)"
check_ports "at rest"
unload_seqstate

# At the cap, the next ports are not counted, and say so.
load_seqstate ports_max=2
in_netns '
	seqload hold --listen 3 --ready-file /tmp/k >/dev/null &
	wait_ready /tmp/k $!
	assert_eq "ports_max=2: rows" 2 "$(awk "NR > 1" /proc/net/seqstate/ports | wc -l)"
	assert_eq "ports_max=2: overflow counted" "seqstate_tcp_port_overflow_total 1" \
		"$(grep ^seqstate_tcp_port_overflow_total /proc/net/seqstate/metrics)"
	kill %1
	wait'
unload_seqstate

# ports=0: none of it; both parameters take their numbers only.
for bad in "ports=2" "ports=1x" "ports=yes" "ports=" "ports_max=0" "ports_max=65536" \
	   "ports_max=1k"; do
	if insmod /seqstate/seqstate.ko "$bad" 2>/dev/null; then
		fail "$bad was taken"
	fi
done
echo "pass: ports and ports_max take their values only"
load_seqstate ports=0
[ ! -e /proc/net/seqstate/ports ] || fail "ports=0: the ports file exists"
assert_eq "ports=0: port metrics" 0 \
	"$(grep -c "^seqstate_tcp_port" /proc/net/seqstate/metrics || :)"
unload_seqstate
