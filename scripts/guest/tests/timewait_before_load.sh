# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: rt
# Timewait sockets in FIN-WAIT-2 made before the module was loaded, whose peers close
# after: the FIN-WAIT-2 -> TIME-WAIT step of a timewait socket seqstate never saw born
# counts too (the first segment for it adopts it), once.
. /seqstate/lib.sh

own_netns

# Each server holds its end open without reading (CLOSE-WAIT once the client closed); each
# client shuts its writing side at EOF and is killed: an orphan in FIN-WAIT-2, which TCP
# turns into a timewait socket in FIN-WAIT-2 (tcp_fin_timeout is 60 s, TCP_TIMEWAIT_LEN).
n=5
servers=
for p in $(seq 7101 $((7100 + n))); do
	nc -l -p "$p" -e sleep 1000 &
	servers="$servers $!"
	wait_until 120 listening ":$p "
	nc 127.0.0.1 "$p" </dev/null &
	client=$!
	wait_until 120 sockets_are 1 state fin-wait-2 dport = ":$p"
	kill $client
	wait $client 2>/dev/null || :
done
# The clients' processes are gone: their sockets are timewait sockets now, owned by nobody.
owned_fin_wait2_gone() {
	[ "$(ss -tanpH state fin-wait-2 | grep -c users:)" = 0 ]
}
wait_until 120 owned_fin_wait2_gone
assert_eq "timewait sockets in FIN-WAIT-2" $n "$(ss -tanH state fin-wait-2 | wc -l)"

load_seqstate
check_gauges "FIN-WAIT-2 timewait sockets from before load"

# The servers close: each FIN moves a timewait socket on to TIME-WAIT.
kill $servers
wait $servers 2>/dev/null || :
wait_until 300 sockets_are 0 state fin-wait-2 state last-ack
assert_eq "time_wait now" $n "$(now time_wait)"
assert_eq "fin_wait2 -> time_wait" $n "$(transition fin_wait2 time_wait)"
check_gauges "their FIN-WAIT-2 -> TIME-WAIT after load"
unload_seqstate
