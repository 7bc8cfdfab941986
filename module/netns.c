// SPDX-License-Identifier: GPL-2.0
/*
 * What seqstate keeps for each network namespace (struct seqstate_netns: its state
 * counters, its ISN key and counts, the drift verify found) and for the host, and the
 * pernet operations that make and free them. proc.c renders them.
 *
 * A namespace's entry is found in a resizable hash table of our own (O(1) at any number of
 * namespaces), keyed by the struct net, under RCU: sockets of a dying namespace can still
 * change state after our pernet exit has run (other subsystems' kernel sockets are torn
 * down later), and so can those of namespaces that were already dying when the module was
 * loaded. net_generic() would hand those a stale slot, left by an earlier load of the
 * module or by another module; our hash only ever holds namespaces our init ran for, until
 * our exit. Events of other namespaces are counted host-wide only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/hash.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>	/* net_rwsem */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <seqstate/seqstate.h>
#include "cgroups.h"
#include "counters.h"
#include "isn_key.h"
#include "listeners.h"
#include "netns.h"
#include "peers.h"
#include "ports.h"
#include "records.h"
#include "walk.h"

struct seqstate_netns {
	struct rhash_head node;		/* in seqstate_nets, by net */
	const struct net *net;
	struct seqstate_counters __percpu *counters;
	atomic64_t drift;		/* differences verify found */
	struct seqstate_isn_key __rcu *isn_key;	/* with isn_netns_keys */
	struct seqstate_isn_counts __percpu *isn_answered;
	struct seqstate_timing timing;	/* with durations=1 */
	struct seqstate_peers peers;	/* its peer groups */
	struct list_head dead;		/* unlinked, on seqstate_nets_dead until freed */
};

/*
 * The lookup runs for every state change on the host: hash and compare the pointer itself
 * (one multiplication), not its bytes with jhash; that halved the lookup under make bench.
 */
static u32 seqstate_netns_hash(const void *key, u32 len, u32 seed)
{
	return hash_64((unsigned long)*(const struct net *const *)key ^ seed, 32);
}

static u32 seqstate_netns_obj_hash(const void *obj, u32 len, u32 seed)
{
	return seqstate_netns_hash(&((const struct seqstate_netns *)obj)->net, len, seed);
}

static int seqstate_netns_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	return ((const struct seqstate_netns *)obj)->net != *(const struct net *const *)arg->key;
}

static const struct rhashtable_params seqstate_netns_params = {
	.key_len = sizeof(struct net *),
	.key_offset = offsetof(struct seqstate_netns, net),
	.head_offset = offsetof(struct seqstate_netns, node),
	.hashfn = seqstate_netns_hash,
	.obj_hashfn = seqstate_netns_obj_hash,
	.obj_cmpfn = seqstate_netns_cmp,
	.automatic_shrinking = true,
};

/* The table exists from seqstate_netns_init() to seqstate_netns_exit(): see main.c. */
static struct rhashtable seqstate_nets;
static DEFINE_SPINLOCK(seqstate_nets_lock);	/* adding, unlinking, replacing a key */
static LIST_HEAD(seqstate_nets_dead);
static struct seqstate_counters __percpu *seqstate_host;

/* What this returns is freed only after synchronize_rcu(), which waits for either reader. */
static struct seqstate_netns *seqstate_netns_find(const struct net *net)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held() && !lockdep_is_held(&seqstate_nets_lock),
			 "seqstate: namespace lookup outside RCU");
	return rhashtable_lookup_fast(&seqstate_nets, &net, seqstate_netns_params);
}

void seqstate_netns_isn(const struct net *net, const siphash_key_t **key,
			struct seqstate_isn_counts __percpu **counts)
{
	struct seqstate_netns *sn = seqstate_netns_find(net);
	struct seqstate_isn_key *k;

	k = sn ? rcu_dereference_check(sn->isn_key, rcu_read_lock_sched_held()) : NULL;
	*key = k ? &k->key : NULL;
	*counts = sn ? sn->isn_answered : NULL;
}

/* @net's own ISN key, or NULL. Caller holds rcu_read_lock[_sched](). */
const siphash_key_t *seqstate_netns_isn_key(const struct net *net)
{
	struct seqstate_isn_counts __percpu *counts;
	const siphash_key_t *key;

	seqstate_netns_isn(net, &key, &counts);
	return key;
}

int seqstate_netns_set_isn_key(const struct net *net, struct seqstate_isn_key *k)
{
	struct seqstate_isn_key *old = NULL;
	struct seqstate_netns *sn;

	might_sleep();
	spin_lock_bh(&seqstate_nets_lock);
	sn = seqstate_netns_find(net);
	if (sn)
		old = rcu_replace_pointer(sn->isn_key, k, lockdep_is_held(&seqstate_nets_lock));
	spin_unlock_bh(&seqstate_nets_lock);
	if (!sn)
		return -ENOENT;
	if (old) {
		synchronize_rcu();
		seqstate_isn_key_free(old);
	}
	return 0;
}

