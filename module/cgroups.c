// SPDX-License-Identifier: GPL-2.0
/*
 * The gauges by cgroup (v2), per namespace: an entry for each cgroup its sockets were made
 * in, with per-CPU counts of its sockets in each state and of their entries into each. A
 * socket's record (records.c) names its entry: the cgroup is read once, when the socket
 * enters its first state, and the entry named is the one counted down. So a timewait
 * socket, which has no cgroup of its own, stays in its full socket's, and a socket stays in
 * the cgroup it was made in, as ss --cgroup shows it.
 *
 *   table	a fixed array of buckets by (namespace, cgroup), read under RCU; entries are
 *		added and removed under seqstate_cg_lock, raw: the probes add them with
 *		interrupts off, on PREEMPT_RT too.
 *   refs	one per record naming the entry, and the table's while it is in the table.
 *		Only the reaper removes an entry, by taking the table's reference as the
 *		last one (1 -> 0): an entry goes only when no socket is counted in it.
 *   (other)	per namespace, made with it: sockets whose cgroup is unknown (timewait
 *		sockets there at load) or found no entry (the namespace at its cap, or no
 *		memory; both counted).
 *
 * The reaper looks every 5 s for entries whose cgroup was removed, or whose namespace
 * went, and that count no socket. Entries of live cgroups stay, idle or not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include "cgroups.h"
#include "compat.h"
#include "counters.h"
#include "listeners.h"
#include "parse.h"

static bool cgroups = true;
static unsigned int cgroups_max = 256;

module_param_cb(cgroups, &seqstate_param_switch, &cgroups, 0444);
MODULE_PARM_DESC(cgroups, "Count sockets by the cgroup (v2) they were made in: 1 (default) or 0");

static int cgroups_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (seqstate_parse_uint(val, strlen(val), 65536, &v) || !v) {
		pr_info_ratelimited("cgroups_max takes 1 to 65536\n");
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops cgroups_max_ops = {
	.set = cgroups_max_set,
	.get = param_get_uint,
};

module_param_cb(cgroups_max, &cgroups_max_ops, &cgroups_max, 0444);
MODULE_PARM_DESC(cgroups_max, "Cgroups counted per namespace; the rest count as (other) (256)");

static DEFINE_STATIC_KEY_FALSE(seqstate_cgroups_key);

bool seqstate_cgroups_on(void)
{
	return static_branch_likely(&seqstate_cgroups_key);
}

/*
 * Per CPU. now[] are deltas, summed modulo 2^32: exact below 2^31 sockets in a state.
 * overflow: (other)'s only, sockets counted there for the cap.
 */
struct seqstate_cg_counts {
	u64 entered[SEQSTATE_NR_STATES];
	u32 now[SEQSTATE_NR_STATES];
	u64 overflow;
};

struct seqstate_cg {
	struct hlist_node hash;		/* in its bucket, by (net, cgrp); RCU */
	struct list_head node;		/* on seqstate_cg_all, for the reaper; RCU */
	struct list_head members;	/* (other): the namespace's other entries; RCU */
	struct list_head member;	/* on its (other)'s members while both live; RCU */
	const struct net *net;		/* a key, never dereferenced */
	struct cgroup *cgrp;		/* held; NULL: the namespace's (other) */
	struct seqstate_cg *other;	/* the namespace's (other), while it is alive */
	u64 id;
	refcount_t refs;
	bool dead;			/* its namespace went: nobody finds it any more */
	unsigned int nr;		/* (other): its members */
	struct seqstate_cg_counts __percpu *counts;
	struct rcu_head rcu;
};

#define SEQSTATE_CG_BITS	10
#define SEQSTATE_CG_REAP	(5 * HZ)

static struct hlist_head seqstate_cg_table[1 << SEQSTATE_CG_BITS];
static LIST_HEAD(seqstate_cg_all);
static DEFINE_RAW_SPINLOCK(seqstate_cg_lock);
static struct delayed_work seqstate_cg_reaper;

#ifdef CONFIG_SOCK_CGROUP_DATA
static struct cgroup *seqstate_sk_cgroup(const struct sock *sk)
{
	return sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);
}

static void seqstate_cgroup_hold(struct cgroup *cgrp)
{
	cgroup_get(cgrp);
}

