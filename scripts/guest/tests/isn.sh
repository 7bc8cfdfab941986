# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# The ISN generator switched into live TCP. The wire is the oracle: SYN and SYN-ACK
# sequence numbers captured with a packet socket are judged on the host against
# scripts/ref/isn_ref.py (the isn-wire lines); the rest is checked here: the rekey guard on
# every change of TCP's generator (switches, keys in use, the load), what the answered
# counts count and who sees them, and the query, whose answer belongs to its open file.
. /seqstate/lib.sh

own_netns
d=/sys/kernel/seqstate/isn
q=/proc/net/seqstate/query
param=/sys/module/seqstate/parameters/rekey_guard_s
key=0f1e2d3c4b5a69788796a5b4c3d2e1f0
# F under $key (scripts/ref/isn_ref.py f KEY TUPLE):
t4="192.0.2.1 40000 198.51.100.7 80"
f4=4140458055
t6="2001:db8::1 40000 2001:db8::beef 443"
f6=547182080
# Kernels from 6.1.191 on ask for the ISN and the timestamp offset in one call, and tell
# it the namespace; older ones have secure_tcp_seq() and secure_tcp_ts_off().
union=0
grep -qw secure_tcp_seq_and_ts_off /proc/kallsyms && union=1

mode() {
	ls -l "$1" | cut -c1-10
}

# ask TUPLE: write TUPLE to the query file and read the answer back from the same open file
ask() {
	{ echo "$1" >&5; cat <&5; } 5<>$q
}

load_seqstate
for f in key rekey; do
	assert_eq "mode of isn/$f" "--w-------" "$(mode $d/$f)"
done
assert_eq "mode of isn/active" "-rw-r--r--" "$(mode $d/active)"
assert_eq "mode of isn/rekey_guard_s" "-rw-r--r--" "$(mode $d/rekey_guard_s)"
assert_eq "mode of the rekey_guard_s parameter (load time only)" "-r--r--r--" "$(mode $param)"
assert_eq "mode of query" "-rw-------" "$(mode $q)"
[ ! -e $d/query ] || fail "isn/query is still there"
assert_eq "tick_ns" 4000 "$(cat $d/tick_ns)"
assert_eq "active at load" 0 "$(cat $d/active)"
assert_eq "rekey_guard_s" "60 60" "$(cat $d/rekey_guard_s $param | xargs)"
! cat $d/key 2>/dev/null || fail "the key is readable"

# Bad keys change nothing.
for bad in 0f1e2d3c4b5a69788796a5b4c3d2e1f 0f1e2d3c4b5a69788796a5b4c3d2e1f00 \
	   0f1e2d3c4b5a69788796a5b4c3d2e1fg "$key x" "$key$key" ""; do
	! echo "$bad" >$d/key 2>/dev/null || fail "key '$bad' was taken"
done
! echo 2 >$d/rekey 2>/dev/null || fail "rekey took 2"
assert_eq "key_epoch after bad keys" 0 "$(cat $d/key_epoch)"

# The guard. The load counts as a change of TCP's generator (an earlier instance may have
# been unloaded while active a moment ago): no switch within rekey_guard_s of it.
assert_eq "switching in within rekey_guard_s of the load" EBUSY "$(seqload try write $d/active 1)"
assert_eq "active after a refused switch" 0 "$(cat $d/active)"
# With active 0, a key change changes nothing TCP uses: never refused.
echo 1 >$d/rekey
echo $key >$d/key
assert_eq "key_epoch after two key changes while inactive" 2 "$(cat $d/key_epoch)"
# Switched in (guard 0), then a guard of an hour: switching out, a rekey and a new key are
# all refused; writing the value active has is no change.
echo 0 >$d/rekey_guard_s
echo 1 >$d/active
echo 3600 >$d/rekey_guard_s
assert_eq "rekey_guard_s, as the parameter shows it" 3600 "$(cat $param)"
assert_eq "switching out within the guard" EBUSY "$(seqload try write $d/active 0)"
assert_eq "a rekey within the guard, active" EBUSY "$(seqload try write $d/rekey 1)"
assert_eq "a new key within the guard, active" EBUSY "$(seqload try write $d/key $key)"
echo 1 >$d/active
assert_eq "active, key_epoch after the refused changes" "1 2" "$(cat $d/active $d/key_epoch | xargs)"
# Once the guard has passed since the last change, the change is taken.
echo 1 >$d/rekey_guard_s
sleep 2
echo 0 >$d/active
assert_eq "active after a switch the guard allowed" 0 "$(cat $d/active)"
echo 0 >$d/rekey_guard_s

