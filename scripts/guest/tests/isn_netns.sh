# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# isn_netns_keys=1: every namespace its own key, set from inside it, guarded on its own, and
# shown (epoch, time of the last change) only to that namespace. The F values are
# scripts/ref/isn_ref.py's for the tuple 192.0.2.1:40000 -> 198.51.100.7:80:
#   key 000102030405060708090a0b0c0d0e0f  f=2555015075
#   key 0f1e2d3c4b5a69788796a5b4c3d2e1f0  f=4140458055
. /seqstate/lib.sh

load_seqstate isn_netns_keys=1 rekey_guard_s=0
d=/sys/kernel/seqstate/isn
q=/proc/net/seqstate/query
tuple="192.0.2.1 40000 198.51.100.7 80"

# f_in_new_netns [KEY]: in a new namespace, set KEY (if given), ask the query there, print F
f_in_new_netns() {
	in_netns '[ -z "$1" ] || echo "$1" >"$2"
		{ echo "$3" >&5; cat <&5; } 5<>"$4"' "${1:-}" $d/key "$tuple" $q |
		sed 's/.* f=\([0-9]*\) .*/\1/'
}

assert_eq "F in a namespace with key 0001..0f" 2555015075 \
	"$(f_in_new_netns 000102030405060708090a0b0c0d0e0f)"
assert_eq "F in a namespace with key 0f1e..f0" 4140458055 \
	"$(f_in_new_netns 0f1e2d3c4b5a69788796a5b4c3d2e1f0)"

# Two namespaces that set no key do not share one.
a=$(f_in_new_netns)
b=$(f_in_new_netns)
[ "$a" != "$b" ] || fail "two namespaces gave the same F ($a): one key?"
echo "pass: random namespace keys differ ($a, $b)"

# Two namespaces that stay, A and B.
unshare -n sleep 100000 &
nsa=$!
unshare -n sleep 100000 &
nsb=$!
netns_apart() {	# netns_apart PID: PID runs in a network namespace other than ours
	[ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ]
}
for p in $nsa $nsb; do
	wait_until 120 netns_apart $p
done
rekey_in() {	# rekey_in PID: write 1 to isn/rekey from PID's namespace
	in_netns_of "$1" 'echo 1 >"$1"' $d/rekey 2>/dev/null
}
isn_in() {	# isn_in PID FIELD: FIELD of /proc/net/seqstate/isn in PID's namespace
	nsenter -t "$1" -n cat /proc/net/seqstate/isn | awk -v f="$2" '$1 == f { print $2 }'
}
isn_here() {	# isn_here FIELD: FIELD of this namespace's /proc/net/seqstate/isn
	awk -v f="$1" '$1 == f { print $2 }' /proc/net/seqstate/isn
}

# The guard is per key. Switched in (every namespace's generator changed then), and 6 s
# later a guard of 5 s: A's key changes, B's too (A's change does not block it), but A's
# key not again, and active cannot switch out (A's generator changed just now).
host=$(cat $d/key_epoch)
echo 1 >$d/active
sleep 6
echo 5 >$d/rekey_guard_s
rekey_in $nsa || fail "A's first rekey, 6 s after the switch, was refused"
rekey_in $nsb || fail "B's rekey was refused after A's"
! rekey_in $nsa || fail "A's key changed twice within rekey_guard_s"
assert_eq "switching out within rekey_guard_s of A's rekey" EBUSY \
	"$(seqload try write $d/active 0)"
assert_eq "key_epoch of A, B, this namespace" "1 1 0" \
	"$(isn_in $nsa key_epoch) $(isn_in $nsb key_epoch) $(isn_here key_epoch)"
assert_eq "key_epoch (sysfs, all namespaces)" $((host + 2)) "$(cat $d/key_epoch)"
[ "$(isn_in $nsa key_changed_at)" -ge "$(isn_here key_changed_at)" ] ||
	fail "A's key_changed_at is before this namespace's"

# Switched out: nothing TCP uses changes with a key any more; every rekey is taken.
echo 0 >$d/rekey_guard_s
echo 0 >$d/active
echo 3600 >$d/rekey_guard_s
rekey_in $nsa || fail "A's rekey while inactive was refused"
rekey_in $nsa || fail "A's second rekey while inactive was refused"
assert_eq "key_epoch of A after two more rekeys" 3 "$(isn_in $nsa key_epoch)"
kill $nsa $nsb
wait
unload_seqstate