static void seqstate_cgroup_release(struct cgroup *cgrp)
{
	if (cgrp)
		cgroup_put(cgrp);
}

/*
 * rmdir kills the reference of the cgroup's own css on every version; css_is_dying()
 * reads CSS_DYING from 6.10 on, which only the controllers' css get.
 */
static bool seqstate_cgroup_removed(struct cgroup *cgrp)
{
	return percpu_ref_is_dying(&cgrp->self.refcnt);
}

static u64 seqstate_cgroup_id(struct cgroup *cgrp)
{
	return cgroup_id(cgrp);
}
#else
static struct cgroup *seqstate_sk_cgroup(const struct sock *sk)
{
	return NULL;
}

static void seqstate_cgroup_hold(struct cgroup *cgrp)
{
}

static void seqstate_cgroup_release(struct cgroup *cgrp)
{
}

static bool seqstate_cgroup_removed(struct cgroup *cgrp)
{
	return false;
}

static u64 seqstate_cgroup_id(struct cgroup *cgrp)
{
	return 0;
}
#endif

static size_t seqstate_cg_bytes(void)
{
	return sizeof(struct seqstate_cg) + sizeof(struct seqstate_cg_counts) * num_possible_cpus();
}

static struct seqstate_cg *seqstate_cg_new(gfp_t gfp)
{
	struct seqstate_cg *cg = kzalloc(sizeof(*cg), gfp | __GFP_NOWARN);

	if (!cg)
		return NULL;
	cg->counts = alloc_percpu_gfp(struct seqstate_cg_counts, gfp | __GFP_NOWARN);
	if (!cg->counts) {
		kfree(cg);
		return NULL;
	}
	INIT_LIST_HEAD(&cg->members);
	INIT_LIST_HEAD(&cg->member);
	seqstate_memory_add(seqstate_cg_bytes());
	return cg;
}

static void seqstate_cg_delete(struct seqstate_cg *cg)
{
	seqstate_cgroup_release(cg->cgrp);
	free_percpu(cg->counts);
	kfree(cg);
	seqstate_memory_add(-(long)seqstate_cg_bytes());
}

static void seqstate_cg_delete_rcu(struct rcu_head *rcu)
{
	seqstate_cg_delete(container_of(rcu, struct seqstate_cg, rcu));
}

#ifdef CONFIG_PREEMPT_RT
/*
 * On PREEMPT_RT the allocators sleep and the probes may not: they take new entries from a
 * reserve, under seqstate_cg_lock, which a worker refills. A socket that finds it empty
 * (more than 16 new cgroups within the worker's latency) is counted in (other) for its
 * life, and as a missed event.
 */
#define SEQSTATE_CG_RESERVE	16

static struct seqstate_cg *seqstate_cg_reserve[SEQSTATE_CG_RESERVE];
static unsigned int seqstate_cg_reserved;
static struct work_struct seqstate_cg_refill;
static bool seqstate_cg_stopping;

static void seqstate_cg_refill_work(struct work_struct *work)
{
	struct seqstate_cg *cg;
	unsigned long flags;

	while (!READ_ONCE(seqstate_cg_stopping)) {
		cg = seqstate_cg_new(GFP_KERNEL);
		if (!cg)
			return;
		raw_spin_lock_irqsave(&seqstate_cg_lock, flags);
		if (seqstate_cg_reserved < SEQSTATE_CG_RESERVE) {
			seqstate_cg_reserve[seqstate_cg_reserved++] = cg;
			cg = NULL;
		}
		raw_spin_unlock_irqrestore(&seqstate_cg_lock, flags);
		if (cg) {
			seqstate_cg_delete(cg);
			return;
		}
	}
}

/* An entry to fill, or NULL. */
static struct seqstate_cg *seqstate_cg_pop(void)
{
	struct seqstate_cg *cg = NULL;

	lockdep_assert_held(&seqstate_cg_lock);
	if (seqstate_cg_reserved)
		cg = seqstate_cg_reserve[--seqstate_cg_reserved];
	if (seqstate_cg_reserved < SEQSTATE_CG_RESERVE / 2 && !READ_ONCE(seqstate_cg_stopping))
		queue_work(seqstate_wq, &seqstate_cg_refill);
	return cg;
}

