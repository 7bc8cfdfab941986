# SPDX-License-Identifier: GPL-2.0
# class: bench
# make bench: every number is a ratio against a baseline measured in this same run. Lines for
# the user go to the results channel prefixed "bench| ". Knobs (SEQSTATE_GUEST_ENV):
# SEQSTATE_BENCH_ONLY (sections, default "churn active read isn listen probe durations
# cgroups breakdowns"),
# SEQSTATE_BENCH_ROUNDS (7), SEQSTATE_BENCH_CONNS (3000 per churn), SEQSTATE_BENCH_CALLS
# (100000 per in-kernel ISN or probe run), SEQSTATE_BENCH_LISTENS (2000 in-kernel
# listen+close rounds), SEQSTATE_BENCH_STORM (1000 listenstorm rounds per thread),
# SEQSTATE_BENCH_LISTEN_SIZES (listeners held, "10 10000").
. /seqstate/lib.sh

out() {	# out LINES: each line to the results channel and the console
	echo "$*" | sed 's/^/bench| /' >&3
	echo "$*"
}

field() {	# field NAME LINE: the value of NAME=... in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

rounds=${SEQSTATE_BENCH_ROUNDS:-7}
n=${SEQSTATE_BENCH_CONNS:-3000}

# 1. Connections per second with the module loaded vs not, rounds interleaved so that drift
#    of the emulator's speed hits both alike.
bench_churn() {
	out "connections/s, loopback connect+accept+close, $n per round, 2 threads:"
	out "round  without  with  ratio"
	i=1
	: >/tmp/ratios
	while [ $i -le "$rounds" ]; do
		a=$(field rate "$(unshare -n sh -c 'ip link set lo up; seqload churn -n '"$n"' -t 2')")
		load_seqstate
		b=$(field rate "$(unshare -n sh -c 'ip link set lo up; seqload churn -n '"$n"' -t 2')")
		unload_seqstate
		r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
		echo "$r" >>/tmp/ratios
		out "$i      $a     $b    $r"
		i=$((i + 1))
	done
	out "median ratio (with / without): $(median /tmp/ratios) (target >= 0.99)"
	out ""
}

# 2. The same with seqstate's ISNs (isn/active=1) vs the kernel's (0), module loaded.
bench_active() {
	out "connections/s with isn/active 0 and 1, same rounds:"
	out "round  active=0  active=1  ratio"
	# The rekey guard (isn/rekey_guard_s) refuses changes of TCP's generator this close
	# together, rightly for a live host: off for the benchmark.
	load_seqstate rekey_guard_s=0
	i=1
	: >/tmp/ratios
	while [ $i -le "$rounds" ]; do
		echo 0 >/sys/kernel/seqstate/isn/active
		a=$(field rate "$(unshare -n sh -c 'ip link set lo up; seqload churn -n '"$n"' -t 2')")
		echo 1 >/sys/kernel/seqstate/isn/active
		b=$(field rate "$(unshare -n sh -c 'ip link set lo up; seqload churn -n '"$n"' -t 2')")
		r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
		echo "$r" >>/tmp/ratios
		out "$i      $a      $b     $r"
		i=$((i + 1))
	done
	unload_seqstate
	out "median ratio (active=1 / active=0): $(median /tmp/ratios)"
	out ""
}

# 3. Reading every gauge vs counting the same states with ss and with /proc/net/tcp{,6},
#    and the module's memory, at three sizes (each in a fresh namespace).
bench_read() {
	load_seqstate
	out "reading all state counts (microseconds per read) and module memory:"
	out "sockets  gauges   proc/net/tcp   ss -tan    tcp/gauges  ss/gauges  memory_bytes"
	for size in 100 10000 50000; do
		line=$(unshare -n sh -ec '. /seqstate/lib.sh
			ip link set lo up
			rm -f /tmp/rb
			seqload hold --established '$((size / 2))' --ready-file /tmp/rb >/dev/null &
			wait_ready /tmp/rb $!
			g=$(seqload readfile -n 2000 /proc/net/seqstate/states)
			t=$(seqload readfile -n 3 /proc/net/tcp /proc/net/tcp6)
			s=$(seqload time -n 3 -- ss -tan)
			echo "$g $t $s mem=$(cat /sys/kernel/seqstate/memory_bytes)" | sed "s/us_per_run=/us=/g"
			kill %1
			wait' | tail -n 1)
		g=$(echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^us=/) { sub("us=", "", $i); print $i; exit } }')
		t=$(echo "$line" | awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^us=/) { n++; if (n == 2) { sub("us=", "", $i); print $i } } }')
		s=$(echo "$line" | awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^us=/) { n++; if (n == 3) { sub("us=", "", $i); print $i } } }')
		m=$(field mem "$line")
		out "$(awk -v n="$size" -v g="$g" -v t="$t" -v s="$s" -v m="$m" 'BEGIN {
			printf "%-8d %-8.1f %-14.1f %-10.1f %-11.0f %-10.0f %s", n, g, t, s, t / g, s / g, m }')"
	done
	unload_seqstate
	out ""
}