# capture FAMILY ADDR PORT ACTIVE: one connection, its SYN and SYN-ACK as isn-wire lines.
capture() {
	local six= out=/tmp/cap.$3 m0 m1
	[ "$1" = 6 ] && six=-6
	echo "$4" >$d/active
	seqload capture -i lo -p "$3" -n 2 $six >$out &
	wait_until 120 printed $out "capture ready"
	seqload listen -p "$3" -a "$2" $six >/dev/null &
	wait_until 120 listening ":$3 "
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

# Counts: host-wide in sysfs only; /proc/net/seqstate/isn shows this namespace's (its
# connect and its SYN-ACK, one call each), and another namespace sees none of them. No key
# facts there: with one host key, no namespace has a key of its own.
assert_eq "answered_v4, answered_v6 (sysfs, host-wide)" "2 2" \
	"$(cat $d/answered_v4 $d/answered_v6 | xargs)"
if [ $union = 1 ]; then
	here="active 0 tick_ns 4000 answered_v4 2 answered_v6 2"
	there="active 0 tick_ns 4000 answered_v4 0 answered_v6 0"
else
	here="active 0 tick_ns 4000"
	there=$here
fi
assert_eq "/proc/net/seqstate/isn" "$here" "$(xargs </proc/net/seqstate/isn)"
assert_eq "/proc/net/seqstate/isn of another namespace" "$there" \
	"$(unshare -n cat /proc/net/seqstate/isn | xargs)"

# What a call is, with SYN cookies for every connection: where the kernel asks for the ISN and
# the timestamp offset together, one connection makes a call for the SYN's ISN, one for each
# SYN-ACK's offset (its ISN being the cookie) and one for the offset that decodes the cookie
# ACK's timestamp: three, or more when a slow guest retransmits the SYN. The kernel's own
# counters of cookies sent and received are the oracle. Older kernels make one call (the SYN's
# ISN). They complete with seqstate's ISNs.
echo 1 >$d/active
sysctl -qw net.ipv4.tcp_syncookies=2
a=$(cat $d/answered_v4)
sent=$(tcp_ext SyncookiesSent)
recv=$(tcp_ext SyncookiesRecv)
seqload listen -p 7104 -a 127.0.0.1 >/dev/null &
wait_until 120 listening ":7104 "
seqload connect -a 127.0.0.1 -p 7104 >/dev/null
wait
sent=$(($(tcp_ext SyncookiesSent) - sent))
recv=$(($(tcp_ext SyncookiesRecv) - recv))
assert_eq "cookie ACKs received for one connection" 1 $recv
assert_eq "calls answered for one connection with SYN cookies ($sent cookies sent)" \
	$((union ? 1 + sent + recv : 1)) $(($(cat $d/answered_v4) - a))
# 20 more connections each way complete the same way. Their servers close as they accept and
# wait for nothing after the handshake: a churn's server, which waits for each client's FIN,
# waited forever on one of 20 cookie connections (6.1: a stock kernel in CI and the KUnit
# kernel, both under load; not seen again in 10 runs, cause not found), and hung the test.
seqload listen -p 7105 -a 127.0.0.1 -n 20 >/dev/null &
wait_until 120 listening ":7105 "
seqload connect -a 127.0.0.1 -p 7105 -n 20 >/dev/null
seqload listen -p 7106 -a ::1 -n 20 -6 >/dev/null &
wait_until 120 listening ":7106 "
seqload connect -a ::1 -p 7106 -n 20 -6 >/dev/null
wait
sysctl -qw net.ipv4.tcp_syncookies=1
echo 0 >$d/active

# query: the ISN of a tuple now, by the same function as the wire's; each open file holds
# its own answer, whoever else asks meanwhile.
exec 5<>$q 6<>$q
echo "$t4" >&5
echo "$t6" >&6
a=$(cat <&5)
b=$(cat <&6)
exec 5>&- 6>&-
echo "query: $a / $b"
for x in "$a $f4" "$b $f6"; do
	set -- $x
	assert_eq "F of a query" "$4" "${2#f=}"
	assert_eq "isn = F + m mod 2^32" "${1#isn=}" $(((${2#f=} + ${3#m=}) % 4294967296))
done
# Two users at once, each asking on files of its own, 200 times: never the other's answer.
wrong() {	# wrong TUPLE F N: how many of N answers were not F
	local i=0 n=0
	while [ $i -lt "$3" ]; do
		case $(ask "$1") in
		*" f=$2 "*) ;;
		*) n=$((n + 1)) ;;
		esac
		i=$((i + 1))
	done
	echo $n
}
wrong "$t4" $f4 200 >/tmp/wrong4 &
wrong "$t6" $f6 200 >/tmp/wrong6
wait
assert_eq "answers of another user's query, of 2 x 200" "0 0" "$(cat /tmp/wrong4 /tmp/wrong6 | xargs)"
assert_eq "a bad query" EINVAL "$(seqload try write $q "192.0.2.1 40000 198.51.100.7")"
assert_eq "a read before any query" "" "$(cat $q)"

# Switched 1,000 times under traffic (guard 0), then unloaded while active, with queries
# in flight (the query file outlives the host key at unload by a moment).
seqload churn -n 1000000 -t 2 -r >/dev/null 2>&1 &
churn=$!
sh -c "while :; do { echo '$t4' >&5; cat <&5; } 5<>$q; done" >/dev/null 2>&1 &
asking=$!
i=0
while [ $i -lt "${SEQSTATE_TOGGLES:-1000}" ]; do
	echo 1 >$d/active
	echo 0 >$d/active
	i=$((i + 1))
done
echo 1 >$d/active
unload_seqstate
kill $churn $asking 2>/dev/null || true
wait $churn $asking 2>/dev/null || true
echo "$i switches under traffic"

# isn_active=1: the load counts as a change, so TCP gets seqstate's ISNs once rekey_guard_s
# has passed since the load, not before.
active() {
	[ "$(cat $d/active)" = 1 ]
}
until_active() {	# until_active WHAT: until active is 1
	wait_until 120 active
	echo "pass: $1: active 1"
}
load_seqstate isn_active=1
assert_eq "active just after a load with isn_active=1" 0 "$(cat $d/active)"
unload_seqstate		# with the switch still to come
load_seqstate isn_active=1
echo 0 >$d/rekey_guard_s	# the guard shortened: it switches in at once
until_active "isn_active=1, rekey_guard_s then set to 0"
unload_seqstate
load_seqstate isn_active=1
echo 0 >$d/active	# written by hand: no switch to come any more
echo 0 >$d/rekey_guard_s
sleep 1
assert_eq "active after 0 was written before the guard passed" 0 "$(cat $d/active)"
unload_seqstate
load_seqstate isn_active=1 rekey_guard_s=1
until_active "isn_active=1 rekey_guard_s=1"
unload_seqstate
load_seqstate isn_active=1 rekey_guard_s=0
assert_eq "active just after a load with isn_active=1 rekey_guard_s=0" 1 "$(cat $d/active)"
unload_seqstate
