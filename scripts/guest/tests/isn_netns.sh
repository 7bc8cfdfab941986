# SPDX-License-Identifier: GPL-2.0
# isn_netns_keys=1: every namespace its own key, set from inside it. The F values are
# scripts/ref/isn_ref.py's for the tuple 192.0.2.1:40000 -> 198.51.100.7:80:
#   key 000102030405060708090a0b0c0d0e0f  f=2555015075
#   key 0f1e2d3c4b5a69788796a5b4c3d2e1f0  f=4140458055
. /seqstate/lib.sh

load_seqstate isn_netns_keys=1 rekey_guard_s=0
d=/sys/kernel/seqstate/isn
tuple="192.0.2.1 40000 198.51.100.7 80"

f_in_new_netns() {	# f_in_new_netns KEY: set KEY in a new namespace, print F there
	unshare -n sh -ec "echo $1 >$d/key; echo '$tuple' >$d/query; cat $d/query" |
		sed 's/.* f=\([0-9]*\) .*/\1/'
}

assert_eq "F in a namespace with key 0001..0f" 2555015075 \
	"$(f_in_new_netns 000102030405060708090a0b0c0d0e0f)"
assert_eq "F in a namespace with key 0f1e..f0" 4140458055 \
	"$(f_in_new_netns 0f1e2d3c4b5a69788796a5b4c3d2e1f0)"

# Two namespaces that set no key do not share one.
a=$(unshare -n sh -c "echo '$tuple' >$d/query; cat $d/query" | sed 's/.* f=\([0-9]*\) .*/\1/')
b=$(unshare -n sh -c "echo '$tuple' >$d/query; cat $d/query" | sed 's/.* f=\([0-9]*\) .*/\1/')
[ "$a" != "$b" ] || fail "two namespaces gave the same F ($a): one key?"
echo "pass: random namespace keys differ ($a, $b)"
unload_seqstate