# 4. Nanoseconds per ISN: the kernel's secure_tcp[v6]_seq_and_ts_off() and seqstate's
#    generator, timed together in one in-kernel loop (scripts/kmod/), in three settings:
#    hook never attached (the kernel's own generator as it ships), isn/active=1 (the
#    kernel's function redirected to seqstate's: what TCP pays per ISN), and active=0
#    after that (the hook stays attached until unload, passing calls through).
med() {	# med FILE FIELD
	while read -r line; do field "$2" "$line"; done <"$1" >/tmp/col
	median /tmp/col
}

isn_bench() {	# isn_bench: one run's result line
	insmod /seqstate/seqstate_isn_bench.ko calls="${SEQSTATE_BENCH_CALLS:-100000}"
	cat /sys/module/seqstate_isn_bench/parameters/result
	rmmod seqstate_isn_bench
}
bench_isn() {
	out "ns per ISN (kernel = secure_tcp[v6]_seq_and_ts_off, seqstate = seqstate_isn_v4/v6):"
	out "round  setting       kernel_v4  seqstate_v4  ratio   kernel_v6  seqstate_v6  ratio"
	: >/tmp/native
	: >/tmp/hooked
	: >/tmp/passing
	i=1
	while [ $i -le "$rounds" ]; do
		load_seqstate rekey_guard_s=0	# as in bench_active
		for setting in native hooked passing; do
			case $setting in
			hooked) echo 1 >/sys/kernel/seqstate/isn/active ;;
			passing) echo 0 >/sys/kernel/seqstate/isn/active ;;
			esac
			line=$(isn_bench)
			k4=$(field kernel_v4 "$line")
			s4=$(field seqstate_v4 "$line")
			k6=$(field kernel_v6 "$line")
			s6=$(field seqstate_v6 "$line")
			echo "$line" >>/tmp/$setting
			out "$(awk -v i=$i -v s=$setting -v k4="$k4" -v s4="$s4" -v k6="$k6" -v s6="$s6" 'BEGIN {
				printf "%-6d %-13s %-10.1f %-12.1f %-7.3f %-10.1f %-12.1f %.3f",
				       i, s, k4, s4, s4 / k4, k6, s6, s6 / k6 }')"
		done
		unload_seqstate
		i=$((i + 1))
	done
	# Per setting, the median of each column; the ratios that matter are against the native
	# kernel's generator measured in the same rounds.
	nk4=$(med /tmp/native kernel_v4)
	nk6=$(med /tmp/native kernel_v6)
	out "medians: kernel native v4 $nk4 v6 $nk6; seqstate direct v4 $(med /tmp/native seqstate_v4) v6 $(med /tmp/native seqstate_v6)"
	out "$(awk -v a="$(med /tmp/native seqstate_v4)" -v b="$nk4" -v c="$(med /tmp/native seqstate_v6)" -v d="$nk6" 'BEGIN {
		printf "seqstate / kernel, direct calls:            v4 %.3f  v6 %.3f (target <= 1.1)", a / b, c / d }')"
	out "$(awk -v a="$(med /tmp/hooked kernel_v4)" -v b="$nk4" -v c="$(med /tmp/hooked kernel_v6)" -v d="$nk6" 'BEGIN {
		printf "what TCP pays, active=1 / native:           v4 %.3f  v6 %.3f", a / b, c / d }')"
	out "$(awk -v a="$(med /tmp/passing kernel_v4)" -v b="$nk4" -v c="$(med /tmp/passing kernel_v6)" -v d="$nk6" 'BEGIN {
		printf "hook attached, active=0 / native:           v4 %.3f  v6 %.3f", a / b, c / d }')"
	out ""
}

# seqstate's missed-event counter NAME, host-wide (module/counters.c); 0 if it has none
missed() {
	awk -v m="seqstate_missed_events_total{event=\"$1\"}" '$1 == m { n = $2 } END { print n + 0 }' \
		/proc/net/seqstate/metrics
}