static void seqstate_cg_reserve_init(void)
{
	INIT_WORK(&seqstate_cg_refill, seqstate_cg_refill_work);
	seqstate_cg_refill_work(NULL);
}

static void seqstate_cg_reserve_exit(void)
{
	WRITE_ONCE(seqstate_cg_stopping, true);
	cancel_work_sync(&seqstate_cg_refill);
	while (seqstate_cg_reserved)
		seqstate_cg_delete(seqstate_cg_reserve[--seqstate_cg_reserved]);
}
#else
static struct seqstate_cg *seqstate_cg_pop(void)
{
	return NULL;
}

static void seqstate_cg_reserve_init(void)
{
}

static void seqstate_cg_reserve_exit(void)
{
}
#endif

static struct hlist_head *seqstate_cg_bucket(const struct net *net, const struct cgroup *cgrp)
{
	return &seqstate_cg_table[hash_64((unsigned long)net ^ (unsigned long)cgrp,
					  SEQSTATE_CG_BITS)];
}

/* The live entry of (@net, @cgrp), with a reference, or NULL. */
static struct seqstate_cg *seqstate_cg_find(const struct net *net, const struct cgroup *cgrp)
{
	struct seqstate_cg *cg;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held() && !lockdep_is_held(&seqstate_cg_lock),
			 "seqstate: cgroup lookup outside RCU");
	hlist_for_each_entry_rcu(cg, seqstate_cg_bucket(net, cgrp), hash,
				 lockdep_is_held(&seqstate_cg_lock))
		if (cg->net == net && cg->cgrp == cgrp && !READ_ONCE(cg->dead) &&
		    refcount_inc_not_zero(&cg->refs))
			return cg;
	return NULL;
}

/* Into the table with @refs references (the table's among them), holding @cgrp. */
static void seqstate_cg_insert(struct seqstate_cg *cg, const struct net *net,
			       struct cgroup *cgrp, struct seqstate_cg *other, int refs)
{
	lockdep_assert_held(&seqstate_cg_lock);
	cg->net = net;
	cg->cgrp = cgrp;
	cg->other = other;
	refcount_set(&cg->refs, refs);
	if (cgrp) {
		seqstate_cgroup_hold(cgrp);
		cg->id = seqstate_cgroup_id(cgrp);
		list_add_tail_rcu(&cg->member, &other->members);
		other->nr++;
	}
	hlist_add_head_rcu(&cg->hash, seqstate_cg_bucket(net, cgrp));
	list_add_tail_rcu(&cg->node, &seqstate_cg_all);
}

/*
 * A new entry for (@net, @cgrp) in @other's namespace, or NULL: the namespace is at its
 * cap (counted) or no entry could be had (a missed event). @may_alloc: not from a probe on
 * PREEMPT_RT, where only the reserve may be used.
 */
static struct seqstate_cg *seqstate_cg_make(const struct net *net, struct cgroup *cgrp,
					    struct seqstate_cg *other, bool may_alloc)
{
	struct seqstate_cg *cg, *fresh = NULL;
	unsigned long flags;

	if (READ_ONCE(other->nr) >= cgroups_max) {
		this_cpu_inc(other->counts->overflow);
		return NULL;
	}
	if (may_alloc || !IS_ENABLED(CONFIG_PREEMPT_RT))
		fresh = seqstate_cg_new(GFP_ATOMIC);
	raw_spin_lock_irqsave(&seqstate_cg_lock, flags);
	cg = seqstate_cg_find(net, cgrp);
	if (!cg && !other->dead && other->nr < cgroups_max) {
		if (!fresh)
			fresh = seqstate_cg_pop();
		if (fresh) {
			seqstate_cg_insert(fresh, net, cgrp, other, 2);
			cg = fresh;
			fresh = NULL;
		} else {
			seqstate_miss(SEQSTATE_MISS_CGROUP);
		}
	} else if (!cg) {
		this_cpu_inc(other->counts->overflow);
	}
	raw_spin_unlock_irqrestore(&seqstate_cg_lock, flags);
	if (fresh)
		seqstate_cg_delete(fresh);
	return cg;
}

