# SPDX-License-Identifier: GPL-2.0
# in_range (lib.sh): durations recorded between two reads of the metrics file. Input: the
# metrics before, a "--" line, the metrics after. Variables: state; lo and hi, in ms.
# Prints how many durations of state were recorded in between, and how many of them in
# buckets that overlap [lo, hi].
$0 == "--" { part++; next }
/^seqstate_tcp_state_duration_seconds_bucket/ {
	split($0, q, "\"")
	if (q[2] != state)
		next
	if (!part)
		before[q[4]] = $NF
	else {
		le[++n] = q[4]
		after[q[4]] = $NF
	}
}
END {
	prev = 0
	cum = 0
	for (i = 1; i <= n; i++) {
		c = after[le[i]] - before[le[i]] - cum
		cum += c
		bound = le[i] == "+Inf" ? -1 : le[i] * 1000
		if (c && hi > prev && (bound < 0 || lo <= bound))
			in_range += c
		prev = bound
	}
	print cum + 0, in_range + 0
}
