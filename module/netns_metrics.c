// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/netns_metrics: every namespace's gauges in one read, each sample
 * labelled netns="<inode>" (as lsns -t net and ip netns identify show it), for the host's
 * root only. It lives in the initial namespace's /proc/net/seqstate/, not in sysfs, whose
 * one value per file does not fit a table larger than a page that must be read whole.
 *
 * The namespaces are taken when a read starts at the beginning, each with a reference and
 * its counts, and let go when it reaches the end; the text format wants each family's
 * samples together, so the file goes family by family and, within one, namespace by
 * namespace (sorted by inode). A namespace that dies meanwhile keeps its place in this
 * read and is gone from the next; none shows twice.
 */
#include <linux/capability.h>
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>	/* net_rwsem */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/net_namespace.h>
#include <seqstate/seqstate.h>
#include "cgroups.h"
#include "cgroups_proc.h"
#include "counters.h"
#include "netns_metrics.h"
#include "peers.h"
#include "peers_proc.h"
#include "ports.h"
#include "ports_proc.h"

struct seqstate_view_net {
	struct net *net;		/* held */
	unsigned int inum;
	char labels[24];		/* netns="<inum>", */
	struct seqstate_snapshot snap;
};

struct seqstate_view {
	int n;
	struct seqstate_view_net *nets;
};

enum {
	SEQSTATE_VIEW_SOCKETS,
	SEQSTATE_VIEW_HALFOPEN,
	SEQSTATE_VIEW_MAX_TW,
	SEQSTATE_VIEW_ENTERED,
	SEQSTATE_VIEW_CGROUPS,
	SEQSTATE_VIEW_PORTS,
	SEQSTATE_VIEW_PEERS,
	SEQSTATE_VIEW_FAMILIES
};

static const char *const seqstate_view_help[SEQSTATE_VIEW_FAMILIES] = {
	[SEQSTATE_VIEW_SOCKETS] =
		"# HELP seqstate_tcp_sockets TCP sockets in each state now, as ss counts them.\n"
		"# TYPE seqstate_tcp_sockets gauge\n",
	[SEQSTATE_VIEW_HALFOPEN] =
		"# HELP seqstate_tcp_halfopen_sockets Half-open connections (request socks), part of syn_recv.\n"
		"# TYPE seqstate_tcp_halfopen_sockets gauge\n",
	[SEQSTATE_VIEW_MAX_TW] =
		"# HELP seqstate_tcp_max_tw_buckets net.ipv4.tcp_max_tw_buckets: TIME-WAIT sockets beyond it are not made.\n"
		"# TYPE seqstate_tcp_max_tw_buckets gauge\n",
	[SEQSTATE_VIEW_ENTERED] =
		"# HELP seqstate_tcp_state_entered_total Sockets that entered each state.\n"
		"# TYPE seqstate_tcp_state_entered_total counter\n",
	[SEQSTATE_VIEW_CGROUPS] = seqstate_cgroup_sockets_help,
	[SEQSTATE_VIEW_PORTS] = seqstate_port_sockets_help,
	[SEQSTATE_VIEW_PEERS] = seqstate_peer_sockets_help,
};

static bool seqstate_view_family_on(int f)
{
	switch (f) {
	case SEQSTATE_VIEW_CGROUPS:
		return seqstate_cgroups_on();
	case SEQSTATE_VIEW_PORTS:
		return seqstate_ports_on();
	case SEQSTATE_VIEW_PEERS:
		return seqstate_peers_on();
	default:
		return true;
	}
}

static int seqstate_view_cmp(const void *a, const void *b)
{
	const struct seqstate_view_net *x = a, *y = b;

	return x->inum < y->inum ? -1 : x->inum > y->inum;
}

static void seqstate_view_free(struct seqstate_view *v)
{
	while (v->n--)
		put_net(v->nets[v->n].net);
	kvfree(v->nets);
	v->nets = NULL;
	v->n = 0;
}

/* Every live namespace, held, with its counts now. */
static int seqstate_view_take(struct seqstate_view *v)
{
	struct seqstate_view_net *vn;
	struct net *net;
	int max = 0, n = 0, i;

	v->n = 0;

	down_read(&net_rwsem);
	for_each_net(net)
		max++;
	v->nets = kvcalloc(max, sizeof(*v->nets), GFP_KERNEL);
	if (v->nets) {
		for_each_net(net) {
			if (n == max)
				break;
			v->nets[n].net = maybe_get_net(net);
			if (v->nets[n].net)
				n++;
		}
	}
	up_read(&net_rwsem);
	if (!v->nets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		vn = &v->nets[v->n];
		*vn = v->nets[i];
		/* Not counted (going since): not shown. */
		if (seqstate_read(vn->net, &vn->snap)) {
			put_net(vn->net);
			continue;
		}
		vn->inum = vn->net->ns.inum;
		snprintf(vn->labels, sizeof(vn->labels), "netns=\"%u\",", vn->inum);
		v->n++;
	}
	sort(v->nets, v->n, sizeof(*v->nets), seqstate_view_cmp, NULL);
	return 0;
}

