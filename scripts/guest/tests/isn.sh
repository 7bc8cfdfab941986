# SPDX-License-Identifier: GPL-2.0
# The ISN generator switched into live TCP. The wire is the oracle: SYN and SYN-ACK
# sequence numbers captured with a packet socket are judged on the host against
# scripts/ref/isn_ref.py (the isn-wire lines); the rest is checked here.
. /seqstate/lib.sh

if [ "${1:-}" != netns ]; then
	exec unshare -n sh -e /seqstate/tests/isn.sh netns
fi
ip link set lo up
d=/sys/kernel/seqstate/isn
key=0f1e2d3c4b5a69788796a5b4c3d2e1f0

load_seqstate
for f in key rekey; do
	assert_eq "mode of isn/$f" "--w-------" "$(ls -l $d/$f | cut -c1-10)"
done
assert_eq "mode of isn/active" "-rw-r--r--" "$(ls -l $d/active | cut -c1-10)"
assert_eq "mode of isn/query" "-rw-------" "$(ls -l $d/query | cut -c1-10)"
assert_eq "tick_ns" 4000 "$(cat $d/tick_ns)"
assert_eq "active at load" 0 "$(cat $d/active)"
! cat $d/key 2>/dev/null || fail "the key is readable"

# Bad keys change nothing; a good one is refused within the guard after the last change.
for bad in 0f1e2d3c4b5a69788796a5b4c3d2e1f 0f1e2d3c4b5a69788796a5b4c3d2e1f00 \
	   0f1e2d3c4b5a69788796a5b4c3d2e1fg "$key x" "$key$key" ""; do
	! echo "$bad" >$d/key 2>/dev/null || fail "key '$bad' was taken"
done
! echo 2 >$d/rekey 2>/dev/null || fail "rekey took 2"
assert_eq "key_epoch after bad keys" 0 "$(cat $d/key_epoch)"
! echo $key >$d/key 2>/dev/null || fail "a key change within rekey_guard_s was taken"
assert_eq "key_epoch after a refused change" 0 "$(cat $d/key_epoch)"
echo 0 >/sys/module/seqstate/parameters/rekey_guard_s
echo $key >$d/key
assert_eq "key_epoch" 1 "$(cat $d/key_epoch)"
[ "$(cat $d/key_changed_at)" -gt 0 ] || fail "key_changed_at not set"

ticks() {
	awk '{ printf "%d\n", $1 * 250000 }' /proc/uptime
}

# capture FAMILY ADDR PORT ACTIVE: one connection, its SYN and SYN-ACK as isn-wire lines.
capture() {
	local six= out=/tmp/cap.$3 m0 m1
	[ "$1" = 6 ] && six=-6
	echo "$4" >$d/active
	seqload capture -i lo -p "$3" -n 2 $six >$out &
	until grep -qs "capture ready" $out; do sleep 0.1; done
	seqload listen -p "$3" -a "$2" $six >/dev/null &
	until ss -tlnH | grep -q ":$3 "; do sleep 0.1; done
	m0=$(ticks)
	seqload connect -a "$2" -p "$3" $six
	m1=$(ticks)
	wait
	sed -n "s/^syn .*src=\([^ ]*\) dst=\([^ ]*\) seq=\([0-9]*\).*flags=\([A-Z]*\).*/isn-wire key=$key active=$4 m0=$m0 m1=$m1 src=\1 dst=\2 seq=\3 flags=\4/p" \
		$out >&3
	assert_eq "packets captured on port $3" 2 "$(grep -c '^syn ' $out)"
}

capture 4 127.0.0.1 7100 1
capture 6 ::1 7101 1
capture 4 127.0.0.1 7102 0
capture 6 ::1 7103 0
assert_eq "issued_v4" 2 "$(cat $d/issued_v4)"
assert_eq "issued_v6" 2 "$(cat $d/issued_v6)"
assert_eq "/proc/net/seqstate/isn" "active 0 tick_ns 4000 key_epoch 1 issued_v4 2 issued_v6 2" \
	"$(grep -v key_changed_at /proc/net/seqstate/isn | xargs)"

# query: the ISN of a tuple now, by the same function as the wire's.
echo "192.0.2.1 40000 198.51.100.7 80" >$d/query
echo "isn-query key=$key $(cat $d/query)"
! echo "192.0.2.1 40000 198.51.100.7" >$d/query 2>/dev/null || fail "a bad query was taken"

# SYN cookies for every connection: they still complete with seqstate's ISNs.
echo 1 >$d/active
sysctl -qw net.ipv4.tcp_syncookies=2
seqload churn -n 20
seqload churn -n 20 -6
sysctl -qw net.ipv4.tcp_syncookies=1

# Switched 1,000 times under traffic, then unloaded while active.
seqload churn -n 1000000 -t 2 -r >/dev/null 2>&1 &
churn=$!
i=0
while [ $i -lt "${SEQSTATE_TOGGLES:-1000}" ]; do
	echo 1 >$d/active
	echo 0 >$d/active
	i=$((i + 1))
done
echo 1 >$d/active
unload_seqstate
kill $churn 2>/dev/null || true
wait $churn 2>/dev/null || true
echo "$i switches under traffic"
