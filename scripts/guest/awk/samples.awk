# SPDX-License-Identifier: GPL-2.0
# The samples of a Prometheus text exposition, one a line, as NAME{LABELS} VALUE with the
# labels sorted and the value printed as a number: the same samples from two writers
# (seqstate's file, and node_exporter serving it again) print the same lines.
/^#/ || NF == 0 { next }
{
	line = $0
	match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)
	name = substr(line, 1, RLENGTH)
	line = substr(line, RLENGTH + 1)
	labels = ""
	if (substr(line, 1, 1) == "{") {
		end = index(line, "}")
		inner = substr(line, 2, end - 2)
		line = substr(line, end + 1)
		n = 0
		while (match(inner, /[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"/)) {
			l[++n] = substr(inner, RSTART, RLENGTH)
			inner = substr(inner, RSTART + RLENGTH)
		}
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && l[j - 1] > l[j]; j--) {
				t = l[j]; l[j] = l[j - 1]; l[j - 1] = t
			}
		for (i = 1; i <= n; i++)
			labels = labels (i > 1 ? "," : "{") l[i]
		labels = labels "}"
	}
	split(line, v, " ")
	printf "%s%s %.17g\n", name, labels, v[1] + 0
}