/* Item @pos: family pos / n, namespace pos % n; the families that are off are skipped. */
static void *seqstate_view_item(struct seq_file *seq, loff_t pos)
{
	struct seqstate_view *v = seq->private;

	if (!v->n || pos >= (loff_t)v->n * SEQSTATE_VIEW_FAMILIES)
		return NULL;
	return (void *)(uintptr_t)(pos + 1);
}

static void *seqstate_view_start(struct seq_file *seq, loff_t *pos)
{
	struct seqstate_view *v = seq->private;

	if (!*pos) {
		seqstate_view_free(v);
		if (seqstate_view_take(v)) {
			seqstate_view_free(v);
			return ERR_PTR(-ENOMEM);
		}
	}
	return seqstate_view_item(seq, *pos);
}

static void *seqstate_view_next(struct seq_file *seq, void *it, loff_t *pos)
{
	void *next = seqstate_view_item(seq, ++*pos);

	/* The end: nothing held while the file stays open. */
	if (!next)
		seqstate_view_free(seq->private);
	return next;
}

static void seqstate_view_stop(struct seq_file *seq, void *it)
{
}

static int seqstate_view_show(struct seq_file *seq, void *it)
{
	struct seqstate_view *v = seq->private;
	loff_t pos = (uintptr_t)it - 1;
	int f = pos / v->n, i, s;
	struct seqstate_view_net *vn = &v->nets[pos % v->n];

	if (!seqstate_view_family_on(f))
		return 0;
	if (vn == v->nets)
		seq_puts(seq, seqstate_view_help[f]);
	switch (f) {
	case SEQSTATE_VIEW_SOCKETS:
	case SEQSTATE_VIEW_ENTERED:
		for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
			s = seqstate_state_order[i];
			if (f == SEQSTATE_VIEW_SOCKETS)
				seq_printf(seq, "seqstate_tcp_sockets{%sstate=\"%s\"} %lld\n",
					   vn->labels, seqstate_state_name(s), vn->snap.now[s]);
			else
				seq_printf(seq, "seqstate_tcp_state_entered_total{%sstate=\"%s\"} %llu\n",
					   vn->labels, seqstate_state_name(s), vn->snap.entered[s]);
		}
		break;
	case SEQSTATE_VIEW_HALFOPEN:
		/* Without its trailing comma, the only label. */
		seq_printf(seq, "seqstate_tcp_halfopen_sockets{netns=\"%u\"} %lld\n", vn->inum,
			   vn->snap.halfopen);
		break;
	case SEQSTATE_VIEW_MAX_TW:
		seq_printf(seq, "seqstate_tcp_max_tw_buckets{netns=\"%u\"} %d\n", vn->inum,
			   READ_ONCE(vn->net->ipv4.tcp_death_row.sysctl_max_tw_buckets));
		break;
	case SEQSTATE_VIEW_CGROUPS:
		seqstate_cgroups_samples(seq, vn->net, vn->labels);
		break;
	case SEQSTATE_VIEW_PORTS:
		seqstate_ports_samples(seq, vn->net, vn->labels);
		break;
	case SEQSTATE_VIEW_PEERS:
		seqstate_peers_samples(seq, vn->net, vn->labels);
		break;
	}
	return 0;
}

static const struct seq_operations seqstate_view_ops = {
	.start = seqstate_view_start,
	.next = seqstate_view_next,
	.stop = seqstate_view_stop,
	.show = seqstate_view_show,
};

static int seqstate_view_open(struct inode *inode, struct file *file)
{
	/* As verify: the host's root, whoever owns the namespace the file was opened in. */
	if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return __seq_open_private(file, &seqstate_view_ops, sizeof(struct seqstate_view)) ?
	       0 : -ENOMEM;
}

static int seqstate_view_release(struct inode *inode, struct file *file)
{
	seqstate_view_free(((struct seq_file *)file->private_data)->private);
	return seq_release_private(inode, file);
}

static const struct proc_ops seqstate_view_proc_ops = {
	.proc_open = seqstate_view_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seqstate_view_release,
};

int seqstate_netns_metrics_create(struct proc_dir_entry *dir)
{
	return proc_create("netns_metrics", 0400, dir, &seqstate_view_proc_ops) ? 0 : -ENOMEM;
}
