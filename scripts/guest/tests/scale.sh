# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# Many sockets: 1,000 that exist before load, then 10,000 connections churned while 5,000
# sockets are held in mixed states; every gauge must still equal ss. SEQSTATE_SCALE divides
# the numbers on slow (debug) kernels.
. /seqstate/lib.sh

own_netns
d=${SEQSTATE_SCALE:-1}

# 1,000 sockets first: 10 listening, 300 connections, 100 half-closed, 200 in TIME-WAIT.
seqload hold --listen $((10 / d)) --established $((300 / d)) --close-wait $((100 / d)) \
	--time-wait $((200 / d)) --ready-file /tmp/r1 >/dev/null &
wait_ready /tmp/r1 $!
load_seqstate
check_gauges "$((1000 / d)) sockets before load"

# 5,000 held, 10,000 churned (the churned clients stay in TIME-WAIT).
seqload hold --listen $((100 / d)) --established $((1500 / d)) --close-wait $((500 / d)) \
	--time-wait $((900 / d)) --ready-file /tmp/r2 >/dev/null &
hold=$!
seqload churn -n $((10000 / d)) -t 2
wait_ready /tmp/r2 $hold
wait_until 300 sockets_are 0 state last-ack state fin-wait-1 state syn-sent state syn-recv
check_gauges "churn while holding"
kill %1 %2
wait
unload_seqstate
