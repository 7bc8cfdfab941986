/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_DURATIONS_PROC_H
#define _SEQSTATE_DURATIONS_PROC_H

#include <linux/types.h>

struct net;
struct seq_file;
struct seqstate_durations_snapshot;

/* A line of the durations table: state, count, p50, p90, p99, max, untimed, oldest. */
#define SEQSTATE_DURATIONS_LINE	160

struct seqstate_durations_snapshot *seqstate_durations_get(struct net *net);
int seqstate_durations_line(char *buf, size_t size,
			    const struct seqstate_durations_snapshot *snap, int state);
int seqstate_durations_proc_show(struct seq_file *seq, void *v);
void seqstate_durations_metrics(struct seq_file *seq,
				const struct seqstate_durations_snapshot *snap);

#endif /* _SEQSTATE_DURATIONS_PROC_H */
