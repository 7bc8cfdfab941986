# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest tests; each test runs as `sh -e`, sourcing this.
. /seqstate/config

fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "pass: $1 = $3"
}

load_seqstate() {
	insmod /seqstate/seqstate.ko "$@"
}

unload_seqstate() {
	rmmod seqstate
}

# entered STATE [FILE]: the "entered" column of a /proc/net/seqstate/states row
entered() {
	awk -v s="$1" '$1 == s { print $3 }' "${2:-/proc/net/seqstate/states}"
}

STATES="listen syn_sent syn_recv established fin_wait1 fin_wait2 close_wait closing last_ack time_wait close"

# transition FROM TO: the count of FROM -> TO in /proc/net/seqstate/transitions (0 if none)
transition() {
	awk -v f="$1" -v t="$2" '$1 == f && $2 == t { n = $3 } END { print n + 0 }' \
		/proc/net/seqstate/transitions
}

# Two CPUs can both turn one request into a child when the handshake's ACK comes twice
# (a SYN-ACK retransmitted on a slow machine): the child that loses is freed at once,
# in SYN_RECV, and never seen by ss. Such a child enters syn_recv and goes to close.
# duplicate_children BEFORE: how many syn_recv -> close happened since BEFORE was read.
duplicate_children() {
	echo $(($(transition syn_recv close) - $1))
}

# now STATE: the "now" column of /proc/net/seqstate/states in this namespace
now() {
	awk -v s="$1" '$1 == s { print $2 }' /proc/net/seqstate/states
}

# Input: the states file twice, `ss -tanH`, /proc/net/tcp{,6}, split by "--" lines.
# shellcheck disable=SC2016
gauges_awk='
BEGIN {
	n = split(pending, want, " ")
	split("LISTEN listen SYN-SENT syn_sent SYN-RECV syn_recv ESTAB established " \
	      "FIN-WAIT-1 fin_wait1 FIN-WAIT-2 fin_wait2 CLOSE-WAIT close_wait CLOSING closing " \
	      "LAST-ACK last_ack TIME-WAIT time_wait UNCONN close", m, " ")
	for (i = 1; i < 22; i += 2)
		ss_state[m[i]] = m[i + 1]
	split("01 established 02 syn_sent 03 syn_recv 04 fin_wait1 05 fin_wait2 " \
	      "06 time_wait 07 close 08 close_wait 09 last_ack 0A listen 0B closing", m, " ")
	for (i = 1; i < 22; i += 2)
		tcp_state[m[i]] = m[i + 1]
}
$0 == "--" { part++; next }
part == 0 && $1 != "state" { before[$1] = $2 }
part == 1 && $1 != "state" { after[$1] = $2 }
part == 2 && NF { by_ss[ss_state[$1]]++ }
part == 3 && $1 != "sl" && NF { by_tcp[tcp_state[$4]]++ }
function judge(s, oracle, count) {
	if (count + 0 == before[s] && before[s] != "")
		printf "pass: %s: %s now, against %s = %d\n", what, s, oracle, count
	else
		printf "FAIL: %s: %s now, against %s: expected '\''%d'\'', got '\''%s'\''\n",
		       what, s, oracle, count, before[s]
}
END {
	for (i = 1; i <= n; i++) {
		s = want[i]
		if (before[s] != after[s]) {
			moved = moved " " s
			continue
		}
		judge(s, "ss", by_ss[s])
		judge(s, "/proc/net/tcp", by_tcp[s])
	}
	print "pending" moved
}'

# Every gauge of this namespace against ss and /proc/net/tcp{,6}, then verify. A round
# reads the states file, both oracles, and the states file again: a state whose gauge held
# still across the round is judged, one whose gauge moved (TIME-WAIT sockets expire on their
# own, 60 s after they came) waits for the next round.
check_gauges() {
	local pending=$STATES i=0 a b sso tcp out
	while [ -n "$pending" ]; do
		[ $i -lt 10 ] || fail "$1: the gauges of $pending never held still"
		i=$((i + 1))
		a=$(cat /proc/net/seqstate/states)
		sso=$(ss -tanH)
		tcp=$(cat /proc/net/tcp /proc/net/tcp6)
		b=$(cat /proc/net/seqstate/states)
		out=$(printf '%s\n--\n%s\n--\n%s\n--\n%s\n' "$a" "$b" "$sso" "$tcp" |
		      awk -v what="$1" -v pending="$pending" "$gauges_awk")
		# A round where every pending state moved again judges nothing: grep then selects
		# no line, and under sh -e its status would end the test without a word.
		echo "$out" | grep -v '^pending' || true
		case $out in *FAIL:*) exit 1 ;; esac
		pending=$(echo "$out" | sed -n 's/^pending//p')
	done
	# verify walks the tables while timewait sockets may expire: allow a retry or two.
	i=0
	until [ "$(tail -n 1 /proc/net/seqstate/verify)" = "differences 0" ]; do
		i=$((i + 1))
		[ $i -lt 3 ] || { cat /proc/net/seqstate/verify; fail "$1: verify"; }
	done
	echo "pass: $1: verify"
	check_integrity "$1"
}

