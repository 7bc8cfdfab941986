# SPDX-License-Identifier: GPL-2.0
# One state's durations recorded between two reads of the metrics file. Input: the metrics
# before, a "--" line, the metrics after; for a peer, "--" and its durations in ms, one a
# line. Variables: state; lo and hi in ms (in_range in lib.sh), or tol (durations_peers),
# the fraction of a bound within which the peer's duration may be in the next bucket.
# Prints, for in_range: how many durations were recorded, and how many of them in buckets
# that overlap [lo, hi]; for a peer: a pass or FAIL line per bucket and for the total.
$0 == "--" { part++; next }
part < 2 && /^seqstate_tcp_state_duration_seconds_bucket/ {
	split($0, q, "\"")
	if (q[2] != state)
		next
	if (!part)
		before[q[4]] = $NF
	else {
		le[++n] = q[4]
		after[q[4]] = $NF
	}
	next
}
part == 2 && NF { ms[++m] = $1 }
function bucket(s,	i) {
	for (i = 1; i < n; i++)
		if (s <= le[i] + 0)
			return i
	return n
}
function in_range(	i, prev, bound, got) {
	prev = 0
	for (i = 1; i <= n; i++) {
		bound = i < n ? le[i] * 1000 : -1
		if (ours[i] && hi > prev && (bound < 0 || lo <= bound))
			got += ours[i]
		prev = bound
	}
	print total + 0, got + 0
}
function against_peer(	i, j, s, b, ok) {
	for (j = 1; j <= m; j++) {
		s = ms[j] / 1000
		b = bucket(s)
		most[b]++
		if (b > 1 && s <= le[b - 1] * (1 + tol))
			most[b - 1]++
		else if (b < n && s >= le[b] * (1 - tol))
			most[b + 1]++
		else
			least[b]++
	}
	for (i = 1; i <= n; i++) {
		if (!ours[i] && !most[i])
			continue
		ok = ours[i] >= least[i] + 0 && ours[i] <= most[i] + 0
		printf "%s: %s bucket le=%s: seqstate %d, the peer %d to %d\n", ok ? "pass" : "FAIL",
		       state, le[i], ours[i], least[i], most[i]
	}
	printf "%s: %s durations: seqstate %d, the peer %d\n", total == m ? "pass" : "FAIL",
	       state, total, m
}
END {
	for (i = 1; i <= n; i++) {
		ours[i] = after[le[i]] - before[le[i]] - total
		total += ours[i]
	}
	if (part < 2)
		in_range()
	else
		against_peer()
}
