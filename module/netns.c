// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace counters and /proc/net/seqstate/.
 *
 * A namespace's counters are found in a resizable hash table of our own (O(1) at any number
 * of namespaces), keyed by the struct net, under RCU: sockets of a dying namespace can still
 * change state after our pernet exit has run (other subsystems' kernel sockets are torn
 * down later), and so can those of namespaces
 * that were already dying when the module was loaded. net_generic() would hand those a
 * stale slot, left by an earlier load of the module or by another module; our hash only
 * ever holds namespaces our init ran for, until our exit. Events of other namespaces are
 * counted host-wide only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/hash.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "counters.h"
#include "isn.h"
#include "listeners.h"
#include "netns.h"
#include "walk.h"

struct seqstate_net_counters {
	struct rhash_head node;
	const struct net *net;
	struct seqstate_counters __percpu *pcpu;
	atomic64_t drift;		/* differences verify found */
	struct seqstate_isn_key __rcu *isn_key;	/* with isn_netns_keys */
	struct seqstate_isn_counts __percpu *isn_answered;	/* module/isn.c */
	struct list_head dead;		/* unlinked, on seqstate_nets_dead until freed */
};

/*
 * The lookup runs for every state change on the host: hash and compare the pointer itself
 * (one multiplication), not its bytes with jhash; that halved the lookup under make bench.
 */
static u32 seqstate_net_hash(const void *key, u32 len, u32 seed)
{
	return hash_64((unsigned long)*(const struct net *const *)key ^ seed, 32);
}

static u32 seqstate_net_obj_hash(const void *obj, u32 len, u32 seed)
{
	return seqstate_net_hash(&((const struct seqstate_net_counters *)obj)->net, len, seed);
}

static int seqstate_net_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	return ((const struct seqstate_net_counters *)obj)->net !=
	       *(const struct net *const *)arg->key;
}

static const struct rhashtable_params seqstate_net_params = {
	.key_len = sizeof(struct net *),
	.key_offset = offsetof(struct seqstate_net_counters, net),
	.head_offset = offsetof(struct seqstate_net_counters, node),
	.hashfn = seqstate_net_hash,
	.obj_hashfn = seqstate_net_obj_hash,
	.obj_cmpfn = seqstate_net_cmp,
	.automatic_shrinking = true,
};

static struct rhashtable seqstate_nets;
static DEFINE_SPINLOCK(seqstate_nets_lock);
static LIST_HEAD(seqstate_nets_dead);
static struct seqstate_counters __percpu *seqstate_host;
static bool seqstate_nets_ready;	/* seqstate_nets is initialised */

/*
 * Caller holds rcu_read_lock() or rcu_read_lock_sched(): what this returns is freed only
 * after synchronize_rcu(), which waits for either.
 */
static struct seqstate_net_counters *seqstate_net_counters(const struct net *net)
{
	/*
	 * The ISN hook may be switched in at load (isn_active=1 rekey_guard_s=0) before
	 * the table exists: no namespace is known yet. Pairs with the release in
	 * seqstate_netns_init().
	 */
	if (!smp_load_acquire(&seqstate_nets_ready))
		return NULL;
	return rhashtable_lookup_fast(&seqstate_nets, &net, seqstate_net_params);
}

/* @net's own ISN key, or NULL. Caller holds rcu_read_lock() or rcu_read_lock_sched(). */
const siphash_key_t *seqstate_netns_isn_key(const struct net *net)
{
	struct seqstate_net_counters *nc = seqstate_net_counters(net);
	struct seqstate_isn_key *k;

	k = nc ? rcu_dereference_check(nc->isn_key, rcu_read_lock_sched_held()) : NULL;

	return k ? &k->key : NULL;
}

/*
 * @net's ISN state in one lookup, for the ISN path: its own key (NULL if none) in *@key, and
 * its counts of ISN calls answered (NULL if @net has none). Caller holds rcu_read_lock() or
 * rcu_read_lock_sched().
 */
struct seqstate_isn_counts __percpu *seqstate_netns_isn(const struct net *net,
							const siphash_key_t **key)
{
	struct seqstate_net_counters *nc = seqstate_net_counters(net);
	struct seqstate_isn_key *k;

	k = nc ? rcu_dereference_check(nc->isn_key, rcu_read_lock_sched_held()) : NULL;
	*key = k ? &k->key : NULL;
	return nc ? nc->isn_answered : NULL;
}

