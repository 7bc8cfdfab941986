# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# Every namespace in one host-wide file: each namespace's gauges (states, cgroups, ports,
# peer groups) labelled netns="<inode>", equal to what its own metrics file shows; while
# namespaces come and go under traffic every read parses and shows no series twice; a
# destroyed namespace's series go. Host root only, and only in the initial namespace.
. /seqstate/lib.sh

F=/proc/net/seqstate/netns_metrics
load_seqstate

# Three namespaces, each with a server on a port of its own and a peer group.
for i in 1 2 3; do
	in_netns_bg '
		echo "lo 127.0.0.0/8" >/proc/net/seqstate/peer_groups
		exec seqload hold --port 710$1 --established $1 --close-wait 1 \
			--ready-file /tmp/nm$1 >/dev/null' $i
	eval "pid$i=\$!"
done
for i in 1 2 3; do
	eval "wait_ready /tmp/nm$i \$pid$i"
	eval "ino$i=\$(readlink /proc/\$pid$i/ns/net | tr -dc 0-9)"
done

# gauges_of PID: that namespace's own gauge samples, labelled as the host file labels them.
gauges_of() {
	local ino
	ino=$(readlink /proc/"$1"/ns/net | tr -dc 0-9)
	in_netns_of "$1" 'grep -E "^seqstate_tcp_(sockets|halfopen_sockets|cgroup_sockets|port_sockets|peer_sockets)[{ ]" /proc/net/seqstate/metrics' |
		sed -E "s/^([a-z_]+)\\{/\\1{netns=\"$ino\",/; s/^([a-z_]+) /\\1{netns=\"$ino\"} /" | sort
}

# host_gauges INO: the host file's gauge samples of namespace INO.
host_gauges() {
	grep -E "^seqstate_tcp_(sockets|halfopen_sockets|cgroup_sockets|port_sockets|peer_sockets)\\{netns=\"$1\"[,}]" $F | sort
}

# well_formed FILE: every line a comment or NAME{LABELS} VALUE, and no series twice.
well_formed() {
	local bad dup
	bad=$(grep -v '^#' "$1" | grep -Evc '^[a-z_]+\{netns="[0-9]+"(,[a-z_]+="[^"]*")*\} -?[0-9]+$' || :)
	dup=$(grep -v '^#' "$1" | sed 's/ [^ ]*$//' | sort | uniq -d | wc -l)
	[ "$bad" = 0 ] && [ "$dup" = 0 ] || { echo "$bad malformed, $dup twice"; return 1; }
}

for i in 1 2 3; do
	eval "pid=\$pid$i ino=\$ino$i"
	want=$(gauges_of "$pid")
	got=$(host_gauges "$ino")
	[ -n "$want" ] && [ "$want" = "$got" ] || { printf '%s\n--\n%s\n' "$want" "$got";
		fail "namespace $ino: the host file differs from its own metrics"; }
	echo "pass: namespace $ino: $(echo "$got" | wc -l) gauges equal its own metrics file's"
done
# Each namespace's TIME-WAIT limit, for the alert that compares them.
in_netns_of "$pid1" 'sysctl -qw net.ipv4.tcp_max_tw_buckets=1234'
assert_eq "namespace 1: its tcp_max_tw_buckets, in its own metrics" \
	"seqstate_tcp_max_tw_buckets 1234" \
	"$(in_netns_of "$pid1" 'grep "^seqstate_tcp_max_tw_buckets " /proc/net/seqstate/metrics')"
assert_eq "namespace 1: its tcp_max_tw_buckets, in the host file" 1234 \
	"$(grep "^seqstate_tcp_max_tw_buckets{netns=\"$ino1\"}" $F | cut -d' ' -f2)"
assert_eq "namespace 2: port 7102 established, in the host file" 2 \
	"$(grep "^seqstate_tcp_port_sockets{netns=\"$ino2\",port=\"7102\",state=\"established\"}" $F | cut -d' ' -f2)"
cp $F /tmp/nm.prom
well_formed /tmp/nm.prom || fail "the host file is malformed"
metrics_to_host netns_metrics /tmp/nm.prom

# Namespaces come and go under traffic while the file is read.
rm -f /tmp/stop
(
	while [ ! -e /tmp/stop ]; do
		unshare -n sh -c 'ip link set lo up; seqload churn -n 20 -p 7400 >/dev/null'
	done
) &
maker=$!
seen="$ino1 $ino2 $ino3 $(readlink /proc/self/ns/net | tr -dc 0-9)"
reads=$((30 / ${SEQSTATE_SCALE:-1} + 2))
for r in $(seq $reads); do
	cat $F >/tmp/nm.read
	well_formed /tmp/nm.read || fail "read $r under churn is malformed"
	for ino in $(grep -o 'netns="[0-9]*"' /tmp/nm.read | tr -dc '0-9\n' | sort -u); do
		case " $seen " in *" $ino "*) ;; *) seen="$seen $ino" ;; esac
	done
done
touch /tmp/stop
wait $maker
metrics_to_host netns_churn /tmp/nm.read
echo "pass: $reads reads while namespaces came and went: well formed, no series twice ($(echo $seen | wc -w) namespaces seen)"

# A destroyed namespace's series go.
kill $pid3
wait $pid3 || :
gone() { ! grep -q "netns=\"$ino3\"" $F; }
wait_until 300 gone
echo "pass: namespace $ino3 gone from the host file"

assert_eq "another user may not read it" EACCES "$(seqload asuser 1000 seqload try read $F)"
in_netns '[ ! -e /proc/net/seqstate/netns_metrics ] || fail "a namespace other than the host has it"'
echo "pass: only the initial namespace has it"
kill $pid1 $pid2
wait
unload_seqstate
