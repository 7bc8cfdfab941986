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

# uptime_s: seconds since boot, for the time limits of waits.
uptime_s() {
	cut -d. -f1 /proc/uptime
}

# ticks: the clock of the ISN's M (4 us ticks since boot), from /proc/uptime (10 ms steps).
ticks() {
	awk '{ printf "%.0f\n", $1 * 250000 }' /proc/uptime	# %d is 32 bits in busybox awk
}

# wait_until SECONDS COMMAND [ARG...]: until COMMAND succeeds, tried every 0.1 s for the
# first two seconds, then every second (a wait for TIME-WAIT to end runs ss 60 times, not
# 600: under TCG each run costs CPU the other VMs wait for); fails the test, naming COMMAND,
# when SECONDS passed first. The limits are far above what the slowest kernel (a debug
# kernel under TCG) takes: they turn a hang into a failure that says what never came, long
# before the VM's watchdog.
wait_until() {
	local limit=$1 t0 n=0
	shift
	t0=$(uptime_s)
	until "$@"; do
		[ $(($(uptime_s) - t0)) -lt "$limit" ] || fail "waited $limit s for: $*"
		n=$((n + 1))
		if [ $n -le 20 ]; then sleep 0.1; else sleep 1; fi
	done
}

# Conditions for wait_until.
# listening PATTERN: a TCP listener whose local address matches PATTERN (grep) exists.
listening() {
	ss -tlnH | grep -q "$1"
}

# sockets_are N FILTER...: `ss -tanH FILTER...` lists exactly N sockets.
sockets_are() {
	local n=$1
	shift
	[ "$(ss -tanH "$@" | wc -l)" = "$n" ]
}

# The states seqstate reports, in its order (close aside).
SS_STATES="listen syn_sent syn_recv established fin_wait1 fin_wait2 close_wait closing last_ack time_wait"

# ss_states FILTER...: "STATE N" for each of SS_STATES, from one `ss -tanH FILTER...` rather
# than one ss per state (each ss run costs the debug kernels seconds).
ss_states() {
	ss -tanH "$@" | awk -v states="$SS_STATES" '
		{ s = tolower($1); sub("-", "_", s); sub("-", "", s)
		  if (s == "estab") s = "established"
		  n[s]++ }
		END { k = split(states, st, " "); for (i = 1; i <= k; i++) print st[i], n[st[i]] + 0 }'
}

# while_still FILE WHAT FN [MOVING]: FN (which reads $a, FILE's content, and compares it) run
# until FILE reads the same before and after it, leaving out its lines that match the
# regular expression MOVING (values that move with time alone); WHAT fails after 20 rounds
# that never did.
while_still() {
	local file=$1 what=$2 fn=$3 moving=${4:-^\$} i=0 b
	while :; do
		a=$(grep -v "$moving" "$file")
		"$fn"
		b=$(grep -v "$moving" "$file")
		[ "$a" != "$b" ] || return 0
		i=$((i + 1))
		[ $i -lt 20 ] || fail "$what: $file never held still"
	done
}

# quiet: no socket of this namespace is between states; each is listening, in TIME-WAIT
# or gone. Closes go on in softirq, which a slow kernel defers to ksoftirqd: a holder
# that has exited may still have sockets moving on, and their durations land late.
quiet() {
	sockets_are 0 exclude listening exclude time-wait
}

# bpf_attached PID: a libbpf-tools tool (PID) has its program on the tracepoint: it holds
# the tracepoint's perf event and its output buffer's, one per CPU, which it opens after
# attaching. (Its output says nothing until its stdio buffer fills.)
bpf_attached() {
	[ "$(ls -l /proc/"$1"/fd 2>/dev/null | grep -c perf_event)" -gt \
	  "$(grep -c ^processor /proc/cpuinfo)" ]
}

# printed FILE TEXT: FILE exists and holds TEXT.
printed() {
	grep -qs "$2" "$1"
}

# tcp_ext NAME: the TcpExt counter NAME of /proc/net/netstat, this namespace's.
tcp_ext() {
	awk -v name="$1" '$1 != "TcpExt:" { next }
		!n++ { split($0, k); next }
		{ for (i = 2; i <= NF; i++) if (k[i] == name) print $i }' /proc/net/netstat
}

# metrics_to_host NAME [FILE]: FILE (this namespace's metrics by default) to the host, whose
# judge checks it with promtool (scripts/judge.sh): a result "promtool/NAME".
metrics_to_host() {
	{
		echo "metrics-begin $1"
		sed 's/^/metrics| /' "${2:-/proc/net/seqstate/metrics}"
		echo "metrics-end $1"
	} >&3
}

# own_netns: the calling test runs in a network namespace of its own, with lo up. Called first
# thing: the test's script starts again there, and the namespace dies with it.
own_netns() {
	if [ -z "${SEQSTATE_OWN_NETNS:-}" ]; then
		export SEQSTATE_OWN_NETNS=1
		exec unshare -n sh -e "$0"
	fi
	ip link set lo up
}

# in_netns BODY [ARG...]: the shell code BODY, run by `sh -e` with this library loaded, in a
# new network namespace with lo up. BODY reads its arguments as "$1", "$2"...: values are
# passed, never spliced into the code's quotes. Output and status are the caller's.
in_netns() {
	local body=$1
	shift
	unshare -n sh -ec '. /seqstate/lib.sh; ip link set lo up; eval "$0"' "$body" "$@"
}