# listen_bench PID: one run's result line (scripts/kmod/seqstate_listen_bench.c: rounds of
# socket, SO_REUSEADDR, bind 127.0.0.1:5001, listen, close, timed in the kernel in batches
# of 10) in the network namespace of PID, and the context switches per round in the guest
listen_bench() {
	local n="${SEQSTATE_BENCH_LISTENS:-2000}" line c0
	c0=$(awk '$1 == "ctxt" { print $2 }' /proc/stat)
	nsenter -t "$1" -n insmod /seqstate/seqstate_listen_bench.ko calls="$n"
	line="$(cat /sys/module/seqstate_listen_bench/parameters/result) switches_per_round=$(awk \
		-v c0="$c0" -v n="$n" '$1 == "ctxt" { printf "%.1f", ($2 - c0) / n }' /proc/stat)"
	rmmod seqstate_listen_bench
	echo "$line" >&2
	echo "$line"
}

# storm_us PID: microseconds per round of `seqload listenstorm -n N -t 2` (socket,
# SO_REUSEPORT, bind, listen, close; every third round also disconnects and listens again)
# in the network namespace of PID: the storm's wall time over its 2N rounds.
storm_us() {
	local n="${SEQSTATE_BENCH_STORM:-1000}" line
	line=$(nsenter -t "$1" -n seqload time -n 1 -- seqload listenstorm -n "$n" -t 2 -p 5000)
	awk -v us="$(field us_per_run "$line")" -v n="$n" 'BEGIN { printf "%.1f", us / (2 * n) }'
}

# 5. listen()+close() with 10 and with 10,000 listeners held, module loaded vs not, rounds
#    interleaved. The probe only queues each listener change in a ring that a work item
#    drains into hash tables, so the ratio with / without must not grow with the listeners.
#    The listeners are held in a namespace of their own, where both measurements run:
#    - kernel: scripts/kmod/seqstate_listen_bench.c, one thread; the median of batches
#      of 10 rounds (robust against the host's other work, see scripts/kmod/bench.h);
#    - storm: seqload listenstorm with 2 threads on the 2 vCPUs, wall time (noisy on a busy
#      host); it produces listener changes faster than the work item drains them, and
#      queue_full counts those that found the ring full (each makes the work item walk the
#      whole listening hash).
bench_listen() {
	local size holder line a b am bm sw sa sb q q0
	out "listen()+close() with listeners held, without / with the module loaded, microseconds per"
	out "round; kernel = in-kernel socket+bind+listen+close, median of batches of 10 (the ratio of"
	out "the means beside; sw = context switches per round with the module); storm = seqload"
	out "listenstorm -t 2, wall time; queue_full = listener changes that found the ring full:"
	out "listeners  round  kernel: without  with    ratio  (mean)   sw   storm: without  with    ratio  queue_full"
	for size in ${SEQSTATE_BENCH_LISTEN_SIZES:-10 10000}; do
		rm -f /tmp/rl
		unshare -n sh -c 'ip link set lo up
			exec seqload hold --listen '"$size"' --ready-file /tmp/rl' >/dev/null &
		holder=$!
		wait_ready /tmp/rl $holder
		: >/tmp/kratios
		: >/tmp/mratios
		: >/tmp/sratios
		i=1
		while [ $i -le "$rounds" ]; do
			line=$(listen_bench $holder)
			a=$(field ns_per_round "$line")
			am=$(field ns_per_round_mean "$line")
			sa=$(storm_us $holder)
			load_seqstate
			# The listeners found at load are looked at again a second later: let that
			# pass, it is no part of listen()'s cost.
			sleep 2
			q0=$(missed listener_queue_full)
			line=$(listen_bench $holder)
			b=$(field ns_per_round "$line")
			bm=$(field ns_per_round_mean "$line")
			sw=$(field switches_per_round "$line")
			sb=$(storm_us $holder)
			q=$(($(missed listener_queue_full) - q0))
			unload_seqstate
			awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b / a }' >>/tmp/kratios
			awk -v a="$am" -v b="$bm" 'BEGIN { printf "%.3f\n", b / a }' >>/tmp/mratios
			awk -v a="$sa" -v b="$sb" 'BEGIN { printf "%.3f\n", b / a }' >>/tmp/sratios
			out "$(awk -v n="$size" -v i=$i -v a="$a" -v b="$b" -v am="$am" -v bm="$bm" \
				-v sw="$sw" -v sa="$sa" -v sb="$sb" -v q=$q 'BEGIN {
				printf "%-10d %-6d %-15.1f %-7.1f %-6.3f %-8s %-4.1f %-14.1f %-7.1f %-6.3f %d",
				       n, i, a / 1000, b / 1000, b / a, sprintf("(%.3f)", bm / am), sw, sa,
				       sb, sb / sa, q }')"
			i=$((i + 1))
		done
		kill $holder
		wait $holder || true
		echo "$(median /tmp/kratios) $(median /tmp/mratios) $(median /tmp/sratios)" \
			>"/tmp/listen_$size"
	done
	[ -e /tmp/listen_10 ] && [ -e /tmp/listen_10000 ] || return 0
	out "$(cat /tmp/listen_10 /tmp/listen_10000 | xargs | awk '{
		printf "median ratio with / without, 10 listeners / 10,000 listeners:\n"
		printf "  kernel          %.3f / %.3f; 10,000 / 10: %.3f (flat = 1)\n", $1, $4, $4 / $1
		printf "  kernel (means)  %.3f / %.3f; 10,000 / 10: %.3f\n", $2, $5, $5 / $2
		printf "  storm           %.3f / %.3f; 10,000 / 10: %.3f", $3, $6, $6 / $3 }')"
	out ""
}

