// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/, per network namespace: states, transitions, metrics (Prometheus)
 * and verify here; durations in durations_proc.c, isn and query in isn_proc.c. Renders
 * what netns.c counts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/time64.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <seqstate/seqstate.h>
#include "cgroups.h"
#include "cgroups_proc.h"
#include "counters.h"
#include "durations.h"
#include "durations_proc.h"
#include "isn_proc.h"
#include "netns.h"
#include "netns_metrics.h"
#include "peers_proc.h"
#include "ports.h"
#include "ports_proc.h"
#include "proc.h"
#include "records.h"
#include "walk.h"

/* @net's counts now, or NULL: no memory, or @net is no longer counted. */
static struct seqstate_snapshot *seqstate_snapshot_net(struct net *net)
{
	struct seqstate_snapshot *snap = kmalloc(sizeof(*snap), GFP_KERNEL);

	if (snap && seqstate_read(net, snap)) {
		kfree(snap);
		return NULL;
	}
	return snap;
}

/* The age of @d's oldest socket in @state, in ms, or "-": durations=0 or no memory. */
static void seqstate_show_oldest(struct seq_file *seq,
				 const struct seqstate_durations_snapshot *d, int state)
{
	if (d && state != TCP_CLOSE)
		seq_printf(seq, " %14llu\n", div_u64(d->oldest_ns[state], NSEC_PER_MSEC));
	else
		seq_printf(seq, " %14s\n", "-");
}

static int seqstate_states_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct seqstate_snapshot *snap = seqstate_snapshot_net(net);
	struct seqstate_durations_snapshot *d;
	int i, s;

	if (!snap)
		return -ENOMEM;
	d = seqstate_durations_get(net);
	seq_printf(seq, "%-12s %12s %20s %20s %12s %14s\n", "state", "now", "entered", "left",
		   "at_load", "oldest_age_ms");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		seq_printf(seq, "%-12s %12lld %20llu %20llu %12lld", seqstate_state_name(s),
			   snap->now[s], snap->entered[s], snap->left[s], snap->at_load[s]);
		seqstate_show_oldest(seq, d, s);
	}
	seq_printf(seq, "%-12s %12lld\n", "(half-open)", snap->halfopen);
	kfree(d);
	kfree(snap);
	return 0;
}

/* Every transition seen, in state order, as @fmt (from, to, count). */
static void seqstate_show_transitions(struct seq_file *seq, const struct seqstate_snapshot *snap,
				      const char *fmt)
{
	int i, j, from, to;

	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		from = seqstate_state_order[i];
		for (j = 0; j < SEQSTATE_NR_REPORTED; j++) {
			to = seqstate_state_order[j];
			if (snap->transitions[from][to])
				seq_printf(seq, fmt, seqstate_state_name(from),
					   seqstate_state_name(to), snap->transitions[from][to]);
		}
	}
}

static int seqstate_transitions_show(struct seq_file *seq, void *v)
{
	struct seqstate_snapshot *snap = seqstate_snapshot_net(seq_file_single_net(seq));

	if (!snap)
		return -ENOMEM;
	seq_printf(seq, "%-12s %-12s %20s\n", "from", "to", "count");
	seqstate_show_transitions(seq, snap, "%-12s %-12s %20llu\n");
	kfree(snap);
	return 0;
}

/* Events seqstate could not follow, host-wide (counters.h). */
static void seqstate_show_missed(struct seq_file *seq, const char *fmt)
{
	int i;

	for (i = 0; i < SEQSTATE_NR_MISS; i++)
		seq_printf(seq, fmt, seqstate_miss_name(i), seqstate_missed(i));
}

/* One Prometheus metric family with a sample per state: @counts, or @gauges if given. */
static void seqstate_metric_states(struct seq_file *seq, const char *name, const char *type,
				   const char *help, const u64 *counts, const s64 *gauges)
{
	int i, s;

	seq_printf(seq, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		if (gauges)
			seq_printf(seq, "%s{state=\"%s\"} %lld\n", name, seqstate_state_name(s),
				   gauges[s]);
		else
			seq_printf(seq, "%s{state=\"%s\"} %llu\n", name, seqstate_state_name(s),
				   counts[s]);
	}
}

