/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PORTS_PROC_H
#define _SEQSTATE_PORTS_PROC_H

struct net;
struct seq_file;

int seqstate_ports_proc_show(struct seq_file *seq, void *v);
/* The port families of @net's metrics; nothing with ports=0. */
void seqstate_ports_metrics(struct seq_file *seq, const struct net *net);

/* The sockets family, whose samples seqstate_ports_samples() prints with @labels first. */
#define SEQSTATE_PORT_SOCKETS_HELP \
	"# HELP seqstate_tcp_port_sockets TCP sockets in each state now, by local port, for listening ports.\n" \
	"# TYPE seqstate_tcp_port_sockets gauge\n"
void seqstate_ports_samples(struct seq_file *seq, const struct net *net, const char *labels);

#endif /* _SEQSTATE_PORTS_PROC_H */
