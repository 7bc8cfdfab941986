# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# Another kprobe user on the host while connections churn and their TIME-WAIT ends: a
# kprobe trace event on vfs_read, hit by a 1-byte dd on every CPU. A kprobe's handler is
# skipped when another kprobe handler runs on its CPU, and softirqs (FINs, TIME-WAIT
# timers expiring in a batch) land inside the dd's handlers: the timewait hooks must not
# be kprobes. The gauges against ss after the churn and after TIME-WAIT, every
# connection's FIN-WAIT-2 and TIME-WAIT accounted for, nothing missed.
. /seqstate/lib.sh

own_netns

T=/sys/kernel/tracing
[ -e $T/kprobe_events ] || mount -t tracefs tracefs $T
stop_tracer() {
	kill $hammers 2>/dev/null || :
	wait $hammers 2>/dev/null || :
	echo 0 >$T/events/seqstate_tracers/enable 2>/dev/null || :
	echo '-:seqstate_tracers/read' >>$T/kprobe_events 2>/dev/null || :
}
trap stop_tracer EXIT
echo 'p:seqstate_tracers/read vfs_read file=$arg1 count=$arg3 comm=$comm' >>$T/kprobe_events
echo 1 >$T/events/seqstate_tracers/enable
hammers=
for i in $(seq "$(grep -c ^processor /proc/cpuinfo)"); do
	dd if=/dev/zero of=/dev/null bs=1 2>/dev/null &
	hammers="$hammers $!"
done

load_seqstate
# SEQSTATE_SCALE divides the connections (the debug kernels).
n=$((1000 / ${SEQSTATE_SCALE:-1}))
seqload churn -n $n -t 2
wait_until 300 sockets_are 0 state last-ack
check_gauges "churn under another kprobe user"

wait_until 300 sockets_are 0 state time-wait state fin-wait-2
check_gauges "TIME-WAIT ended under another kprobe user"

# Each client socket became a timewait socket (in FIN-WAIT-2 or TIME-WAIT) and died, and
# reached TIME-WAIT once: mostly from FIN-WAIT-2 (the timewait hooks), from FIN-WAIT-1 when
# the server's FIN came with the ACK of the client's (a delayed ACK on a busy host).
died=$(($(transition time_wait close) + $(transition fin_wait2 close)))
assert_eq "timewait deaths" $n "$died"
assert_eq "time_wait entered" $n "$(entered time_wait)"
hits=$(awk '$1 == "read" { print $2 }' $T/kprobe_profile)
[ "${hits:-0}" -gt 0 ] || fail "the other kprobe never fired"
echo "pass: the other kprobe fired $hits times"
awk '$1 == "missed" && $2 ~ /^timewait/ { print "missed", $2, $3; if ($3 != 0) bad = 1 }
     END { exit bad }' /proc/net/seqstate/verify || fail "timewait events missed"
stop_tracer
trap - EXIT
unload_seqstate
