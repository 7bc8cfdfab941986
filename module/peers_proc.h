/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PEERS_PROC_H
#define _SEQSTATE_PEERS_PROC_H

struct net;
struct proc_dir_entry;
struct seq_file;

/* peer_groups and peers in @dir, a namespace's; nothing with peers=0. */
int seqstate_peers_proc_create(struct proc_dir_entry *dir);
/* The peer group families of @net's metrics; nothing without groups. */
void seqstate_peers_metrics(struct seq_file *seq, const struct net *net);

/* The sockets family, whose samples seqstate_peers_samples() prints with @labels first. */
extern const char seqstate_peer_sockets_help[];
void seqstate_peers_samples(struct seq_file *seq, const struct net *net, const char *labels);

#endif /* _SEQSTATE_PEERS_PROC_H */
