# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# Durations against a peer's tool: libbpf-tools' tcplife (Debian's build, CO-RE) times each
# connection on the same tracepoint with a BPF map, from ESTABLISHED to CLOSE. Connections
# held for 2, 5 and 15 s must land in the same ESTABLISHED buckets of seqstate's histogram;
# one whose lifetime is within 5% of a bucket's bound may land in the neighbouring bucket
# (tcplife's span goes on through the close handshake).
. /seqstate/lib.sh

own_netns
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	echo "pass: nothing to compare: no BTF in this kernel, which tcplife needs"
	exit 0
fi
load_seqstate
tcplife >/tmp/life 2>/tmp/life.err &
life=$!
started() {	# started PID: tcplife's program is on the tracepoint, or tcplife is gone
	bpf_attached "$1" || ! kill -0 "$1" 2>/dev/null
}
if ! { wait_until 120 started $life && kill -0 $life 2>/dev/null; }; then
	cat /tmp/life.err
	ls -l /proc/$life/fd; cat /proc/$life/fdinfo/* 2>/dev/null | grep -v "^pos\|^flags\|^mnt_id\|^ino"
	fail "tcplife did not start"
fi
m=$(cat /proc/net/seqstate/metrics)
seqload hold --established 3 --seconds 2 >/dev/null &
a=$!
seqload hold --established 3 --seconds 5 >/dev/null &
b=$!
seqload hold --established 2 --seconds 15 -6 >/dev/null &
c=$!
wait $a $b $c
wait_until 120 sockets_are 0 state established
# tcplife prints a closed connection at once; its buffer goes out when it is stopped.
kill -INT $life
wait $life || :
cat /tmp/life.err
out=$(printf '%s\n--\n%s\n--\n%s\n' "$m" "$(cat /proc/net/seqstate/metrics)" \
	"$(awk 'NR > 1 { print $NF }' /tmp/life)" |
	awk -v state=established -v tol=0.05 -f /seqstate/awk/histogram.awk)
echo "$out"
case $out in *FAIL:*) fail "seqstate and tcplife disagree"; esac
assert_eq "connections tcplife saw" 16 "$(awk 'NR > 1' /tmp/life | wc -l)"
unload_seqstate