struct seqstate_cg *seqstate_cg_get(const struct net *net, const struct sock *sk,
				    bool may_alloc)
{
	struct cgroup *cgrp = sk && sk_fullsock(sk) ? seqstate_sk_cgroup(sk) : NULL;
	struct seqstate_cg *cg, *other;

	if (!net)
		return NULL;
	cg = seqstate_cg_find(net, cgrp);
	if (cg || !cgrp)
		return cg;
	other = seqstate_cg_find(net, NULL);
	if (!other)
		return NULL;
	cg = seqstate_cg_make(net, cgrp, other, may_alloc);
	if (!cg)
		return other;
	seqstate_cg_put(other);
	return cg;
}

void seqstate_cg_put(struct seqstate_cg *cg)
{
	/* Never the last: the table keeps its own until the reaper takes it. */
	if (cg)
		refcount_dec(&cg->refs);
}

void seqstate_cg_count(struct seqstate_cg *cg, int from, int to)
{
	if (!cg)
		return;
	if (from)
		this_cpu_dec(cg->counts->now[from]);
	if (to) {
		this_cpu_inc(cg->counts->now[to]);
		this_cpu_inc(cg->counts->entered[to]);
	}
}

void seqstate_cg_found(struct seqstate_cg *cg, int state)
{
	if (cg)
		this_cpu_inc(cg->counts->now[state]);
}

int seqstate_cgroups_netns_init(const struct net *net)
{
	struct seqstate_cg *cg;
	unsigned long flags;

	if (!seqstate_cgroups_on())
		return 0;
	cg = seqstate_cg_new(GFP_KERNEL);
	if (!cg)
		return -ENOMEM;
	raw_spin_lock_irqsave(&seqstate_cg_lock, flags);
	seqstate_cg_insert(cg, net, NULL, NULL, 1);
	raw_spin_unlock_irqrestore(&seqstate_cg_lock, flags);
	return 0;
}

/*
 * After every probe that found @net counted has finished (netns.c): nobody makes entries
 * for it any more. Its records still name its entries until their sockets go.
 */
void seqstate_cgroups_netns_exit(const struct net *net)
{
	struct seqstate_cg *other, *cg;
	unsigned long flags;

	if (!seqstate_cgroups_on())
		return;
	rcu_read_lock();
	other = seqstate_cg_find(net, NULL);
	rcu_read_unlock();
	if (!other)
		return;
	raw_spin_lock_irqsave(&seqstate_cg_lock, flags);
	WRITE_ONCE(other->dead, true);
	list_for_each_entry(cg, &other->members, member) {
		WRITE_ONCE(cg->dead, true);
		list_del_rcu(&cg->member);
	}
	raw_spin_unlock_irqrestore(&seqstate_cg_lock, flags);
	seqstate_cg_put(other);
	mod_delayed_work(seqstate_wq, &seqstate_cg_reaper, 0);
}

/* Out of the table, if nothing but the table holds @cg: its last socket is gone. */
static void seqstate_cg_reap_one(struct seqstate_cg *cg)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&seqstate_cg_lock, flags);
	if (refcount_dec_if_one(&cg->refs)) {
		if (!cg->dead) {
			list_del_rcu(&cg->member);
			cg->other->nr--;
		}
		hlist_del_rcu(&cg->hash);
		list_del_rcu(&cg->node);
		call_rcu(&cg->rcu, seqstate_cg_delete_rcu);
	}
	raw_spin_unlock_irqrestore(&seqstate_cg_lock, flags);
}

/* Entries of removed cgroups and of gone namespaces; the lock only for each one to go. */
static void seqstate_cg_reap(struct work_struct *work)
{
	struct seqstate_cg *cg;

	rcu_read_lock();
	list_for_each_entry_rcu(cg, &seqstate_cg_all, node)
		if ((READ_ONCE(cg->dead) || (cg->cgrp && seqstate_cgroup_removed(cg->cgrp))) &&
		    refcount_read(&cg->refs) == 1)
			seqstate_cg_reap_one(cg);
	rcu_read_unlock();
	queue_delayed_work(seqstate_wq, &seqstate_cg_reaper, SEQSTATE_CG_REAP);
}

