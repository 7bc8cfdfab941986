/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PORTS_PROC_H
#define _SEQSTATE_PORTS_PROC_H

struct net;
struct seq_file;

int seqstate_ports_proc_show(struct seq_file *seq, void *v);
/* The port families of @net's metrics; nothing with ports=0. */
void seqstate_ports_metrics(struct seq_file *seq, const struct net *net);

/* The sockets family, whose samples seqstate_ports_samples() prints with @labels first. */
extern const char seqstate_port_sockets_help[];
void seqstate_ports_samples(struct seq_file *seq, const struct net *net, const char *labels);

#endif /* _SEQSTATE_PORTS_PROC_H */