# in_netns_bg BODY [ARG...]: as in_netns, in the background; $! is then the process that
# runs BODY, in the new namespace (nsenter -t $! reaches it; kill $! ends BODY's shell).
in_netns_bg() {
	local body=$1
	shift
	unshare -n sh -ec '. /seqstate/lib.sh; ip link set lo up; eval "$0"' "$body" "$@" &
}

# in_netns_of PID BODY [ARG...]: as in_netns, in the network namespace of process PID.
in_netns_of() {
	local pid=$1 body=$2
	shift 2
	nsenter -n -t "$pid" sh -ec '. /seqstate/lib.sh; eval "$0"' "$body" "$@"
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

# Every gauge of this namespace against ss and /proc/net/tcp{,6}, then verify. A round
# reads the states file, both oracles, and the states file again: a state whose gauge held
# still across the round is judged, one whose gauge moved (TIME-WAIT sockets expire on their
# own, 60 s after they came) waits for the next round.
check_gauges() {
	local pending=$STATES i=0 a b sso tcp out t0
	t0=$(uptime_s)
	while [ -n "$pending" ]; do
		# TIME-WAIT sockets of a long churn end over as long a time, 60 s later: on a debug
		# kernel under load, ten rounds were not enough for them to hold still.
		[ $(($(uptime_s) - t0)) -lt 300 ] || fail "$1: the gauges of $pending never held still"
		a=$(cat /proc/net/seqstate/states)
		sso=$(ss -tanH)
		tcp=$(cat /proc/net/tcp /proc/net/tcp6)
		b=$(cat /proc/net/seqstate/states)
		out=$(printf '%s\n--\n%s\n--\n%s\n--\n%s\n' "$a" "$b" "$sso" "$tcp" |
		      awk -v what="$1" -v pending="$pending" -f /seqstate/awk/gauges.awk)
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
# uptime_ms: ms since boot, to the 10 ms of /proc/uptime.
uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# in_range STATE LO_MS HI_MS BEFORE: "N M": STATE's durations recorded since BEFORE (the
# metrics file, read earlier), and how many of them in buckets that overlap [LO, HI]. The
# bounds carry the 10 ms of uptime_ms.
in_range() {
	printf '%s\n--\n%s\n' "$4" "$(cat /proc/net/seqstate/metrics)" |
		awk -v state="$1" -v lo=$(($2 - 10)) -v hi=$(($3 + 10)) -f /seqstate/awk/histogram.awk
}

# oldest STATE: the age in ms of this namespace's oldest socket in STATE.
oldest() {
	awk -v s="$1" '$1 == s { print $6 }' /proc/net/seqstate/states
}

# oldest_within STATE T0 T1 WHAT: STATE's oldest age, read now, is that of a socket made
# after T0 and there by T1 (uptime_ms), give or take the 10 ms of /proc/uptime.
oldest_within() {
	local a b age
	a=$(uptime_ms)
	age=$(oldest "$1")
	b=$(uptime_ms)
	if ! [ "$age" -ge $((a - $3 - 10)) ] || ! [ "$age" -le $((b - $2 + 10)) ]; then
		cat /proc/net/seqstate/states /proc/net/seqstate/durations
		grep missed /proc/net/seqstate/verify
		fail "$4: oldest age $age ms, not within [$((a - $3)), $((b - $2))]"
	fi
	echo "pass: $4: oldest age $age ms within [$((a - $3)), $((b - $2))]"
}

# counters: the states file without the oldest ages, which move all the time.
counters() {
	awk '{ print $1, $2, $3, $4, $5 }' /proc/net/seqstate/states
}

check_integrity() {
	local i=0 a b t d errs
	while :; do
		a=$(counters)
		t=$(cat /proc/net/seqstate/transitions)
		d=$(cat /proc/net/seqstate/durations 2>/dev/null || :)
		b=$(counters)
		[ "$a" != "$b" ] || break
		i=$((i + 1))
		[ $i -lt 10 ] || fail "$1: the counters never held still"
	done
	errs=$(printf '%s\n--\n%s\n--\n%s\n' "$a" "$t" "$d" | awk -f /seqstate/awk/integrity.awk)
	[ -z "$errs" ] || { echo "$a"; echo "$t"; echo "$d"; fail "$1: counters do not balance: $errs"; }
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

# memory_at_most MEM: memory_bytes is MEM or less.
memory_at_most() {
	[ "$(cat /sys/kernel/seqstate/memory_bytes)" -le "$1" ]
}

# memory_back MEM WHAT: until memory_bytes is back to MEM or below. Below, not equal: a
# namespace of an earlier test that was still dying when MEM was read (cleanup_net takes
# minutes on a debug kernel under TCG) frees its counters whenever it goes.
memory_back() {
	wait_until 300 memory_at_most "$1"
	echo "pass: $2: memory_bytes back to $(cat /sys/kernel/seqstate/memory_bytes) (was $1)"
}

# ready FILE PID: seqload hold (PID) has made its sockets (FILE exists); fails the test when it
# died before.
ready() {
	[ -e "$1" ] && return 0
	kill -0 "$2" 2>/dev/null || fail "seqload hold exited before it was ready"
	return 1
}

# wait_ready FILE PID: until seqload hold (PID) has made its sockets.
wait_ready() {
	wait_until 300 ready "$1" "$2"
}