# 6. Nanoseconds per TCP state change in the probes of sock:inet_sock_set_state, with 1 and
#    with 2,000 network namespaces (scripts/kmod/seqstate_probe_bench.c: it calls the
#    tracepoint's probes directly, ESTABLISHED -> CLOSE_WAIT -> ESTABLISHED on a socket of
#    init_net). Without seqstate there is no probe: the loop alone, the baseline. Each state
#    change looks its namespace up in a hash table: the net cost must not grow with the
#    namespaces. seqstate's insmod and rmmod times (which do grow: per-namespace setup and a
#    walk of the socket tables per namespace) are shown beside.
probe_bench() {	# probe_bench PROBES: one run's result line, checking who was called
	local line
	insmod /seqstate/seqstate_probe_bench.ko calls="${SEQSTATE_BENCH_CALLS:-100000}"
	line=$(cat /sys/module/seqstate_probe_bench/parameters/result)
	rmmod seqstate_probe_bench
	echo "$line" >&2
	if [ "${line#* names=}" != "$1" ]; then
		echo "FAIL: probe bench: expected the probes $1, got: $line" >&2
		return 1
	fi
	echo "$line"
}

bench_probe() {
	local nsn have line a b ar br r l u t0 m0
	out "ns per TCP state change in the probes (ESTABLISHED <-> CLOSE_WAIT, init_net socket), median of"
	out "batches of 2,000; without = no probe attached (the loop alone); net = with - without;"
	out "ref = ns per call of a reference loop (jhash) timed between the batches; net/ref = the net"
	out "cost in reference calls (median of batch / reference pairs: robust to the host's speed);"
	out "seqstate's insmod and rmmod in ms:"
	out "namespaces  round  without  with     net      ref     net/ref  insmod_ms  rmmod_ms"
	for nsn in 1 2000; do
		have=$(($(find /run/netns -type f 2>/dev/null | wc -l) + 1))
		if [ "$have" -lt $nsn ]; then
			# One ip process adds them all; each stays alive through its bind mount.
			mkdir -p /run/netns
			seq $have $((nsn - 1)) | sed 's/^/netns add bench/' >/tmp/netns.batch
			t0=$(cut -d' ' -f1 /proc/uptime)
			m0=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
			/usr/bin/ip -batch /tmp/netns.batch
			out "$(awk -v n=$((nsn - have)) -v t="$t0" -v u="$(cut -d' ' -f1 /proc/uptime)" \
				-v m0="$m0" -v m="$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)" \
				'BEGIN { printf "(%d namespaces added in %.1f s, %.0f KiB each)", n, u - t, (m0 - m) / n }')"
			have=$(($(find /run/netns -type f | wc -l) + 1))
			[ "$have" = $nsn ] || fail "$have namespaces, not $nsn"
		fi
		: >/tmp/net_$nsn
		: >/tmp/netref_$nsn
		i=1
		while [ $i -le "$rounds" ]; do
			line=$(probe_bench -)
			a=$(field ns_per_event "$line")
			ar=$(field rel "$line")
			line=$(seqload time -n 1 -- insmod /seqstate/seqstate.ko)
			l=$(field us_per_run "$line")
			line=$(probe_bench "seqstate_probe [seqstate]")
			b=$(field ns_per_event "$line")
			br=$(field rel "$line")
			r=$(field ref_ns "$line")
			line=$(seqload time -n 1 -- rmmod seqstate)
			u=$(field us_per_run "$line")
			echo "$a $b" | awk '{ printf "%.3f\n", $2 - $1 }' >>/tmp/net_$nsn
			echo "$ar $br" | awk '{ printf "%.3f\n", $2 - $1 }' >>/tmp/netref_$nsn
			out "$(awk -v n=$nsn -v i=$i -v a="$a" -v b="$b" -v ar="$ar" -v br="$br" -v r="$r" \
				-v l="$l" -v u="$u" 'BEGIN {
				printf "%-11d %-6d %-8.2f %-8.2f %-8.2f %-7.2f %-8.2f %-10.1f %.1f", n, i, a, b,
				       b - a, r, br - ar, l / 1000, u / 1000 }')"
			i=$((i + 1))
		done
	done
	out "$(awk -v a="$(median /tmp/net_1)" -v b="$(median /tmp/net_2000)" \
		-v c="$(median /tmp/netref_1)" -v d="$(median /tmp/netref_2000)" 'BEGIN {
		printf "median net per state change, 1 namespace / 2,000 namespaces:\n"
		printf "  in reference calls %.2f / %.2f; 2,000 / 1: %.3f (flat = 1)\n", c, d, d / c
		printf "  in ns              %.2f / %.2f; 2,000 / 1: %.3f", a, b, b / a }')"
	/usr/bin/ip -all netns delete
	out ""
}

