/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_NETNS_METRICS_H
#define _SEQSTATE_NETNS_METRICS_H

struct proc_dir_entry;

/* /proc/net/seqstate/netns_metrics, in the initial namespace's @dir only. */
int seqstate_netns_metrics_create(struct proc_dir_entry *dir);

#endif /* _SEQSTATE_NETNS_METRICS_H */
