// SPDX-License-Identifier: GPL-2.0
/*
 * The histograms and oldest ages as text: /proc/net/seqstate/durations, their part of
 * /proc/net/seqstate/metrics and of states, and host-wide in /sys/kernel/seqstate/.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "counters.h"
#include "durations.h"
#include "durations_proc.h"
#include "netns.h"
#include "records.h"

/* @net's (NULL: the host's), or NULL: no memory, durations=0, or @net not counted. */
struct seqstate_durations_snapshot *seqstate_durations_get(struct net *net)
{
	struct seqstate_durations_snapshot *snap = kmalloc(sizeof(*snap), GFP_KERNEL);

	if (snap && seqstate_read_durations(net, snap)) {
		kfree(snap);
		return NULL;
	}
	return snap;
}

/* @ns in seconds, to the nanosecond, in @b. */
struct seqstate_secs {
	char s[24];
};

static const char *seqstate_secs(struct seqstate_secs *b, u64 ns)
{
	u32 rem;
	u64 sec = div_u64_rem(ns, NSEC_PER_SEC, &rem);

	snprintf(b->s, sizeof(b->s), "%llu.%09u", sec, rem);
	return b->s;
}

/* The timed states: all that ss shows. */
static bool seqstate_timed(int state)
{
	return state != TCP_CLOSE;
}

/* The line of the table for @state; its header when @snap is NULL. */
int seqstate_durations_line(char *buf, size_t size,
			    const struct seqstate_durations_snapshot *snap, int state)
{
	struct seqstate_secs b[5];

	if (!snap)
		return scnprintf(buf, size, "%-12s %12s %16s %16s %16s %16s %12s %16s\n",
				 "state", "count", "p50_s", "p90_s", "p99_s", "max_s",
				 "untimed", "oldest_s");
	return scnprintf(buf, size, "%-12s %12llu %16s %16s %16s %16s %12llu %16s\n",
			 seqstate_state_name(state), snap->count[state],
			 seqstate_secs(&b[0], seqstate_durations_quantile(snap, state, 500)),
			 seqstate_secs(&b[1], seqstate_durations_quantile(snap, state, 900)),
			 seqstate_secs(&b[2], seqstate_durations_quantile(snap, state, 990)),
			 seqstate_secs(&b[3], snap->max_ns[state]), snap->untimed[state],
			 seqstate_secs(&b[4], snap->oldest_ns[state]));
}

int seqstate_durations_proc_show(struct seq_file *seq, void *v)
{
	struct seqstate_durations_snapshot *snap;
	char line[SEQSTATE_DURATIONS_LINE];
	int i, s;

	if (!seqstate_timing_on())
		return -ENODATA;
	snap = seqstate_durations_get(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	seqstate_durations_line(line, sizeof(line), NULL, 0);
	seq_puts(seq, line);
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (!seqstate_timed(s))
			continue;
		seqstate_durations_line(line, sizeof(line), snap, s);
		seq_puts(seq, line);
	}
	kfree(snap);
	return 0;
}

/* Prometheus: the histograms, the untimed departures and the oldest ages of @snap. */
void seqstate_durations_metrics(struct seq_file *seq,
				const struct seqstate_durations_snapshot *snap)
{
	struct seqstate_secs secs;
	const char *name;
	int i, s, b;
	u64 n;

	seq_puts(seq, "# HELP seqstate_tcp_state_duration_seconds Time TCP sockets spent in each state, recorded as they leave it.\n"
		      "# TYPE seqstate_tcp_state_duration_seconds histogram\n");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (!seqstate_timed(s))
			continue;
		name = seqstate_state_name(s);
		n = 0;
		for (b = 0; b < SEQSTATE_NR_BUCKETS; b++) {
			n += snap->bucket[s][b];
			seq_printf(seq, "seqstate_tcp_state_duration_seconds_bucket{state=\"%s\",le=\"%s\"} %llu\n",
				   name, seqstate_bucket_le[b], n);
		}
		seq_printf(seq, "seqstate_tcp_state_duration_seconds_sum{state=\"%s\"} %s\n"
			   "seqstate_tcp_state_duration_seconds_count{state=\"%s\"} %llu\n",
			   name, seqstate_secs(&secs, snap->sum_ns[s]), name, snap->count[s]);
	}
	seq_puts(seq, "# HELP seqstate_tcp_state_untimed_total Sockets that left each state with no known entry time (there at load, or no record).\n"
		      "# TYPE seqstate_tcp_state_untimed_total counter\n");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (seqstate_timed(s))
			seq_printf(seq, "seqstate_tcp_state_untimed_total{state=\"%s\"} %llu\n",
				   seqstate_state_name(s), snap->untimed[s]);
	}
	seq_puts(seq, "# HELP seqstate_tcp_oldest_socket_age_seconds Age of the oldest socket in each state now (0: none).\n"
		      "# TYPE seqstate_tcp_oldest_socket_age_seconds gauge\n");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (!seqstate_timed(s))
			continue;
		seq_printf(seq, "seqstate_tcp_oldest_socket_age_seconds{state=\"%s\"} %s\n",
			   seqstate_state_name(s), seqstate_secs(&secs, snap->oldest_ns[s]));
	}
}