# 7. Durations (records, histograms, oldest ages): ns per state change in the probes with
#    durations=0 and 1, beside the BPF program of libbpf-tools' tcpstates on the same
#    tracepoint (the peer that times states per socket), all called by the probe bench;
#    connections/s the same four ways; bytes per held socket; the read cost of the
#    durations and metrics files at 100, 10,000 and 100,000 held sockets, beside a constant
#    file's (the control).
bpf=perf_trace_inet_sock_set_state	# how tcpstates' BPF program hangs on the tracepoint
with_tcpstates() {	# with_tcpstates CMD...: CMD while tcpstates traces every change
	local pid
	tcpstates >/dev/null 2>&1 &
	pid=$!
	wait_until 120 bpf_attached $pid
	"$@"
	kill -INT $pid
	wait $pid || :
}
# four_ways KIND FIELD OP: $rounds rounds of KIND (probe_bench or churn) without seqstate,
# with durations=0, with durations=1, and beside tcpstates; prints each round's FIELD and
# each against the first by OP ("-": ns net of the loop, "/": ratio), and leaves those in
# /tmp/d0, /tmp/d1, /tmp/tp for the medians.
four_ways() {
	local kind=$1 what=$2 op=$3 i a b c d v f seq="seqstate_probe [seqstate]"
	: >/tmp/d0
	: >/tmp/d1
	: >/tmp/tp
	i=1
	while [ $i -le "$rounds" ]; do
		a=$(field "$what" "$($kind -)")
		load_seqstate durations=0
		b=$(field "$what" "$($kind "$seq")")
		unload_seqstate
		load_seqstate
		c=$(field "$what" "$($kind "$seq")")
		unload_seqstate
		d=$(field "$what" "$(with_tcpstates $kind $bpf)")
		for f in d0 d1 tp; do
			case $f in d0) v=$b ;; d1) v=$c ;; tp) v=$d ;; esac
			awk -v a="$a" -v x="$v" -v op="$op" 'BEGIN {
				printf "%.3f\n", op == "-" ? x - a : x / a }' >>/tmp/$f
		done
		out "$(printf "%-6d %-9s %-9s %-9s %-10s %-11s %-11s %s" $i "$a" "$b" "$c" "$d" \
			"$(tail -n 1 /tmp/d0)" "$(tail -n 1 /tmp/d1)" "$(tail -n 1 /tmp/tp)")"
		i=$((i + 1))
	done
}
churn() {	# churn [PROBES]: one round of section 1's workload, in a namespace of its own
	unshare -n sh -c 'ip link set lo up; seqload churn -n '"$n"' -t 2'
}
bench_durations() {
	local line size
	out "ns per TCP state change in the probes (as in section 6): no probe, seqstate with"
	out "durations=0 and =1, libbpf-tools' tcpstates (its BPF program, $bpf):"
	out "round  none      dur=0     dur=1     tcpstates  net dur=0   net dur=1   net tcpstates"
	four_ways probe_bench ns_per_event -
	out "$(awk -v b="$(median /tmp/d0)" -v c="$(median /tmp/d1)" -v d="$(median /tmp/tp)" 'BEGIN {
		printf "median net ns: durations=0 %.2f, durations=1 %.2f (records and histograms: +%.2f),", b, c, c - b
		printf " tcpstates %.2f; seqstate / tcpstates: %.3f (target < 1)", d, c / d }')"
	out ""
	out "connections/s, as in section 1: with seqstate durations=0, =1, and tcpstates, each / none:"
	out "round  none      dur=0     dur=1     tcpstates  dur=0/none  dur=1/none  tcpstates/none"
	four_ways churn rate /
	out "median ratios: durations=0 $(median /tmp/d0) (target >= 0.99), durations=1 $(median /tmp/d1) (target >= 0.98), tcpstates $(median /tmp/tp)"
	out ""
	out "held sockets  bytes/socket (memory_bytes)  us per read: durations  metrics  control (/proc/version)"
	load_seqstate
	for size in 100 10000 100000; do
		line=$(unshare -n sh -ec '. /seqstate/lib.sh
			ip link set lo up
			sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
			m0=$(cat /sys/kernel/seqstate/memory_bytes)
			rm -f /tmp/rd
			seqload hold --established '$((size / 2))' --ready-file /tmp/rd >/dev/null &
			wait_ready /tmp/rd $!
			m1=$(cat /sys/kernel/seqstate/memory_bytes)
			us() { x=$(seqload readfile -n 500 "$1"); x=${x#*us_per_run=}; echo "${x%% *}"; }
			echo "perbyte=$(((m1 - m0) / $(ss -tanH | wc -l))) d=$(us /proc/net/seqstate/durations) g=$(us /proc/net/seqstate/metrics) c=$(us /proc/version)"
			kill %1
			wait' | tail -n 1)
		out "$(printf "%-13d %-28s %-22s %-8s %s" "$size" "$(field perbyte "$line")" "$(field d "$line")" \
			"$(field g "$line")" "$(field c "$line")")"
	done
	unload_seqstate
	out ""
}

# 8. The gauges by cgroup: ns per state change in the probes with cgroups off and on, with
#    durations off and on (records alone cost with durations=0); connections/s with every
#    default on and with cgroups=0; the read cost of the cgroups file at 10 and 1,000
#    cgroups and at 100 and 50,000 held sockets; bytes per cgroup entry.
bench_cgroups() {
	local i a v f line cgs size ways="d0c0 d0c1 d1c0 d1c1" seq="seqstate_probe [seqstate]"
	out "ns per TCP state change in the probes (as in section 6), net of the loop alone:"
	out "round  none      dur=0,cg=0  dur=0,cg=1  dur=1,cg=0  dur=1,cg=1"
	for f in $ways; do : >/tmp/$f; done
	i=1
	while [ $i -le "$rounds" ]; do
		a=$(field ns_per_event "$(probe_bench -)")
		line="$i      $a"
		for f in $ways; do
			load_seqstate "durations=$(echo $f | cut -c2)" "cgroups=$(echo $f | cut -c4)"
			v=$(field ns_per_event "$(probe_bench "$seq")")
			unload_seqstate
			awk -v a="$a" -v x="$v" 'BEGIN { printf "%.3f\n", x - a }' >>/tmp/$f
			line="$line $(printf "%-11s" "$(tail -n 1 /tmp/$f)")"
		done
		out "$line"
		i=$((i + 1))
	done
	out "$(awk -v a="$(median /tmp/d0c0)" -v b="$(median /tmp/d0c1)" -v c="$(median /tmp/d1c0)" \
		-v d="$(median /tmp/d1c1)" 'BEGIN {
		printf "median net ns: durations=0: cgroups=0 %.2f, =1 %.2f (+%.2f); ", a, b, b - a
		printf "durations=1: cgroups=0 %.2f, =1 %.2f (+%.2f)", c, d, d - c }')"
	out ""
	out "connections/s, as in section 1: every default on (cgroups=1 durations=1), and cgroups=0, each / none:"
	out "round  none      all on    cgroups=0  all/none  cgroups=0/none"
	: >/tmp/on
	: >/tmp/off
	i=1
	while [ $i -le "$rounds" ]; do
		a=$(field rate "$(churn)")
		load_seqstate
		v=$(field rate "$(churn)")
		unload_seqstate
		load_seqstate cgroups=0
		f=$(field rate "$(churn)")
		unload_seqstate
		awk -v a="$a" -v x="$v" 'BEGIN { printf "%.3f\n", x / a }' >>/tmp/on
		awk -v a="$a" -v x="$f" 'BEGIN { printf "%.3f\n", x / a }' >>/tmp/off
		out "$(printf "%-6d %-9s %-9s %-10s %-9s %s" $i "$a" "$v" "$f" "$(tail -n 1 /tmp/on)" \
			"$(tail -n 1 /tmp/off)")"
		i=$((i + 1))
	done
	out "median ratios: all on $(median /tmp/on) (target >= 0.98), cgroups=0 $(median /tmp/off)"
	out ""
	out "cgroups  held sockets  bytes per cgroup entry  us per read: cgroups  metrics  control (/proc/version)"
	load_seqstate cgroups_max=2000
	for cgs in 10 1000; do
		line=$(unshare -n sh -ec '. /seqstate/lib.sh
			ip link set lo up
			sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
			m0=$(settled_memory)
			i=0
			while [ $i -lt '$cgs' ]; do
				mkdir /sys/fs/cgroup/b$i
				sh -c "echo \$\$ >/sys/fs/cgroup/b$i/cgroup.procs && exec seqload hold --listen 1 --seconds 0" >/dev/null
				i=$((i + 1))
			done
			m1=$(settled_memory)
			echo "entry=$(((m1 - m0) / '$cgs'))"
			us() { x=$(seqload readfile -n 200 "$1"); x=${x#*us_per_run=}; echo "${x%% *}"; }
			for size in 100 50000; do
				rm -f /tmp/rd
				seqload hold --established $((size / 2)) --ready-file /tmp/rd >/dev/null &
				wait_ready /tmp/rd $!
				echo "size=$size r=$(us /proc/net/seqstate/cgroups) g=$(us /proc/net/seqstate/metrics) c=$(us /proc/version)"
				kill %1
				wait
			done
			i=0
			while [ $i -lt '$cgs' ]; do
				rmdir /sys/fs/cgroup/b$i
				i=$((i + 1))
			done')
		for size in 100 50000; do
			f=$(echo "$line" | grep "^size=$size ")
			out "$(printf "%-8d %-13d %-23s %-22s %-8s %s" "$cgs" "$size" \
				"$(field entry "$(echo "$line" | grep ^entry=)")" "$(field r "$f")" \
				"$(field g "$f")" "$(field c "$f")")"
		done
	done
	unload_seqstate
	out ""
}

# peer_groups N CIDRS: N groups of CIDRS (comma-separated), one per line, into the
# namespace's peer_groups in one write(2), as a replacement must come (awk writes a line
# at a time: its first line would replace the set, the next ones find it busy).
peer_groups() {
	awk -v n="$1" -v c="$2" 'BEGIN { for (i = 0; i < n; i++) printf "g%d %s\n", i, c }' \
		>/tmp/peer_groups
	cat /tmp/peer_groups >/proc/net/seqstate/peer_groups
}

# 9. Every breakdown (cgroups, ports, peer groups): ns per state change in the probes with
#    all off, all on (the defaults, no peer groups), with 4 peer groups and with 64 groups of
#    4 CIDRs each that the socket all matches (the worst case: 64 counts per change);
#    connections/s with all on and all off; the read cost of the ports file at 10 and 1,000
#    listening ports and 100 and 50,000 held sockets; bytes per port entry and per peer
#    group; the cost of a peer group replacement (a walk of the tables) at 100 and 50,000
#    sockets; the host-wide file at 1 and 100 namespaces.
bench_breakdowns() {
	local i a v f line size ways="off on g4 g64 bpf" seq="seqstate_probe [seqstate]"
	local off="cgroups=0 ports=0 peers=0"
	out "ns per TCP state change in the probes (as in section 6), net of the loop alone,"
	out "durations=1; off: $off; on: the defaults; g4/g64: on, with 4 or 64 peer groups;"
	out "bpf: libbpf-tools' tcpstates alone (its BPF program, $bpf), as in section 7:"
	out "round  none      off         on          g4          g64         bpf"
	for f in $ways; do : >/tmp/$f; done
	i=1
	while [ $i -le "$rounds" ]; do
		a=$(field ns_per_event "$(probe_bench -)")
		line="$i      $a"
		for f in $ways; do
			if [ $f = bpf ]; then
				v=$(field ns_per_event "$(with_tcpstates probe_bench $bpf)")
				awk -v a="$a" -v x="$v" 'BEGIN { printf "%.3f\n", x - a }' >>/tmp/$f
				line="$line $(printf "%-11s" "$(tail -n 1 /tmp/$f)")"
				continue
			elif [ $f = off ]; then
				load_seqstate $off
			else
				load_seqstate
			fi
			case $f in
			g4) printf 'a 0.0.0.0/0\nb 10.0.0.0/8\nc 192.168.0.0/16 53\nd fd00::/8\n' \
				>/tmp/groups4
				cat /tmp/groups4 >/proc/net/seqstate/peer_groups ;;
			g64) peer_groups 64 "10.0.0.0/8,172.16.0.0/12,fd00::/8,0.0.0.0/0" ;;
			esac
			v=$(field ns_per_event "$(probe_bench "$seq")")
			unload_seqstate
			awk -v a="$a" -v x="$v" 'BEGIN { printf "%.3f\n", x - a }' >>/tmp/$f
			line="$line $(printf "%-11s" "$(tail -n 1 /tmp/$f)")"
		done
		out "$line"
		i=$((i + 1))
	done
	out "$(awk -v a="$(median /tmp/off)" -v b="$(median /tmp/on)" -v c="$(median /tmp/g4)" \
		-v d="$(median /tmp/g64)" 'BEGIN {
		printf "median net ns: off %.2f, on %.2f (+%.2f), 4 groups %.2f (+%.2f), ", a, b, b - a, c, c - a
		printf "64 groups %.2f (+%.2f)", d, d - a }'); tcpstates $(median /tmp/bpf)"
	out ""
	out "connections/s, as in section 1: all on (the defaults) and all off, each / none:"
	out "round  none      all on    all off    on/none   off/none"
	: >/tmp/on
	: >/tmp/off
	i=1
	while [ $i -le "$rounds" ]; do
		a=$(field rate "$(churn)")
		load_seqstate
		v=$(field rate "$(churn)")
		unload_seqstate
		load_seqstate $off
		f=$(field rate "$(churn)")
		unload_seqstate
		awk -v a="$a" -v x="$v" 'BEGIN { printf "%.3f\n", x / a }' >>/tmp/on
		awk -v a="$a" -v x="$f" 'BEGIN { printf "%.3f\n", x / a }' >>/tmp/off
		out "$(printf "%-6d %-9s %-9s %-10s %-9s %s" $i "$a" "$v" "$f" "$(tail -n 1 /tmp/on)" \
			"$(tail -n 1 /tmp/off)")"
		i=$((i + 1))
	done
	out "median ratios: all on $(median /tmp/on) (target >= 0.98), all off $(median /tmp/off)"
	out ""
	out "bytes per listening port: its entry, the listener's record and tracking; replace: writing"
	out "64 peer groups, the walk of the tables included"
	out "ports  held sockets  bytes per port  us per read: ports  metrics  peers(64)  replace(64)  control"
	awk 'BEGIN { for (i = 0; i < 64; i++) printf "g%d 10.%d.0.0/16,127.0.0.0/8,fd00::/8\n", i, i }' \
		>/tmp/g64
	load_seqstate ports_max=2000
	# Before the ports' namespaces: one that dies late frees its records meanwhile.
	m0=$(settled_memory)
	peer_groups 64 "10.0.0.0/8,172.16.0.0/12,fd00::/8,0.0.0.0/0"
	m1=$(settled_memory)
	[ "$(wc -l </proc/net/seqstate/peer_groups)" = 64 ] || fail "the 64 groups were not taken"
	sleep 1.1
	echo >/proc/net/seqstate/peer_groups
	out "bytes per peer group (64 groups of 4 CIDRs, counts for $(grep -c ^processor /proc/cpuinfo) CPUs): $(((m1 - m0) / 64))"
	for ports in 10 1000; do
		line=$(unshare -n sh -ec '. /seqstate/lib.sh
			ip link set lo up
			sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
			m0=$(settled_memory)
			seqload hold --listen '$ports' --ready-file /tmp/pl >/dev/null &
			l=$!
			wait_ready /tmp/pl $l
			m1=$(settled_memory)
			echo "entry=$(((m1 - m0) / '$ports'))"
			us() { x=$(seqload readfile -n 200 "$1"); x=${x#*us_per_run=}; echo "${x%% *}"; }
			for size in 100 50000; do
				rm -f /tmp/rd
				seqload hold --established $((size / 2)) --ready-file /tmp/rd >/dev/null &
				h=$!
				wait_ready /tmp/rd $h
				sleep 1.1
				t=$(seqload time -n 1 -- cp /tmp/g64 /proc/net/seqstate/peer_groups)
				t=${t#*us_per_run=}
				echo "size=$size r=$(us /proc/net/seqstate/ports) g=$(us /proc/net/seqstate/metrics) p=$(us /proc/net/seqstate/peers) w=${t%% *} c=$(us /proc/version)"
				sleep 1.1
				echo >/proc/net/seqstate/peer_groups
				kill $h
				wait $h || :
			done
			kill $l
			wait')
		for size in 100 50000; do
			f=$(echo "$line" | grep "^size=$size ")
			out "$(printf "%-6d %-13d %-15s %-18s %-8s %-10s %-12s %s" "$ports" "$size" \
				"$(field entry "$(echo "$line" | grep ^entry=)")" "$(field r "$f")" \
				"$(field g "$f")" "$(field p "$f")" "$(field w "$f")" "$(field c "$f")")"
		done
	done
	unload_seqstate
	out ""
}

for section in ${SEQSTATE_BENCH_ONLY:-churn active read isn listen probe durations cgroups breakdowns}; do
	"bench_$section"
done
