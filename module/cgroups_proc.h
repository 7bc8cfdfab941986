/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_CGROUPS_PROC_H
#define _SEQSTATE_CGROUPS_PROC_H

struct net;
struct seq_file;

int seqstate_cgroups_proc_show(struct seq_file *seq, void *v);
/* The cgroup families of @net's metrics; nothing with cgroups=0. */
void seqstate_cgroups_metrics(struct seq_file *seq, const struct net *net);

/* The sockets family, whose samples seqstate_cgroups_samples() prints with @labels first. */
extern const char seqstate_cgroup_sockets_help[];
void seqstate_cgroups_samples(struct seq_file *seq, const struct net *net, const char *labels);

#endif /* _SEQSTATE_CGROUPS_PROC_H */