/* Give @net the key @k (which it then owns). Process context: waits for readers. */
int seqstate_netns_set_isn_key(const struct net *net, struct seqstate_isn_key *k)
{
	struct seqstate_net_counters *nc;
	struct seqstate_isn_key *old = NULL;

	spin_lock_bh(&seqstate_nets_lock);
	nc = seqstate_net_counters(net);
	if (nc)
		old = rcu_replace_pointer(nc->isn_key, k, lockdep_is_held(&seqstate_nets_lock));
	spin_unlock_bh(&seqstate_nets_lock);
	if (!nc)
		return -ENOENT;
	if (old) {
		synchronize_rcu();
		seqstate_isn_key_free(old);
	}
	return 0;
}

void seqstate_netns_count(struct net *net, int oldstate, int newstate)
{
	struct seqstate_net_counters *nc;

	seqstate_counters_count(seqstate_host, oldstate, newstate);
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	if (nc)
		seqstate_counters_count(nc->pcpu, oldstate, newstate);
	rcu_read_unlock();
}

int seqstate_read(struct net *net, struct seqstate_snapshot *snap)
{
	struct seqstate_net_counters *nc;
	int err = 0;

	if (!net) {
		seqstate_counters_sum(seqstate_host, snap);
	} else {
		rcu_read_lock();
		nc = seqstate_net_counters(net);
		if (nc)
			seqstate_counters_sum(nc->pcpu, snap);
		else
			err = -ENOENT;
		rcu_read_unlock();
		if (err)
			return err;
	}
	/* Request socks: from the listeners' queues, at read time. */
	snap->halfopen = seqstate_listeners_halfopen(net);
	snap->now[TCP_SYN_RECV] += snap->halfopen;
	return 0;
}
EXPORT_SYMBOL_GPL(seqstate_read);

static struct seqstate_snapshot *seqstate_snapshot_net(struct net *net)
{
	struct seqstate_snapshot *snap = kmalloc(sizeof(*snap), GFP_KERNEL);

	if (snap && seqstate_read(net, snap)) {
		kfree(snap);
		return NULL;
	}
	return snap;
}

static int seqstate_states_show(struct seq_file *seq, void *v)
{
	struct seqstate_snapshot *snap = seqstate_snapshot_net(seq_file_single_net(seq));
	int i, s;

	if (!snap)
		return -ENOMEM;
	seq_printf(seq, "%-12s %12s %20s %20s %12s\n", "state", "now", "entered", "left",
		   "at_load");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		seq_printf(seq, "%-12s %12lld %20llu %20llu %12lld\n", seqstate_state_name(s),
			   snap->now[s], snap->entered[s], snap->left[s], snap->at_load[s]);
	}
	seq_printf(seq, "%-12s %12lld\n", "(half-open)", snap->halfopen);
	kfree(snap);
	return 0;
}

static int seqstate_transitions_show(struct seq_file *seq, void *v)
{
	struct seqstate_snapshot *snap = seqstate_snapshot_net(seq_file_single_net(seq));
	int i, j, from, to;

	if (!snap)
		return -ENOMEM;
	seq_printf(seq, "%-12s %-12s %20s\n", "from", "to", "count");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		from = seqstate_state_order[i];
		for (j = 0; j < SEQSTATE_NR_REPORTED; j++) {
			to = seqstate_state_order[j];
			if (snap->transitions[from][to])
				seq_printf(seq, "%-12s %-12s %20llu\n", seqstate_state_name(from),
					   seqstate_state_name(to), snap->transitions[from][to]);
		}
	}
	kfree(snap);
	return 0;
}