# check_integrity WHAT: this namespace's books balance (module/counters.c). For every
# state: the transitions into it add up to entered; for every state but close: the
# transitions out of it add up to left (listen: less listen -> syn_recv, the accepted
# children), and now = at_load + entered - left (syn_recv: less the half-open row). Read
# between two identical readings of the states file: TIME-WAIT sockets expire on their own.
check_integrity() {
	local i=0 a b t errs
	while :; do
		a=$(cat /proc/net/seqstate/states)
		t=$(cat /proc/net/seqstate/transitions)
		b=$(cat /proc/net/seqstate/states)
		[ "$a" != "$b" ] || break
		i=$((i + 1))
		[ $i -lt 10 ] || fail "$1: the counters never held still"
	done
	errs=$(printf '%s\n--\n%s\n' "$a" "$t" | awk '
		$0 == "--" { tr = 1; next }
		!tr && $1 == "(half-open)" { half = $2; next }
		!tr && $1 != "state" { st[++n] = $1; now[$1] = $2; ent[$1] = $3; lft[$1] = $4
				       load[$1] = $5; next }
		tr && $1 != "from" { into[$2] += $3; outof[$1] += $3
				     if ($1 == "listen" && $2 == "syn_recv") child = $3 }
		END {
			for (i = 1; i <= n; i++) {
				s = st[i]
				if (into[s] + 0 != ent[s])
					printf "%s: transitions in %d, entered %d; ", s, into[s], ent[s]
				if (s == "close") {
					if (lft[s] != 0 || now[s] != 0)
						printf "close: left %d, now %d; ", lft[s], now[s]
					continue
				}
				o = outof[s] - (s == "listen" ? child : 0)
				if (o != lft[s])
					printf "%s: transitions out %d, left %d; ", s, o, lft[s]
				g = now[s] - (s == "syn_recv" ? half : 0)
				if (g != load[s] + ent[s] - lft[s])
					printf "%s: now %d != at_load %d + entered %d - left %d; ",
					       s, g, load[s], ent[s], lft[s]
			}
			if (n != 11)
				printf "%d states in the states file; ", n
		}')
	[ -z "$errs" ] || { echo "$a"; echo "$t"; fail "$1: counters do not balance: $errs"; }
	echo "pass: $1: counters balance"
}

# settled_memory: memory_bytes once it held still for 2 s. The namespace of the test before
# may still be dying (a workqueue tears namespaces down): the module counted it at load and
# frees its counters when it goes.
settled_memory() {
	local mem now_mem i=0
	mem=$(cat /sys/kernel/seqstate/memory_bytes)
	while sleep 2; do
		now_mem=$(cat /sys/kernel/seqstate/memory_bytes)
		[ "$now_mem" != "$mem" ] || break
		mem=$now_mem
		i=$((i + 1))
		[ $i -lt 30 ] || { echo "FAIL: memory_bytes never held still for 2 s" >&2; return 1; }
	done
	echo "$mem"
}

# memory_back MEM WHAT: until memory_bytes is back to MEM or below, for at most 300 s. Below,
# not equal: a namespace of an earlier test that was still dying when MEM was read (cleanup_net
# takes minutes on a debug kernel under TCG) frees its counters whenever it goes.
memory_back() {
	local mem=$1 now t0
	t0=$(cut -d. -f1 /proc/uptime)
	until now=$(cat /sys/kernel/seqstate/memory_bytes); [ "$now" -le "$mem" ]; do
		[ $(($(cut -d. -f1 /proc/uptime) - t0)) -lt 300 ] ||
			fail "$2: memory_bytes stays at $now, above $mem"
		sleep 0.2
	done
	echo "pass: $2: memory_bytes back to $now (was $mem)"
}

# wait_ready FILE PID: until seqload hold (PID) has made its sockets, or died.
wait_ready() {
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || fail "seqload hold exited before it was ready"
		sleep 0.1
	done
}
