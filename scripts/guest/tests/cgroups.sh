# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# The gauges by cgroup. Full sockets: each cgroup's row equals ss with its cgroup filter, in
# every state, for sockets made before and after the load, IPv4 and IPv6; an accepted
# socket is its listener's. TIME-WAIT and half-open, where ss shows no cgroup: ss's count
# of the family or the port only one cgroup's sockets have. A removed cgroup's row follows
# its sockets down, then goes, and the memory with it. The rows add up to the states file.
# (ss's cgroup filter sees full sockets only: a FIN-WAIT-2 timewait socket is in its
# cgroup's fin_wait2 but not in ss's; the holds here keep theirs as full sockets.)
. /seqstate/lib.sh

own_netns
cg=/sys/fs/cgroup
[ -e $cg/cgroup.procs ] || fail "no cgroup2 at $cg"
for c in a b c d; do
	mkdir -p $cg/ss-$c
done

# sh -c "$into" DIR CMD...: CMD in the cgroup DIR, as the process sh started ($! in the
# background).
into='echo $$ >"$0/cgroup.procs" && exec "$@"'

# cg_now PATH STATE: the gauge of PATH's row ("(other)" too) in STATE; 0 without a row.
cg_now() {
	awk -v p="$1" -v s="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$NF == p { n = $col[s] } END { print n + 0 }' /proc/net/seqstate/cgroups
}

# cg_entered PATH STATE: PATH's entered_total in STATE, from the metrics file.
cg_entered() {
	awk -v l="cgroup=\"$1\"" -v s="state=\"$2\"" '
		/^seqstate_tcp_cgroup_state_entered_total/ && index($0, l) && index($0, s) { n = $2 }
		END { print n + 0 }' /proc/net/seqstate/metrics
}

