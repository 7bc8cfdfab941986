# SPDX-License-Identifier: GPL-2.0
# class: full stress
# debug lane: kunit
# Reliability: network namespaces created and destroyed, four at a time, with traffic in
# them while the module is loaded (each dies with TIME-WAIT sockets still in it); then
# the module unloaded while namespaces with sockets exist, and loaded again: it counts
# theirs from the tables. No namespace's counters outlive it.
# Size: SEQSTATE_STRESS_NETNS (default 20; make stress: 200).
. /seqstate/lib.sh

n=${SEQSTATE_STRESS_NETNS:-20}
load_seqstate
mem=$(settled_memory)
host_est=$(cat /sys/kernel/seqstate/states/established/entered)

i=0
pids=
while [ $i -lt "$n" ]; do
	in_netns '
		seqload churn -n 25 -t 2 >/dev/null
		[ "$(entered established)" = 50 ] || fail "namespace: established entered $(entered established)"
		check_integrity "namespace"' >/tmp/netns.$i 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
	if [ $((i % 4)) = 0 ] || [ $i = "$n" ]; then
		for p in $pids; do
			wait "$p" || { cat /tmp/netns.*; fail "a namespace's traffic failed"; }
		done
		pids=
	fi
done
assert_eq "host-wide established entries after $n namespaces" $((host_est + 50 * n)) \
	"$(cat /sys/kernel/seqstate/states/established/entered)"
# Namespaces are torn down by a workqueue: wait until the last one's counters are gone.
memory_back "$mem" "$n namespaces came and went"

# Namespaces that outlive a load: unload while they hold sockets, load again.
for k in 1 2 3; do
	in_netns_bg 'exec seqload hold --listen "$1" --established "$1" --close-wait "$1" \
		--time-wait "$1" --ready-file "/tmp/ns$1"' $k >/dev/null 2>&1
	eval "holder$k=\$!"
	wait_ready /tmp/ns$k "$(eval echo \$holder$k)"
done
unload_seqstate
load_seqstate
for k in 1 2 3; do
	in_netns_of "$(eval echo \$holder$k)" '
		assert_eq "namespace $1: established now" $((2 * $1)) "$(now established)"
		check_gauges "namespace $1, loaded after it was made"' $k
done
# And they die while the module is loaded.
kill "$holder1" "$holder2" "$holder3"
wait
unload_seqstate
load_seqstate
unload_seqstate
