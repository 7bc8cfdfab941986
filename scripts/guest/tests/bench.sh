# SPDX-License-Identifier: GPL-2.0
# make bench: every number is a ratio against a baseline measured in this same run. Lines for
# the user go to the results channel prefixed "bench| ".
. /seqstate/lib.sh

out() {
	echo "bench| $*" >&3
	echo "$*"
}

field() {	# field NAME LINE: the value of NAME=... in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# 1. Connections per second with the module loaded vs not, rounds interleaved so that drift
#    of the emulator's speed hits both alike.
rounds=${SEQSTATE_BENCH_ROUNDS:-7}
n=${SEQSTATE_BENCH_CONNS:-3000}
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
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
out "median ratio (with / without): $(median /tmp/ratios) (target >= 0.99)"
out ""

# 2. The same with seqstate's ISNs (isn/active=1) vs the kernel's (0), module loaded.
out "connections/s with isn/active 0 and 1, same rounds:"
out "round  active=0  active=1  ratio"
load_seqstate
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

# 3. Reading every gauge vs counting the same states with ss and with /proc/net/tcp{,6},
#    and the module's memory, at three sizes (each in a fresh namespace).
load_seqstate
out "reading all state counts (microseconds per read) and module memory:"
out "sockets  gauges   proc/net/tcp   ss -tan    tcp/gauges  ss/gauges  memory_bytes"
for size in 100 10000 50000; do
	line=$(unshare -n sh -ec '. /seqstate/lib.sh
		ip link set lo up
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

# 4. Nanoseconds per ISN: the kernel's secure_tcp[v6]_seq_and_ts_off() and seqstate's
#    generator, timed together in one in-kernel loop (scripts/bench/), in three settings:
#    hook never attached (the kernel's own generator as it ships), isn/active=1 (the
#    kernel's function redirected to seqstate's: what TCP pays per ISN), and active=0
#    after that (the hook stays attached until unload, passing calls through).
isn_bench() {	# isn_bench: one run's result line
	insmod /seqstate/seqstate_isn_bench.ko calls="${SEQSTATE_BENCH_CALLS:-100000}"
	cat /sys/module/seqstate_isn_bench/parameters/result
	rmmod seqstate_isn_bench
}
out "ns per ISN (kernel = secure_tcp[v6]_seq_and_ts_off, seqstate = seqstate_isn_v4/v6):"
out "round  setting       kernel_v4  seqstate_v4  ratio   kernel_v6  seqstate_v6  ratio"
: >/tmp/native
: >/tmp/hooked
: >/tmp/passing
i=1
while [ $i -le "$rounds" ]; do
	load_seqstate
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
med() {	# med FILE FIELD
	while read -r line; do field "$2" "$line"; done <"$1" >/tmp/col
	median /tmp/col
}
nk4=$(med /tmp/native kernel_v4)
nk6=$(med /tmp/native kernel_v6)
out "medians: kernel native v4 $nk4 v6 $nk6; seqstate direct v4 $(med /tmp/native seqstate_v4) v6 $(med /tmp/native seqstate_v6)"
out "$(awk -v a="$(med /tmp/native seqstate_v4)" -v b="$nk4" -v c="$(med /tmp/native seqstate_v6)" -v d="$nk6" 'BEGIN {
	printf "seqstate / kernel, direct calls:            v4 %.3f  v6 %.3f (target <= 1.1)", a / b, c / d }')"
out "$(awk -v a="$(med /tmp/hooked kernel_v4)" -v b="$nk4" -v c="$(med /tmp/hooked kernel_v6)" -v d="$nk6" 'BEGIN {
	printf "what TCP pays, active=1 / native:           v4 %.3f  v6 %.3f", a / b, c / d }')"
out "$(awk -v a="$(med /tmp/passing kernel_v4)" -v b="$nk4" -v c="$(med /tmp/passing kernel_v6)" -v d="$nk6" 'BEGIN {
	printf "hook attached, active=0 / native:           v4 %.3f  v6 %.3f", a / b, c / d }')"