# check_cgroups WHAT: every row's full sockets against `ss cgroup PATH state S`, and the
# rows' sum against the states file; judged on a round in which the cgroups file held still.
# cgroups_round: one round of check_cgroups, on $a.
cgroups_round() {
	want=$(echo "$a" | awk 'NR > 1 && $NF != "(other)" { print $NF }' | while read -r p; do
		ss_states cgroup "$p" |
			awk -v p="$p" '$1 != "syn_recv" && $1 != "time_wait" { print p, $0 }'
	done)
	got=$(echo "$a" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$NF != "(other)" { split("listen syn_sent established fin_wait1 fin_wait2 " \
			"close_wait closing last_ack", s, " ")
			for (i = 1; i <= 8; i++) print $NF, s[i], $col[s[i]] }')
	sums=$(printf '%s\n--\n%s\n' "$a" "$(cat /proc/net/seqstate/states)" | awk '
		$1 == "--" { part = 2; next }
		part != 2 && /^cgroup_id/ { for (i = 1; i <= NF; i++) col[i] = $i; next }
		part != 2 { for (i = 2; i < NF - 1; i++) sum[col[i]] += $i; sum["syn_recv"] += $(NF - 1); next }
		$1 in sum && $2 != sum[$1] { print $1, "states", $2, "cgroups", sum[$1] }')
}

check_cgroups() {
	local a want got
	while_still /proc/net/seqstate/cgroups "$1" cgroups_round
	[ "$want" = "$got" ] || { echo "$a"; printf 'ss:\n%s\nseqstate:\n%s\n' "$want" "$got";
		fail "$1: cgroup gauges differ from ss"; }
	[ -z "$sums" ] || { echo "$a"; cat /proc/net/seqstate/states; fail "$1: rows do not add up: $sums"; }
	echo "pass: $1: $(echo "$want" | wc -l) gauges equal ss's, rows add up to the states"
}

# Before the load, in a: full sockets keep their cgroup, TIME-WAIT has none to read.
sh -c "$into" $cg/ss-a seqload hold --listen 2 --established 3 --close-wait 2 --time-wait 4 \
	--ready-file /tmp/a0 >/dev/null &
hold_a=$!
wait_ready /tmp/a0 $hold_a
load_seqstate
check_cgroups "at load"
assert_eq "at load: /ss-a established" 6 "$(cg_now /ss-a established)"
assert_eq "at load: TIME-WAIT there before, in (other)" \
	"$(ss -tanH state time-wait | wc -l)" "$(cg_now '(other)' time_wait)"

# While loaded, in b over IPv6: its TIME-WAIT is b's, the only IPv6 TIME-WAIT there is.
sh -c "$into" $cg/ss-b seqload hold -6 --listen 1 --established 2 --close-wait 3 --time-wait 5 \
	--ready-file /tmp/b0 >/dev/null &
hold_b=$!
wait_ready /tmp/b0 $hold_b
check_cgroups "while loaded"
assert_eq "/ss-b TIME-WAIT, as ss -6 counts it" \
	"$(ss -6tanH state time-wait | wc -l)" "$(cg_now /ss-b time_wait)"
assert_eq "/ss-b close_wait" 3 "$(cg_now /ss-b close_wait)"

# Paths are relative to the reader's cgroup namespace, as /proc/PID/cgroup shows them: a
# reader in a namespace rooted at /ss-b sees its own cgroup as / and the others above it.
want=$(awk 'NR > 1 { p = $NF
	if (p == "(other)") print p; else if (p == "/ss-b") print "/"
	else if (p == "/") print "/.."; else print "/.." p }' /proc/net/seqstate/cgroups | sort | xargs)
got=$(sh -c "$into" $cg/ss-b seqload cgns awk 'NR > 1 { print $NF }' /proc/net/seqstate/cgroups |
	sort | xargs)
assert_eq "paths seen from a cgroup namespace rooted at /ss-b" "$want" "$got"

# Accepted sockets are their listener's: a server in c, its clients in b.
e_c=$(cg_entered /ss-c established)
s_b=$(cg_entered /ss-b syn_sent)
r_ns=$(entered syn_recv)
sh -c "$into" $cg/ss-c seqload listen -p 7001 -n 10 >/dev/null &
srv=$!
wait_until 120 listening ":7001"
sh -c "$into" $cg/ss-b seqload connect -a 127.0.0.1 -p 7001 -n 10 >/dev/null
wait $srv
assert_eq "/ss-c accepted (entered established)" 10 $(($(cg_entered /ss-c established) - e_c))
assert_eq "/ss-b connected (entered syn_sent)" 10 $(($(cg_entered /ss-b syn_sent) - s_b))
# A SYN-ACK retransmitted on a slow kernel can make two children of one request (README):
# the namespace counts them too, and only c accepts here.
assert_eq "/ss-c syn_recv entered, as the namespace counts them" \
	$(($(entered syn_recv) - r_ns)) "$(cg_entered /ss-c syn_recv)"

# Half-open: request socks are their listener's cgroup's.
ip addr add 10.9.0.1/32 dev lo
ip route add 10.9.0.0/24 dev lo
sysctl -qw net.ipv4.tcp_synack_retries=3
sh -c "$into" $cg/ss-c seqload listen -a 10.9.0.1 -p 7000 -n 1 >/dev/null &
flood=$!
wait_until 120 listening "10.9.0.1:7000"
seqload synflood -a 10.9.0.1 -p 7000 -s 10.9.0.2 -n 20
wait_until 120 sockets_are 20 state syn-recv sport = :7000
half=$(awk 'NR > 1 && $NF == "/ss-c" { print $(NF - 1) }' /proc/net/seqstate/cgroups)
assert_eq "/ss-c half-open" 20 "$half"
check_cgroups "half-open"
kill $flood
wait $flood || :
check_gauges "with cgroups"
metrics_to_host cgroups

# A removed cgroup: its sockets stay counted in it, its row goes once they are gone.
in_netns '
	cg=$1
	mem=$(settled_memory)
	mkdir $cg/ss-e
	sh -c "echo \$\$ >$cg/ss-e/cgroup.procs && exec seqload hold --close-wait 2 --time-wait 3 --ready-file /tmp/e0" >/dev/null &
	hold=$!
	wait_ready /tmp/e0 $hold
	echo $hold >$cg/ss-a/cgroup.procs
	rmdir $cg/ss-e
	row() { awk -v s="$1" "NR == 1 { for (i = 1; i <= NF; i++) col[\$i] = i; next }
		\$NF == \"/ss-e\" { n = \$col[s] } END { print n + 0 }" /proc/net/seqstate/cgroups; }
	assert_eq "removed cgroup: close_wait" 2 "$(row close_wait)"
	assert_eq "removed cgroup: fin_wait2" 2 "$(row fin_wait2)"
	assert_eq "removed cgroup: time_wait, as ss counts" "$(ss -tanH state time-wait | wc -l)" \
		"$(row time_wait)"
	kill $hold
	wait $hold || :
	wait_until 120 sockets_are 0 state close-wait
	assert_eq "removed cgroup: close_wait once closed" 0 "$(row close_wait)"
	gone() { ! grep -q " /ss-e\$" /proc/net/seqstate/cgroups; }
	wait_until 300 gone
	assert_eq "TIME-WAIT expired when the row went" 0 "$(ss -tanH state time-wait | wc -l)"
	memory_back "$mem" "removed cgroup"' $cg

kill $hold_a $hold_b
wait
check_cgroups "after the holds"
unload_seqstate

# At the cap, a namespace's next cgroups count in (other), and say so.
load_seqstate cgroups_max=2
in_netns '
	cg=$1
	for c in a b c; do
		sh -c "echo \$\$ >$cg/ss-$c/cgroup.procs && exec seqload hold --established 1 --ready-file /tmp/k$c" >/dev/null &
		wait_ready /tmp/k$c $!
	done
	assert_eq "cgroups_max=2: rows" "(other) /ss-a /ss-b" \
		"$(awk "NR > 1 { printf \"%s%s\", s, \$NF; s = \" \" }" /proc/net/seqstate/cgroups)"
	assert_eq "cgroups_max=2: the third cgroup in (other)" 2 \
		"$(awk "NR > 1 && \$NF == \"(other)\" { print \$5 }" /proc/net/seqstate/cgroups)"
	# Its three sockets: the listener of the hold, its client and the server it made.
	assert_eq "cgroups_max=2: overflow counted" "seqstate_tcp_cgroup_overflow_total 3" \
		"$(grep ^seqstate_tcp_cgroup_overflow_total /proc/net/seqstate/metrics)"
	kill %1 %2 %3
	wait' $cg
unload_seqstate

# cgroups=0: none of it; both parameters take their numbers only.
for bad in "cgroups=2" "cgroups=1x" "cgroups=yes" "cgroups=" "cgroups_max=0" \
	   "cgroups_max=65537" "cgroups_max=1k"; do
	if insmod /seqstate/seqstate.ko "$bad" 2>/dev/null; then
		fail "$bad was taken"
	fi
done
echo "pass: cgroups and cgroups_max take their values only"
load_seqstate cgroups=0
[ ! -e /proc/net/seqstate/cgroups ] || fail "cgroups=0: the cgroups file exists"
assert_eq "cgroups=0: cgroup metrics" 0 \
	"$(grep -c "^seqstate_tcp_cgroup" /proc/net/seqstate/metrics || :)"
unload_seqstate
rmdir $cg/ss-a $cg/ss-b $cg/ss-c $cg/ss-d
