# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# The gauges by peer group. Each group's row equals ss with the group as a filter
# (`ss -tanH state S '( dst C1 or dst C2 )' and '( dport = :P1 or ... )'`) in every state,
# for sockets made before and after the groups were written, IPv4, IPv6 and v4-mapped,
# TIME-WAIT included. Groups replaced under traffic: every read shows one definition, and
# at rest the rows equal ss with it. Malformed writes change nothing; a write within a
# second of the last is refused; only root writes.
. /seqstate/lib.sh

own_netns
ip -6 addr add fd00:1::1/128 dev lo
ip -6 addr add fd00:2::1/128 dev lo
G=/proc/net/seqstate/peer_groups
P=/proc/net/seqstate/peers

DEF1='db 127.1.0.0/16,fd00:1::/64 5432
cache 127.2.0.0/16,fd00:2::/64'
DEF2='db 127.1.0.0/16,fd00:1::/64 5432,5433
cache 127.2.0.0/16
lo 127.0.0.0/8'

# ss_peer_filter LINE: ss's filter for one line of a definition.
ss_peer_filter() {
	local f sep n
	set -f
	set -- $1
	f="("
	sep=
	for n in $(echo "$2" | tr , ' '); do
		f="$f $sep dst $n"
		sep=or
	done
	f="$f )"
	if [ -n "${3:-}" ]; then
		f="$f and ("
		sep=
		for n in $(echo "$3" | tr , ' '); do
			f="$f $sep dport = :$n"
			sep=or
		done
		f="$f )"
	fi
	set +f
	echo "$f"
}

# check_peers WHAT DEF: every group of DEF against ss, judged on a round in which the peers
# file held still.
# peers_round: one round of check_peers, on $a and the definition in $def.
peers_round() {
	want=$(echo "$def" | while read -r line; do
		f=$(ss_peer_filter "$line")
		set -f
		# shellcheck disable=SC2086
		ss_states $f | awk -v g="${line%% *}" '{ print g, $0 }'
		set +f
	done)
	got=$(echo "$a" | awk -v states="$SS_STATES" '
		NR == 2 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		NR > 2 { n = split(states, s, " ")
			 for (i = 1; i <= n; i++) print $1, s[i], $col[s[i]] }')
}

check_peers() {
	local a want got
	def=$2
	while_still $P "$1" peers_round
	[ "$want" = "$got" ] || { echo "$a"; printf 'ss:\n%s\nseqstate:\n%s\n' "$want" "$got" |
		sort | uniq -u; fail "$1: peer gauges differ from ss"; }
	echo "pass: $1: $(echo "$want" | wc -l) gauges equal ss's"
}

gen() {
	awk 'NR == 1 { print $2 }' $P
}

load_seqstate
assert_eq "no groups at load" "" "$(cat $G)"

# Before the groups: a v4 server on 5432 whose clients connect to 127.1.0.1.
seqload hold --port 5432 --to 127.1.0.1 --established 3 --close-wait 2 \
	--ready-file /tmp/a >/dev/null &
hold_a=$!
wait_ready /tmp/a $hold_a
echo "$DEF1" >$G
assert_eq "the groups as written" "$DEF1" "$(cat $G)"
assert_eq "first set" 1 "$(gen)"
check_peers "sockets from before the groups" "$DEF1"
assert_eq "db established: the clients" 3 \
	"$(awk '$1 == "db" { print $5 }' $P)"

# After: IPv6 towards cache with TIME-WAIT, and a v4-mapped client on 5433.
seqload hold -6 --port 6379 --to fd00:2::1 --established 2 --close-wait 1 --time-wait 2 \
	--ready-file /tmp/b >/dev/null &
hold_b=$!
seqload hold -6 --port 5433 --to ::ffff:127.1.0.1 --established 2 \
	--ready-file /tmp/c >/dev/null &
hold_c=$!
wait_ready /tmp/b $hold_b
wait_ready /tmp/c $hold_c
check_peers "sockets made since" "$DEF1"
metrics_to_host peers

# Replaced under traffic: every read shows the names of one definition, whole.
rm -f /tmp/stop
( while [ ! -e /tmp/stop ]; do seqload churn -n 50 -p 7300 >/dev/null; done ) &
churn=$!
g0=$(gen)
# Ten replacements; four on the debug kernels (SEQSTATE_SCALE), where each walk is slow.
reps=10
[ "${SEQSTATE_SCALE:-1}" = 1 ] || reps=4
for i in $(seq $reps); do
	if [ $((i % 2)) = 1 ]; then def=$DEF2; else def=$DEF1; fi
	sleep 1.1
	echo "$def" >$G
	names=$(awk 'NR > 2 { printf "%s%s", s, $1; s = " " }' $P)
	assert_eq "replacement $i: one definition's groups" \
		"$(echo "$def" | awk '{ printf "%s%s", s, $1; s = " " }')" "$names"
done
assert_eq "$reps replacements, $reps sets" $((g0 + reps)) "$(gen)"
sleep 1.1
echo "$DEF2" >$G
touch /tmp/stop
wait $churn
wait_until 120 sockets_are 0 exclude time-wait "(" sport = :7300 or dport = :7300 ")"
check_peers "at rest after replacements under traffic" "$DEF2"
assert_eq "lo: TIME-WAIT from the churn, counted from the tables" \
	"$(ss -tanH state time-wait dst 127.0.0.0/8 | wc -l)" \
	"$(awk -v c=11 '$1 == "lo" { print $c }' $P)"

# A write within a second of the last is refused; malformed ones change nothing.
sleep 1.1
assert_eq "a write" ok "$(seqload try write $G "$DEF1")"
assert_eq "another within a second" EBUSY "$(seqload try write $G "$DEF2")"
# 10,000 (SEQSTATE_SCALE divides them on the debug kernels).
before=$(cat $G; head -1 $P)
bad=$((10000 / ${SEQSTATE_SCALE:-1}))
seqload badwrites -n $bad -k peers $G
assert_eq "$bad malformed writes changed nothing" "$before" "$(cat $G; head -1 $P)"
assert_eq "another user may not write" EACCES "$(seqload asuser 1000 seqload try write $G "$DEF2")"

# Cleared: no rows, no series.
sleep 1.1
echo >$G
assert_eq "cleared: no groups" "" "$(cat $G)"
assert_eq "cleared: no rows" 2 "$(wc -l <$P)"
assert_eq "cleared: no series" 0 "$(grep -c '^seqstate_tcp_peer' /proc/net/seqstate/metrics || :)"
kill $hold_a $hold_b $hold_c
wait
check_gauges "with peers"
unload_seqstate

load_seqstate peers=0
[ ! -e $G ] && [ ! -e $P ] || fail "peers=0: the files exist"
unload_seqstate
