# SPDX-License-Identifier: GPL-2.0
# class: demo
# make demo: what seqstate shows, on one screen. Lines for the screen go to the results
# channel as "demo| ...", full listings as "log| ..." (scripts/demo.sh writes them to a log),
# the captured SYN and SYN-ACK as isn-wire lines for the host's reference model.
. /seqstate/lib.sh

say() {
	echo "demo| $*" >&3
}

# listing CMD...: the command and its output, into the log.
listing() {
	echo "log| \$ $*" >&3
	"$@" 2>&1 | sed 's/^/log| /' >&3
}

# cell FILE KEY COLUMN: the value under the header COLUMN in FILE's row whose first or last
# field is KEY.
cell() {
	awk -v k="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == k || $NF == k { print $col[c]; exit }' "$1"
}

# counts FILE: per state, "STATE SS SEQSTATE", while nothing moves.
counts() {
	listing ss -tan
	listing cat /proc/net/seqstate/states
	ss_states >/tmp/ss.counts
	awk 'NR == FNR { n[$1] = $2; next } { print $1, $2, n[$1] + 0 }' \
		/proc/net/seqstate/states /tmp/ss.counts >"$1"
}

# Sockets from before the load, IPv4 and IPv6: the module finds them in the socket tables.
seqload hold --listen 2 --established 3 --close-wait 2 --time-wait 2 --ready-file /tmp/p4 \
	>/dev/null &
pids=$!
wait_ready /tmp/p4 $!
seqload hold -6 --established 2 --close-wait 1 --ready-file /tmp/p6 >/dev/null &
pids="$pids $!"
wait_ready /tmp/p6 $!
load_seqstate rekey_guard_s=0	# the ISN switch below comes soon after the load
counts /tmp/before

# Real traffic: connections opened and closed (their TIME-WAIT stays), held open, half-open.
seqload churn -n 1000 -t 2 >/dev/null
seqload churn -n 500 -6 >/dev/null
seqload hold --established 1000 --close-wait 5 --ready-file /tmp/h4 >/dev/null &
pids="$pids $!"
wait_ready /tmp/h4 $!
seqload hold -6 --listen 1 --established 50 --fin-wait2 5 --ready-file /tmp/h6 >/dev/null &
pids="$pids $!"
wait_ready /tmp/h6 $!
ip addr add 10.9.0.1/32 dev lo
ip route add 10.9.0.0/24 dev lo
seqload listen -a 10.9.0.1 -p 7104 -n 1 >/dev/null &
pids="$pids $!"
wait_until 120 listening "10.9.0.1:7104"
seqload synflood -a 10.9.0.1 -p 7104 -s 10.9.0.2 -n 20
wait_until 120 sockets_are 20 state syn-recv sport = :7104
counts /tmp/after
nsock=$(ss -tanH | wc -l)
mem=$(cat /sys/kernel/seqstate/memory_bytes)

say "1. Sockets by state: ss -tan against seqstate (/proc/net/seqstate/states)"
say ""
say "                  before load (v4+v6)       after traffic (v4+v6)"
say "   state            ss  seqstate               ss  seqstate"
paste -d ' ' /tmp/before /tmp/after | while read -r s a b _ c d; do
	say "$(printf '   %-12s %7s %9s  %-8s %9s %9s  %s' "$s" "$a" "$b" \
		"$([ "$a" = "$b" ] && echo equal || echo DIFFERENT)" "$c" "$d" \
		"$([ "$c" = "$d" ] && echo equal || echo DIFFERENT)")"
done
say "   (syn_recv after: 20 half-open connections of a SYN flood, which ss counts there too)"
say ""

ss_us=$(seqload time -n 3 -- ss -tan | sed 's/.*us_per_run=//')
proc_us=$(seqload readfile -n 100 /proc/net/seqstate/states | sed 's/.*us_per_run=\([^ ]*\).*/\1/')
say "2. Reading the counts at $nsock sockets (in this VM, emulated):"
say "$(printf '   ss -tan %14.0f us\n' "$ss_us")"
say "$(printf '   seqstate %13.1f us   (%.0f times less; it does not grow with the sockets)' \
	"$proc_us" "$(echo "$ss_us $proc_us" | awk '{ print $1 / $2 }')")"
say ""
# shellcheck disable=SC2086
kill $pids
wait

# A server in cgroup /web on port 8080 that never closes what it accepts: each client that
# leaves, a CLOSE-WAIT socket.
mkdir /sys/fs/cgroup/web
sh -c 'echo $$ >/sys/fs/cgroup/web/cgroup.procs && exec seqload listen -p 8080 -n 1000 -k' \
	>/dev/null &
leak=$!
wait_until 120 listening ":8080 "
say "3. A CLOSE-WAIT leak: a server on port 8080, in cgroup /web, that never closes"
say "   clients  close_wait gauge  ss -tan state close-wait"
for i in 1 2 3 4; do
	seqload connect -a 127.0.0.1 -p 8080 -n 10 >/dev/null
	wait_until 120 sockets_are $((i * 10)) state close-wait sport = :8080
	sleep 1
	say "$(printf '   %7d  %16s  %s' $((i * 10)) \
		"$(cell /proc/net/seqstate/states close_wait now)" \
		"$(ss -tanH state close-wait | wc -l)")"
done
listing cat /proc/net/seqstate/ports
listing cat /proc/net/seqstate/cgroups
say "   by port  (/proc/net/seqstate/ports):   8080 close_wait $(cell /proc/net/seqstate/ports 8080 close_wait)"
say "   by cgroup (/proc/net/seqstate/cgroups): /web close_wait $(cell /proc/net/seqstate/cgroups /web close_wait)"
say "   oldest CLOSE-WAIT socket: $(awk '{ printf "%.1f s", $1 / 1000 }' \
	/sys/kernel/seqstate/states/close_wait/oldest_age_ms) old (sysfs states/close_wait/oldest_age_ms)"
say ""
kill $leak

# The ISN generator switched into TCP under a known key: one connection's SYN and SYN-ACK.
key=000102030405060708090a0b0c0d0e0f
echo $key >/sys/kernel/seqstate/isn/key
echo 1 >/sys/kernel/seqstate/isn/active
seqload capture -i lo -p 7200 -n 2 >/tmp/cap &
wait_until 120 printed /tmp/cap "capture ready"
seqload listen -p 7200 >/dev/null &
wait_until 120 listening ":7200 "
m0=$(ticks)
seqload connect -a 127.0.0.1 -p 7200 >/dev/null
m1=$(ticks)
wait
listing cat /tmp/cap
sed -n "s/^syn .*src=\([^ ]*\) dst=\([^ ]*\) seq=\([0-9]*\).*flags=\([A-Z]*\).*/isn-wire key=$key active=1 m0=$m0 m1=$m1 src=\1 dst=\2 seq=\3 flags=\4/p" \
	/tmp/cap >&3
say "4. ISNs on the wire, isn/active=1, key $key: seq = F + M,"
say "   F from the reference model (scripts/ref/isn_ref.py), M within the guest's clock"
say "   around the connection ($m0..$m1 ticks of 4 us, give or take its 10 ms steps)"
say "@isn"
say ""
listing grep . /sys/kernel/seqstate/isn/active /sys/kernel/seqstate/isn/answered_v4
say "5. Memory: $((mem / 1024)) kB allocated for the $nsock sockets of section 1, module" \
	"$(awk '$1 == "seqstate" { printf "%.0f kB", $2 / 1024 }' /proc/modules) (code and data)"
echo 0 >/sys/kernel/seqstate/isn/active
unload_seqstate