/* @net's timing, or NULL. Caller holds rcu_read_lock(). */
static struct seqstate_timing *seqstate_netns_timing(struct seqstate_netns *sn)
{
	return sn && sn->timing.durations ? &sn->timing : NULL;
}

void seqstate_netns_count(struct net *net, const void *sk, int oldstate, int newstate)
{
	struct seqstate_netns *sn;

	seqstate_counters_count(seqstate_host, oldstate, newstate);
	rcu_read_lock();
	sn = seqstate_netns_find(net);
	if (sn)
		seqstate_counters_count(sn->counters, oldstate, newstate);
	/*
	 * In the same read section: a namespace's exit finds every record it holds, and no
	 * cgroup entry is made for it after its exit.
	 */
	if (sk && seqstate_records_on() && seqstate_state_name(oldstate) &&
	    seqstate_state_name(newstate))
		seqstate_records_change(sk, sn ? net : NULL, seqstate_netns_timing(sn),
					sn ? &sn->peers : NULL, oldstate, newstate);
	rcu_read_unlock();
}

void seqstate_netns_timewait_born(struct net *net, const void *sk, const void *tw,
				  int oldstate, int newstate)
{
	struct seqstate_netns *sn;

	if (!seqstate_state_name(oldstate) || !seqstate_state_name(newstate))
		return;
	rcu_read_lock();
	sn = seqstate_netns_find(net);
	seqstate_records_move(sk, tw, sn ? net : NULL, seqstate_netns_timing(sn),
			      sn ? &sn->peers : NULL, oldstate, newstate);
	rcu_read_unlock();
}

struct seqstate_peers *seqstate_netns_peers(const struct net *net)
{
	struct seqstate_netns *sn;

	rcu_read_lock();
	sn = seqstate_netns_find(net);
	rcu_read_unlock();
	return sn ? &sn->peers : NULL;
}

int seqstate_read_durations(struct net *net, struct seqstate_durations_snapshot *snap)
{
	struct seqstate_timing *t = NULL;
	struct seqstate_netns *sn;

	if (!seqstate_timing_on())
		return -ENODATA;
	if (!net) {
		seqstate_timing_read(seqstate_host_timing(), snap);
		return 0;
	}
	/* The namespace's entry outlives this: it goes only after its files (proc.c). */
	rcu_read_lock();
	sn = seqstate_netns_find(net);
	t = seqstate_netns_timing(sn);
	rcu_read_unlock();
	if (!t)
		return -ENOENT;
	seqstate_timing_read(t, snap);
	return 0;
}

s64 seqstate_netns_drift_add(const struct net *net, int diffs)
{
	struct seqstate_netns *sn;
	s64 drift = 0;

	rcu_read_lock();
	sn = seqstate_netns_find(net);
	if (sn)
		drift = atomic64_add_return(diffs, &sn->drift);
	rcu_read_unlock();
	return drift;
}

