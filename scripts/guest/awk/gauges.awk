# SPDX-License-Identifier: GPL-2.0
# check_gauges (lib.sh): one round. Input: the states file twice, `ss -tanH`, /proc/net/tcp{,6},
# split by "--" lines. Variables: what (the check's name), pending (the states still to judge).
# Prints a pass or FAIL line per judged state and oracle, then "pending" and the states whose
# gauge moved during the round (judged in the next one).
BEGIN {
	n = split(pending, want, " ")
	split("LISTEN listen SYN-SENT syn_sent SYN-RECV syn_recv ESTAB established " \
	      "FIN-WAIT-1 fin_wait1 FIN-WAIT-2 fin_wait2 CLOSE-WAIT close_wait CLOSING closing " \
	      "LAST-ACK last_ack TIME-WAIT time_wait UNCONN close", m, " ")
	for (i = 1; i < 22; i += 2)
		ss_state[m[i]] = m[i + 1]
	split("01 established 02 syn_sent 03 syn_recv 04 fin_wait1 05 fin_wait2 " \
	      "06 time_wait 07 close 08 close_wait 09 last_ack 0A listen 0B closing", m, " ")
	for (i = 1; i < 22; i += 2)
		tcp_state[m[i]] = m[i + 1]
}
$0 == "--" { part++; next }
part == 0 && $1 != "state" { before[$1] = $2 }
part == 1 && $1 != "state" { after[$1] = $2 }
part == 2 && NF { by_ss[ss_state[$1]]++ }
part == 3 && $1 != "sl" && NF { by_tcp[tcp_state[$4]]++ }
function judge(s, oracle, count) {
	if (count + 0 == before[s] && before[s] != "")
		printf "pass: %s: %s now, against %s = %d\n", what, s, oracle, count
	else
		printf "FAIL: %s: %s now, against %s: expected '%d', got '%s'\n",
		       what, s, oracle, count, before[s]
}
END {
	for (i = 1; i <= n; i++) {
		s = want[i]
		if (before[s] != after[s]) {
			moved = moved " " s
			continue
		}
		judge(s, "ss", by_ss[s])
		judge(s, "/proc/net/tcp", by_tcp[s])
	}
	print "pending" moved
}
