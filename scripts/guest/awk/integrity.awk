# SPDX-License-Identifier: GPL-2.0
# check_integrity (lib.sh): the books of one namespace. Input: the states file, the
# transitions file and the durations file (empty with durations=0), split by "--" lines.
# Prints what does not balance, nothing when everything does.
$0 == "--" { part++; next }
part == 0 && $1 == "(half-open)" { half = $2; next }
part == 0 && $1 != "state" { st[++n] = $1; now[$1] = $2; ent[$1] = $3; lft[$1] = $4
			     load[$1] = $5; next }
part == 1 && $1 != "from" { into[$2] += $3; outof[$1] += $3
			    if ($1 == "listen" && $2 == "syn_recv") child = $3 }
part == 2 && $1 != "state" && NF { timed[$1] = $2 + $7; durations = 1 }
END {
	for (i = 1; i <= n; i++) {
		s = st[i]
		if (into[s] + 0 != ent[s])
			printf "%s: transitions in %d, entered %d; ", s, into[s], ent[s]
		if (s == "close") {
			if (lft[s] != 0 || now[s] != 0)
				printf "close: left %d, now %d; ", lft[s], now[s]
			continue
		}
		o = outof[s] - (s == "listen" ? child : 0)
		if (o != lft[s])
			printf "%s: transitions out %d, left %d; ", s, o, lft[s]
		# Every departure is timed into the histogram or counted untimed.
		if (durations && timed[s] + 0 != lft[s])
			printf "%s: left %d, timed and untimed %d; ", s, lft[s], timed[s]
		g = now[s] - (s == "syn_recv" ? half : 0)
		if (g != load[s] + ent[s] - lft[s])
			printf "%s: now %d != at_load %d + entered %d - left %d; ",
			       s, g, load[s], ent[s], lft[s]
	}
	if (n != 11)
		printf "%d states in the states file; ", n
}