/* Events seqstate could not follow, host-wide (module/counters.h). */
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
	struct seqstate_net_counters *nc;
	int i, j, from, to;
	s64 drift = 0;

	if (!snap)
		return -ENOMEM;
	seqstate_metric_states(seq, "seqstate_tcp_sockets", "gauge",
			       "TCP sockets in each state now, as ss counts them.", NULL,
			       snap->now);
	seq_printf(seq, "# HELP seqstate_tcp_halfopen_sockets Half-open connections (request socks), part of syn_recv.\n"
		   "# TYPE seqstate_tcp_halfopen_sockets gauge\n"
		   "seqstate_tcp_halfopen_sockets %lld\n", snap->halfopen);
	seqstate_metric_states(seq, "seqstate_tcp_state_entered_total", "counter",
			       "Sockets that entered each state.", snap->entered, NULL);
	seqstate_metric_states(seq, "seqstate_tcp_state_left_total", "counter",
			       "Sockets that left each state (CLOSE: never counted).", snap->left,
			       NULL);
	seq_puts(seq, "# HELP seqstate_tcp_transitions_total State changes of TCP sockets.\n"
		      "# TYPE seqstate_tcp_transitions_total counter\n");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		from = seqstate_state_order[i];
		for (j = 0; j < SEQSTATE_NR_REPORTED; j++) {
			to = seqstate_state_order[j];
			if (snap->transitions[from][to])
				seq_printf(seq, "seqstate_tcp_transitions_total{from=\"%s\",to=\"%s\"} %llu\n",
					   seqstate_state_name(from), seqstate_state_name(to),
					   snap->transitions[from][to]);
		}
	}
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	if (nc)
		drift = atomic64_read(&nc->drift);
	rcu_read_unlock();
	seq_printf(seq, "# HELP seqstate_verify_drift_total Gauge values verify found different from the socket tables.\n"
		   "# TYPE seqstate_verify_drift_total counter\n"
		   "seqstate_verify_drift_total %lld\n", drift);
	seq_puts(seq, "# HELP seqstate_missed_events_total Events seqstate could not follow, host-wide; each may leave a gauge off until its sockets are gone.\n"
		      "# TYPE seqstate_missed_events_total counter\n");
	seqstate_show_missed(seq, "seqstate_missed_events_total{event=\"%s\"} %llu\n");
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
	struct seqstate_net_counters *nc;
	struct seqstate_snapshot *snap;
	struct seqstate_walk *w;
	int i, s, diffs = 0;
	s64 tables;

	if (!file_ns_capable(seq->file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	w = kmalloc(sizeof(*w), GFP_KERNEL);
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
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	if (nc)
		atomic64_add(diffs, &nc->drift);
	rcu_read_unlock();
	seqstate_show_missed(seq, "missed %-16s %llu\n");
	seq_printf(seq, "differences %d\n", diffs);
	kfree(snap);
	kfree(w);
	return 0;
}

/* The sockets that were there before us: count them once, from the tables. */
static void seqstate_net_baseline(struct net *net)
{
	struct seqstate_net_counters *nc;
	struct seqstate_walk *w;
	int s;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	seqstate_walk_net(net, w);
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	for (s = 0; s < SEQSTATE_NR_STATES; s++) {
		if (!w->state[s])
			continue;
		seqstate_counters_add(seqstate_host, s, w->state[s]);
		if (nc)
			seqstate_counters_add(nc->pcpu, s, w->state[s]);
	}
	rcu_read_unlock();
	kfree(w);
}

/*
 * Once the probes are attached. Sockets that change state while the walk runs may be
 * counted twice or missed: load under traffic can start with a drift that verify shows.
 */
void seqstate_netns_baseline(void)
{
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		seqstate_net_baseline(net);
	up_read(&net_rwsem);
}

static int __net_init seqstate_net_init(struct net *net)
{
	struct seqstate_net_counters *nc;
	struct proc_dir_entry *dir;
	int err;

	nc = kzalloc(sizeof(*nc), GFP_KERNEL);
	if (!nc)
		return -ENOMEM;
	seqstate_memory_add(sizeof(*nc));
	atomic64_set(&nc->drift, 0);
	nc->pcpu = seqstate_counters_alloc();
	if (!nc->pcpu)
		goto err_free;
	nc->isn_answered = seqstate_isn_counts_alloc();
	if (!nc->isn_answered)
		goto err_free_pcpu;
	if (seqstate_isn_netns_keys()) {
		RCU_INIT_POINTER(nc->isn_key, seqstate_isn_key_new(NULL));
		if (!rcu_access_pointer(nc->isn_key))
			goto err_free_pcpu;
	}

	dir = proc_net_mkdir(net, "seqstate", net->proc_net);
	if (!dir)
		goto err_free_pcpu;
	if (!proc_create_net_single("states", 0444, dir, seqstate_states_show, NULL) ||
	    !proc_create_net_single("transitions", 0444, dir, seqstate_transitions_show, NULL) ||
	    !proc_create_net_single("metrics", 0444, dir, seqstate_metrics_show, NULL) ||
	    !proc_create_net_single("verify", 0400, dir, seqstate_verify_show, NULL) ||
	    seqstate_isn_proc_create(dir))
		goto err_remove;

	nc->net = net;
	spin_lock_bh(&seqstate_nets_lock);
	err = rhashtable_insert_fast(&seqstate_nets, &nc->node, seqstate_net_params);
	spin_unlock_bh(&seqstate_nets_lock);
	if (err)
		goto err_remove;
	return 0;

err_remove:
	remove_proc_subtree("seqstate", net->proc_net);
err_free_pcpu:
	seqstate_isn_key_free(rcu_dereference_protected(nc->isn_key, 1));
	seqstate_isn_counts_free(nc->isn_answered);
	seqstate_counters_free(nc->pcpu);
err_free:
	kfree(nc);
	seqstate_memory_add(-(long)sizeof(*nc));
	return -ENOMEM;
}

/*
 * A namespace goes in two steps: pre_exit unlinks its counters, the core waits for an RCU
 * grace period (as it does between the two steps, for dying namespaces and for our
 * unregistration alike), exit frees them. No RCU callback of ours can outlive the module.
 */
static void __net_exit seqstate_net_pre_exit(struct net *net)
{
	struct seqstate_net_counters *nc;

	remove_proc_subtree("seqstate", net->proc_net);
	spin_lock_bh(&seqstate_nets_lock);
	nc = seqstate_net_counters(net);
	if (nc) {
		rhashtable_remove_fast(&seqstate_nets, &nc->node, seqstate_net_params);
		list_add(&nc->dead, &seqstate_nets_dead);
	}
	spin_unlock_bh(&seqstate_nets_lock);
}

static void __net_exit seqstate_net_exit(struct net *net)
{
	struct seqstate_net_counters *nc, *found = NULL;

	spin_lock_bh(&seqstate_nets_lock);
	list_for_each_entry(nc, &seqstate_nets_dead, dead) {
		if (nc->net == net) {
			list_del(&nc->dead);
			found = nc;
			break;
		}
	}
	spin_unlock_bh(&seqstate_nets_lock);
	nc = found;
	if (!nc)
		return;
	seqstate_isn_key_free(rcu_dereference_protected(nc->isn_key, 1));
	seqstate_isn_counts_free(nc->isn_answered);
	seqstate_counters_free(nc->pcpu);
	kfree(nc);
	seqstate_memory_add(-(long)sizeof(*nc));
}

static struct pernet_operations seqstate_net_ops = {
	.init = seqstate_net_init,
	.pre_exit = seqstate_net_pre_exit,
	.exit = seqstate_net_exit,
};

int seqstate_netns_init(void)
{
	int err;

	err = rhashtable_init(&seqstate_nets, &seqstate_net_params);
	if (err)
		return err;
	/* The table is initialised before anyone looks: see seqstate_net_counters(). */
	smp_store_release(&seqstate_nets_ready, true);
	seqstate_host = seqstate_counters_alloc();
	if (!seqstate_host) {
		err = -ENOMEM;
		goto err_destroy;
	}
	err = register_pernet_subsys(&seqstate_net_ops);
	if (err)
		goto err_free;
	return 0;

err_free:
	seqstate_counters_free(seqstate_host);
err_destroy:
	WRITE_ONCE(seqstate_nets_ready, false);
	synchronize_rcu();	/* an ISN being made may have found the table */
	rhashtable_destroy(&seqstate_nets);
	return err;
}

/* Only once the probe is gone: nothing can count any more. */
void seqstate_netns_exit(void)
{
	unregister_pernet_subsys(&seqstate_net_ops);
	seqstate_counters_free(seqstate_host);
	rhashtable_destroy(&seqstate_nets);
}
