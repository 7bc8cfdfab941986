# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# The module's skeleton: version, /proc and sysfs layout in every namespace, counts of real
# connections, and clean unloads at any moment, also under traffic.
. /seqstate/lib.sh

load_seqstate
assert_eq "module version" "$SEQSTATE_VERSION" "$(cat /sys/module/seqstate/version)"
assert_eq "/proc/net/seqstate/states rows" "$STATES" \
	"$(awk 'NR > 1 && $1 !~ /^\(/ { printf "%s%s", sep, $1; sep = " " }' /proc/net/seqstate/states)"
for s in $STATES; do
	for f in current entered; do
		assert_eq "mode of states/$s/$f" "-r--r--r--" \
			"$(ls -l /sys/kernel/seqstate/states/$s/$f | cut -c1-10)"
	done
done
for f in states transitions metrics; do
	assert_eq "mode of /proc/net/seqstate/$f" "-r--r--r--" \
		"$(ls -l /proc/net/seqstate/$f | cut -c1-10)"
done
assert_eq "mode of /proc/net/seqstate/verify" "-r--------" \
	"$(ls -l /proc/net/seqstate/verify | cut -c1-10)"

# 50 loopback connections: each takes the client through SYN_SENT and the accepted child
# through SYN_RECV, and both ends into ESTABLISHED; the listener enters LISTEN once.
est=$(entered established)
sent=$(entered syn_sent)
recv=$(entered syn_recv)
lst=$(entered listen)
lost=$(transition syn_recv close)
host=$(cat /sys/kernel/seqstate/states/established/entered)
seqload churn -n 50
assert_eq "established entries" $((est + 100)) "$(entered established)"
assert_eq "syn_sent entries" $((sent + 50)) "$(entered syn_sent)"
assert_eq "syn_recv entries, less duplicate children" $((recv + 50)) \
	$(($(entered syn_recv) - $(duplicate_children "$lost")))
assert_eq "listen entries" $((lst + 1)) "$(entered listen)"

# A new namespace starts from zero, counts its own traffic only, and adds to the host's.
est=$(entered established)
inner=$(in_netns '
	[ "$(entered established)" = 0 ] || fail "a new namespace does not start at 0"
	seqload churn -n 7 -6 >/dev/null
	entered established')
assert_eq "established entries in a new namespace" 14 "$inner"
assert_eq "established entries of init_net after the other namespace's" "$est" \
	"$(entered established)"
assert_eq "host-wide established entries" $((host + 100 + 14)) \
	"$(cat /sys/kernel/seqstate/states/established/entered)"

unload_seqstate
[ ! -e /proc/net/seqstate ] || fail "/proc/net/seqstate left behind"
[ ! -e /sys/kernel/seqstate ] || fail "/sys/kernel/seqstate left behind"

# Load and unload while connections churn in two namespaces.
seqload churn -n 100000 -t 2 -r >/dev/null 2>&1 &
churn=$!
in_netns_bg 'exec seqload churn -n 100000 -t 2 -r' >/dev/null 2>&1
churn6=$!
i=0
while [ $i -lt "${SEQSTATE_CYCLES:-20}" ]; do
	load_seqstate
	unshare -n true
	unload_seqstate
	i=$((i + 1))
done
kill $churn $churn6 2>/dev/null || true
wait $churn $churn6 2>/dev/null || true
echo "$i load/unload cycles under traffic"
