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

# ss_count STATE: sockets `ss` shows in STATE (ss's own state names) in this netns
ss_count() {
	ss -tanH state "$1" | wc -l
}

STATES="listen syn_sent syn_recv established fin_wait1 fin_wait2 close_wait closing last_ack time_wait close"

# The names ss gives the states in its filters.
ss_name() {
	case $1 in
	listen) echo listening ;;
	close) echo closed ;;
	fin_wait1) echo fin-wait-1 ;;
	fin_wait2) echo fin-wait-2 ;;
	*) echo "$1" | tr _ - ;;
	esac
}

# The state number /proc/net/tcp{,6} shows (timewait sockets by substate).
tcp_st() {
	case $1 in
	established) echo 01 ;; syn_sent) echo 02 ;; syn_recv) echo 03 ;;
	fin_wait1) echo 04 ;; fin_wait2) echo 05 ;; time_wait) echo 06 ;;
	close) echo 07 ;; close_wait) echo 08 ;; last_ack) echo 09 ;;
	listen) echo 0A ;; closing) echo 0B ;;
	esac
}

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

# stable_eq WHAT CMD STATE: the gauge of STATE equals CMD's count, read between two
# readings of the gauge that agree. TIME-WAIT sockets expire on their own (60 s), so a
# single reading could fall on either side of an expiry; a changing gauge is read again.
stable_eq() {
	local g1 n g2 i=0
	while [ $i -lt 10 ]; do
		g1=$(now "$3")
		n=$(eval "$2")
		g2=$(now "$3")
		if [ "$g1" = "$g2" ]; then
			assert_eq "$1" "$n" "$g1"
			return
		fi
		i=$((i + 1))
	done
	fail "$1: the gauge never held still"
}

# Every gauge of this namespace against ss and /proc/net/tcp{,6}, then verify.
check_gauges() {
	local s i=0
	for s in $STATES; do
		stable_eq "$1: $s now, against ss" "ss -tanH state $(ss_name $s) | wc -l" $s
		stable_eq "$1: $s now, against /proc/net/tcp" \
			"cat /proc/net/tcp /proc/net/tcp6 | awk -v st=$(tcp_st $s) 'NR > 1 && \$4 == st' | wc -l" $s
	done
	# verify walks the tables while timewait sockets may expire: allow a retry or two.
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

# wait_ready FILE PID: until seqload hold (PID) has made its sockets, or died.
wait_ready() {
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || fail "seqload hold exited before it was ready"
		sleep 0.1
	done
}