static int seqstate_cg_row_cmp(const void *a, const void *b)
{
	const struct seqstate_cg_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct seqstate_cg_halfopen {
	struct seqstate_cg_row *rows;
	int n;
};

/* A listener's request socks go to its cgroup's row, or to (other)'s. */
static void seqstate_cg_add_halfopen(const struct sock *sk, s64 n, void *arg)
{
	struct seqstate_cg_halfopen *h = arg;
	struct seqstate_cg_row key = { .id = seqstate_cgroup_id(seqstate_sk_cgroup(sk)) };
	struct seqstate_cg_row *row;

	row = bsearch(&key, h->rows, h->n, sizeof(key), seqstate_cg_row_cmp);
	(row ?: &h->rows[0])->halfopen += n;
}

/* @row's sums over the CPUs. */
static void seqstate_cg_sum(struct seqstate_cg_row *row)
{
	struct seqstate_cg_counts *c;
	int cpu, s;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(row->cg->counts, cpu);
		for (s = 0; s < SEQSTATE_NR_STATES; s++) {
			row->now[s] += READ_ONCE(c->now[s]);
			row->entered[s] += READ_ONCE(c->entered[s]);
		}
		row->overflow += READ_ONCE(c->overflow);
	}
	for (s = 0; s < SEQSTATE_NR_STATES; s++)
		row->now[s] = (s32)(u32)row->now[s];
}

int seqstate_cgroups_read(const struct net *net, struct seqstate_cg_row **rowsp)
{
	struct seqstate_cg_halfopen h = {};
	struct seqstate_cg *other, *cg;
	int max, i;

	if (!seqstate_cgroups_on())
		return -ENODATA;
	rcu_read_lock();
	other = seqstate_cg_find(net, NULL);
	max = other ? READ_ONCE(other->nr) + 16 : 0;	/* more wait for the next read */
	rcu_read_unlock();
	if (!other)
		return -ENOENT;		/* the namespace is going */
	h.rows = kvcalloc(max + 1, sizeof(*h.rows), GFP_KERNEL);
	if (!h.rows) {
		seqstate_cg_put(other);
		return -ENOMEM;
	}
	h.rows[h.n++].cg = other;
	rcu_read_lock();
	list_for_each_entry_rcu(cg, &other->members, member) {
		if (h.n == max + 1)
			break;
		if (refcount_inc_not_zero(&cg->refs))
			h.rows[h.n++].cg = cg;
	}
	rcu_read_unlock();
	for (i = 0; i < h.n; i++) {
		h.rows[i].cgrp = h.rows[i].cg->cgrp;
		h.rows[i].id = h.rows[i].cg->id;
		seqstate_cg_sum(&h.rows[i]);
	}
	sort(h.rows, h.n, sizeof(*h.rows), seqstate_cg_row_cmp, NULL);
	seqstate_listeners_for_each(net, seqstate_cg_add_halfopen, &h);
	*rowsp = h.rows;
	return h.n;
}

void seqstate_cgroups_release(struct seqstate_cg_row *rows, int n)
{
	while (n--)
		seqstate_cg_put(rows[n].cg);
	kvfree(rows);
}

int seqstate_cgroups_init(void)
{
	int i;

#ifndef CONFIG_SOCK_CGROUP_DATA
	if (cgroups)
		pr_info("no cgroups: this kernel keeps no cgroup per socket (CONFIG_SOCK_CGROUP_DATA)\n");
	cgroups = false;
#endif
	if (!cgroups)
		return 0;
	for (i = 0; i < ARRAY_SIZE(seqstate_cg_table); i++)
		INIT_HLIST_HEAD(&seqstate_cg_table[i]);
	seqstate_cg_reserve_init();
	INIT_DELAYED_WORK(&seqstate_cg_reaper, seqstate_cg_reap);
	queue_delayed_work(seqstate_wq, &seqstate_cg_reaper, SEQSTATE_CG_REAP);
	static_branch_enable(&seqstate_cgroups_key);
	return 0;
}

/* Once no record names an entry: they all go, (other)s included. */
void seqstate_cgroups_exit(void)
{
	struct seqstate_cg *cg, *next;

	if (!seqstate_cgroups_on())
		return;
	static_branch_disable(&seqstate_cgroups_key);
	cancel_delayed_work_sync(&seqstate_cg_reaper);
	seqstate_cg_reserve_exit();
	rcu_barrier();
	list_for_each_entry_safe(cg, next, &seqstate_cg_all, node)
		seqstate_cg_delete(cg);
	INIT_LIST_HEAD(&seqstate_cg_all);
}
