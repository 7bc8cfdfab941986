# SPDX-License-Identifier: GPL-2.0
# durations_peers: seqstate's histogram of one state against a peer's per-socket durations.
# Input: the metrics before, "--", the metrics after, "--", the durations in ms, one a line.
# Variables: state; tol, the fraction of a bucket's bound within which a duration may land
# in the neighbouring bucket. Prints a pass or FAIL line per bucket and for the total.
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
END {
	cum = 0
	for (i = 1; i <= n; i++) {
		ours[i] = after[le[i]] - before[le[i]] - cum
		cum += ours[i]
	}
	for (j = 1; j <= m; j++) {
		s = ms[j] / 1000
		b = bucket(s)
		lo = b > 1 ? le[b - 1] + 0 : 0
		hi = b < n ? le[b] + 0 : 0
		most[b]++
		if (b > 1 && s <= lo * (1 + tol))
			most[b - 1]++
		else if (b < n && s >= hi * (1 - tol))
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
	printf "%s: %s durations: seqstate %d, the peer %d\n", cum == m ? "pass" : "FAIL", state,
	       cum, m
}