int seqstate_read(struct net *net, struct seqstate_snapshot *snap)
{
	struct seqstate_netns *sn;
	int err = 0;

	if (!net) {
		seqstate_counters_sum(seqstate_host, snap);
	} else {
		rcu_read_lock();
		sn = seqstate_netns_find(net);
		if (sn)
			seqstate_counters_sum(sn->counters, snap);
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

static void seqstate_netns_found(const struct seqstate_walk *w, const struct sock *sk,
				 int state)
{
	seqstate_records_found(sk, w->counted, w->timing, state);
}

/* The sockets that were there before us: count them once, from the tables. */
static void seqstate_count_existing(struct net *net)
{
	struct seqstate_netns *sn;
	struct seqstate_walk *w;
	int s;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	rcu_read_lock();
	sn = seqstate_netns_find(net);
	rcu_read_unlock();
	/* @net is on the list of namespaces: its entry stays while we hold net_rwsem. */
	if (seqstate_records_on()) {
		w->found = seqstate_netns_found;
		w->timing = seqstate_netns_timing(sn);
		w->counted = sn ? net : NULL;
	}
	seqstate_walk_net(net, w);
	rcu_read_lock();
	for (s = 0; s < SEQSTATE_NR_STATES; s++) {
		if (!w->state[s])
			continue;
		seqstate_counters_add(seqstate_host, s, w->state[s]);
		if (sn)
			seqstate_counters_add(sn->counters, s, w->state[s]);
	}
	rcu_read_unlock();
	kfree(w);
}

/*
 * Sockets that change state while the walk runs may be counted twice or missed: load under
 * traffic can start with a drift that verify shows.
 */
void seqstate_netns_baseline(void)
{
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		seqstate_count_existing(net);
	up_read(&net_rwsem);
}

static void seqstate_netns_free(struct seqstate_netns *sn)
{
	seqstate_isn_key_free(rcu_dereference_protected(sn->isn_key, 1));
	seqstate_isn_counts_free(sn->isn_answered);
	if (sn->timing.durations) {
		seqstate_records_forget(&sn->timing);
		seqstate_timing_free(&sn->timing);
	}
	seqstate_counters_free(sn->counters);
	seqstate_peers_netns_exit(&sn->peers);
	kfree(sn);
	seqstate_memory_add(-(long)sizeof(*sn));
}

static int __net_init seqstate_netns_init_net(struct net *net)
{
	struct seqstate_netns *sn;
	int err;

	sn = kzalloc(sizeof(*sn), GFP_KERNEL);
	if (!sn)
		return -ENOMEM;
	seqstate_memory_add(sizeof(*sn));
	sn->net = net;
	seqstate_peers_netns_init(&sn->peers);
	atomic64_set(&sn->drift, 0);
	sn->counters = seqstate_counters_alloc();
	if (!sn->counters)
		goto err_free;
	sn->isn_answered = seqstate_isn_counts_alloc();
	if (!sn->isn_answered)
		goto err_free;
	if (seqstate_timing_on() && seqstate_timing_alloc(&sn->timing))
		goto err_free;
	if (seqstate_isn_netns_keys()) {
		RCU_INIT_POINTER(sn->isn_key, seqstate_isn_key_new(NULL));
		if (!rcu_access_pointer(sn->isn_key))
			goto err_free;
	}
	/* Before the namespace is found: its records need its anchor entries. */
	if (seqstate_cgroups_netns_init(net) || seqstate_ports_netns_init(net))
		goto err_free;

	spin_lock_bh(&seqstate_nets_lock);
	err = rhashtable_insert_fast(&seqstate_nets, &sn->node, seqstate_netns_params);
	spin_unlock_bh(&seqstate_nets_lock);
	if (err)
		goto err_free;
	return 0;

err_free:
	seqstate_ports_netns_exit(net);
	seqstate_cgroups_netns_exit(net);
	seqstate_netns_free(sn);
	return -ENOMEM;
}

/*
 * A namespace goes in two steps: pre_exit unlinks its entry, the core waits for an RCU
 * grace period (as it does between the two steps, for dying namespaces and for our
 * unregistration alike), exit frees it. No RCU callback of ours can outlive the module.
 */
static void __net_exit seqstate_netns_pre_exit_net(struct net *net)
{
	struct seqstate_netns *sn;

	spin_lock_bh(&seqstate_nets_lock);
	sn = seqstate_netns_find(net);
	if (sn) {
		rhashtable_remove_fast(&seqstate_nets, &sn->node, seqstate_netns_params);
		list_add(&sn->dead, &seqstate_nets_dead);
	}
	spin_unlock_bh(&seqstate_nets_lock);
}

static void __net_exit seqstate_netns_exit_net(struct net *net)
{
	struct seqstate_netns *sn, *found = NULL;

	spin_lock_bh(&seqstate_nets_lock);
	list_for_each_entry(sn, &seqstate_nets_dead, dead) {
		if (sn->net == net) {
			list_del(&sn->dead);
			found = sn;
			break;
		}
	}
	spin_unlock_bh(&seqstate_nets_lock);
	if (found)
		seqstate_netns_free(found);
	/* A grace period after pre_exit: no probe that found @net counted still runs. */
	seqstate_ports_netns_exit(net);
	seqstate_cgroups_netns_exit(net);
}

static struct pernet_operations seqstate_netns_ops = {
	.init = seqstate_netns_init_net,
	.pre_exit = seqstate_netns_pre_exit_net,
	.exit = seqstate_netns_exit_net,
};

int seqstate_netns_init(void)
{
	int err;

	seqstate_host = seqstate_counters_alloc();
	if (!seqstate_host)
		return -ENOMEM;
	err = rhashtable_init(&seqstate_nets, &seqstate_netns_params);
	if (err)
		goto err_free;
	err = register_pernet_subsys(&seqstate_netns_ops);
	if (err)
		goto err_destroy;
	return 0;

err_destroy:
	rhashtable_destroy(&seqstate_nets);
err_free:
	seqstate_counters_free(seqstate_host);
	return err;
}

/* Only once nothing can count or look up any more (main.c). */
void seqstate_netns_exit(void)
{
	unregister_pernet_subsys(&seqstate_netns_ops);
	rhashtable_destroy(&seqstate_nets);
	seqstate_counters_free(seqstate_host);
}
