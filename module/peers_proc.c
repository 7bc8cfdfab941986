// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/peer_groups (the groups: read as written, written by the namespace's
 * root to replace them), /proc/net/seqstate/peers (a row per group, with the generation of
 * the set) and the peer families of the metrics file.
 */
#include <linux/capability.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "counters.h"
#include "netns.h"
#include "peers.h"
#include "peers_proc.h"
#include "tallies.h"

const char seqstate_peer_sockets_help[] =
	"# HELP seqstate_tcp_peer_sockets TCP sockets in each state now, by the peer group their remote end matches.\n"
	"# TYPE seqstate_tcp_peer_sockets gauge\n";

static int seqstate_peer_groups_show(struct seq_file *seq, void *v)
{
	struct seqstate_peers *p = seqstate_netns_peers(seq_file_single_net(seq));

	if (p)
		seqstate_peers_show_groups(seq, p);
	return 0;
}

static int seqstate_peer_groups_write(struct file *file, char *buf, size_t len)
{
	struct net *net = seq_file_single_net(file->private_data);
	struct seqstate_peers *p = seqstate_netns_peers(net);

	if (!file_ns_capable(file, net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (!p)
		return -ENOENT;
	return seqstate_peers_replace(net, p, buf, len);
}

static int seqstate_peers_show(struct seq_file *seq, void *v)
{
	struct seqstate_peers *p = seqstate_netns_peers(seq_file_single_net(seq));
	struct seqstate_peers_snapshot *snap = p ? seqstate_peers_read(p) : NULL;
	int r, i;

	seq_printf(seq, "gen %u\n%-32s", snap ? snap->gen : 0, "group");
	for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
		seq_printf(seq, " %11s", seqstate_state_name(seqstate_tally_states[i]));
	seq_putc(seq, '\n');
	for (r = 0; snap && r < snap->n; r++) {
		seq_printf(seq, "%-32s", snap->rows[r].name);
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
			seq_printf(seq, " %11lld", snap->rows[r].now[seqstate_tally_states[i]]);
		seq_putc(seq, '\n');
	}
	kvfree(snap);
	return 0;
}

static void seqstate_peer_sockets(struct seq_file *seq, const char *labels,
				  const struct seqstate_peers_snapshot *snap)
{
	const struct seqstate_peer_row *row;
	int i, s;

	for (row = snap->rows; row < snap->rows + snap->n; row++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seq_printf(seq, "seqstate_tcp_peer_sockets{%speer=\"%s\",state=\"%s\"} %lld\n",
				   labels, row->name, seqstate_state_name(s), row->now[s]);
		}
}

void seqstate_peers_samples(struct seq_file *seq, const struct net *net, const char *labels)
{
	struct seqstate_peers *p = seqstate_netns_peers(net);
	struct seqstate_peers_snapshot *snap = p ? seqstate_peers_read(p) : NULL;

	if (snap)
		seqstate_peer_sockets(seq, labels, snap);
	kvfree(snap);
}

void seqstate_peers_metrics(struct seq_file *seq, const struct net *net)
{
	struct seqstate_peers *p = seqstate_netns_peers(net);
	struct seqstate_peers_snapshot *snap = p ? seqstate_peers_read(p) : NULL;
	const struct seqstate_peer_row *row;
	const char *name;
	int i, s;

	if (!snap)
		return;
	seq_puts(seq, seqstate_peer_sockets_help);
	seqstate_peer_sockets(seq, "", snap);
	name = "seqstate_tcp_peer_state_entered_total";
	seq_printf(seq, "# HELP %s Sockets that entered each state, by peer group, since the groups were set.\n"
		   "# TYPE %s counter\n", name, name);
	for (row = snap->rows; row < snap->rows + snap->n; row++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seq_printf(seq, "%s{peer=\"%s\",state=\"%s\"} %llu\n", name, row->name,
				   seqstate_state_name(s), row->entered[s]);
		}
	kvfree(snap);
}

int seqstate_peers_proc_create(struct proc_dir_entry *dir)
{
	if (!seqstate_peers_on())
		return 0;
	if (!proc_create_net_single_write("peer_groups", 0644, dir, seqstate_peer_groups_show,
					  seqstate_peer_groups_write, NULL) ||
	    !proc_create_net_single("peers", 0444, dir, seqstate_peers_show, NULL))
		return -ENOMEM;
	return 0;
}