/* Prometheus text exposition format, version 0.0.4. */
static int seqstate_metrics_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct seqstate_snapshot *snap = seqstate_snapshot_net(net);
	struct seqstate_durations_snapshot *d;

	if (!snap)
		return -ENOMEM;
	seqstate_metric_states(seq, "seqstate_tcp_sockets", "gauge",
			       "TCP sockets in each state now, as ss counts them.", NULL,
			       snap->now);
	seq_printf(seq, "# HELP seqstate_tcp_halfopen_sockets Half-open connections (request socks), part of syn_recv.\n"
		   "# TYPE seqstate_tcp_halfopen_sockets gauge\n"
		   "seqstate_tcp_halfopen_sockets %lld\n", snap->halfopen);
	seq_printf(seq, "# HELP seqstate_tcp_max_tw_buckets net.ipv4.tcp_max_tw_buckets: TIME-WAIT sockets beyond it are not made.\n"
		   "# TYPE seqstate_tcp_max_tw_buckets gauge\n"
		   "seqstate_tcp_max_tw_buckets %d\n",
		   READ_ONCE(net->ipv4.tcp_death_row.sysctl_max_tw_buckets));
	seqstate_metric_states(seq, "seqstate_tcp_state_entered_total", "counter",
			       "Sockets that entered each state.", snap->entered, NULL);
	seqstate_metric_states(seq, "seqstate_tcp_state_left_total", "counter",
			       "Sockets that left each state (CLOSE: never counted).", snap->left,
			       NULL);
	seq_puts(seq, "# HELP seqstate_tcp_transitions_total State changes of TCP sockets.\n"
		      "# TYPE seqstate_tcp_transitions_total counter\n");
	seqstate_show_transitions(seq, snap,
				  "seqstate_tcp_transitions_total{from=\"%s\",to=\"%s\"} %llu\n");
	seq_printf(seq, "# HELP seqstate_verify_drift_total Gauge values verify found different from the socket tables.\n"
		   "# TYPE seqstate_verify_drift_total counter\n"
		   "seqstate_verify_drift_total %lld\n", seqstate_netns_drift_add(net, 0));
	seq_puts(seq, "# HELP seqstate_missed_events_total Events seqstate could not follow, host-wide; each may leave a gauge off until its sockets are gone.\n"
		      "# TYPE seqstate_missed_events_total counter\n");
	seqstate_show_missed(seq, "seqstate_missed_events_total{event=\"%s\"} %llu\n");
	d = seqstate_durations_get(net);
	if (d)
		seqstate_durations_metrics(seq, d);
	kfree(d);
	seqstate_cgroups_metrics(seq, net);
	seqstate_ports_metrics(seq, net);
	seqstate_peers_metrics(seq, net);
	kfree(snap);
	return 0;
}

/* One walk of the tables at a time, host-wide: each costs O(sockets). */
static DEFINE_MUTEX(seqstate_verify_lock);

/*
 * Host root only (CAP_NET_ADMIN in the initial user namespace, whoever owns the network
 * namespace): walk this namespace's socket tables as ss does, compare with the gauges,
 * and count every state that differs as drift. Meaningful while traffic is quiescent.
 */
static int seqstate_verify_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct seqstate_snapshot *snap;
	struct seqstate_walk *w;
	int i, s, diffs = 0;
	s64 tables;

	if (!file_ns_capable(seq->file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (mutex_lock_killable(&seqstate_verify_lock)) {
		kfree(w);
		return -EINTR;
	}
	seqstate_walk_net(net, w);
	mutex_unlock(&seqstate_verify_lock);
	snap = seqstate_snapshot_net(net);
	if (!snap) {
		kfree(w);
		return -ENOMEM;
	}
	seq_printf(seq, "%-12s %12s %12s\n", "state", "gauge", "tables");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		tables = w->state[s] + (s == TCP_SYN_RECV ? w->halfopen : 0);
		seq_printf(seq, "%-12s %12lld %12lld%s\n", seqstate_state_name(s), snap->now[s],
			   tables, snap->now[s] == tables ? "" : "  differs");
		diffs += snap->now[s] != tables;
	}
	seq_printf(seq, "%-12s %12lld %12lld%s\n", "(half-open)", snap->halfopen, w->halfopen,
		   snap->halfopen == w->halfopen ? "" : "  differs");
	diffs += snap->halfopen != w->halfopen;
	seqstate_netns_drift_add(net, diffs);
	seqstate_show_missed(seq, "missed %-16s %llu\n");
	seq_printf(seq, "differences %d\n", diffs);
	kfree(snap);
	kfree(w);
	return 0;
}

static int __net_init seqstate_proc_init_net(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "seqstate", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_net_single("states", 0444, dir, seqstate_states_show, NULL) ||
	    !proc_create_net_single("transitions", 0444, dir, seqstate_transitions_show, NULL) ||
	    !proc_create_net_single("metrics", 0444, dir, seqstate_metrics_show, NULL) ||
	    !proc_create_net_single("verify", 0400, dir, seqstate_verify_show, NULL) ||
	    (seqstate_timing_on() &&
	     !proc_create_net_single("durations", 0444, dir, seqstate_durations_proc_show,
				     NULL)) ||
	    (seqstate_cgroups_on() &&
	     !proc_create_net_single("cgroups", 0444, dir, seqstate_cgroups_proc_show, NULL)) ||
	    (seqstate_ports_on() &&
	     !proc_create_net_single("ports", 0444, dir, seqstate_ports_proc_show, NULL)) ||
	    seqstate_peers_proc_create(dir) || seqstate_isn_proc_create(dir) ||
	    (net_eq(net, &init_net) && seqstate_netns_metrics_create(dir))) {
		remove_proc_subtree("seqstate", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

/* Before netns.c's pre_exit: no file outlives what it reads. */
static void __net_exit seqstate_proc_pre_exit_net(struct net *net)
{
	remove_proc_subtree("seqstate", net->proc_net);
}

/* Registered after netns.c's operations, so a namespace's files come after its counters. */
static struct pernet_operations seqstate_proc_ops = {
	.init = seqstate_proc_init_net,
	.pre_exit = seqstate_proc_pre_exit_net,
};

int seqstate_proc_init(void)
{
	return register_pernet_subsys(&seqstate_proc_ops);
}

void seqstate_proc_exit(void)
{
	unregister_pernet_subsys(&seqstate_proc_ops);
}
