// SPDX-License-Identifier: GPL-2.0
/*
 * The entries of the breakdowns (cgroups.c, ports.c): per namespace, one entry per key,
 * with per-CPU counts of the sockets in each state and of their entries into each. A
 * socket's record (records.c) names its entries: a key is read once, when it is known,
 * and the entry named is the one counted down, so a timewait socket stays where its full
 * socket was.
 *
 *   table	a fixed array of buckets by (kind, namespace, key), read under RCU; entries
 *		are added and removed under seqstate_tally_lock, raw: the probes add them
 *		with interrupts off, on PREEMPT_RT too.
 *   refs	one per record naming the entry, and the table's while it is in the table.
 *		Only the reaper removes an entry, by taking the table's reference as the
 *		last one (1 -> 0): an entry goes only when no socket is counted in it.
 *   anchor	per namespace and kind (key 0), made with the namespace: the list of its
 *		entries that readers walk, their number for the cap, and the overflow count.
 *
 * The reaper looks every 5 s for entries that count no socket and that their kind does not
 * keep (a removed cgroup; a port nothing listens on), or whose namespace went.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "counters.h"
#include "listeners.h"
#include "tallies.h"

/*
 * Per CPU. now[] are deltas, summed modulo 2^32: exact below 2^31 sockets in a state.
 * overflow: the anchor's only, entries not made for the cap.
 */
struct seqstate_tally_counts {
	u64 entered[SEQSTATE_NR_STATES];
	u32 now[SEQSTATE_NR_STATES];
	u64 overflow;
};

struct seqstate_tally {
	struct hlist_node hash;		/* in its bucket; RCU */
	struct list_head node;		/* on seqstate_tally_all, for the reaper; RCU */
	struct list_head members;	/* the anchor: the namespace's other entries; RCU */
	struct list_head member;	/* on its anchor's members while both live; RCU */
	const struct seqstate_tally_kind *kind;
	const struct net *net;		/* a key, never dereferenced */
	unsigned long key;		/* held by kind->hold() while in the table */
	struct seqstate_tally *anchor;	/* the namespace's, while it is alive */
	u64 id;
	refcount_t refs;
	bool dead;			/* its namespace went: nobody finds it any more */
	unsigned int nr;		/* the anchor: its members */
	struct seqstate_tally_counts __percpu *counts;
	struct rcu_head rcu;
};

#define SEQSTATE_TALLY_BITS	10
#define SEQSTATE_TALLY_REAP	(5 * HZ)

static struct hlist_head seqstate_tally_table[1 << SEQSTATE_TALLY_BITS];
static LIST_HEAD(seqstate_tally_all);
static DEFINE_RAW_SPINLOCK(seqstate_tally_lock);
static struct delayed_work seqstate_tally_reaper;

const u8 seqstate_tally_states[SEQSTATE_TALLY_NR_STATES] = {
	TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_FIN_WAIT2,
	TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK, TCP_TIME_WAIT,
};

static size_t seqstate_tally_bytes(void)
{
	return sizeof(struct seqstate_tally) +
	       sizeof(struct seqstate_tally_counts) * num_possible_cpus();
}

static struct seqstate_tally *seqstate_tally_new(gfp_t gfp)
{
	struct seqstate_tally *t = kzalloc(sizeof(*t), gfp | __GFP_NOWARN);

	if (!t)
		return NULL;
	t->counts = alloc_percpu_gfp(struct seqstate_tally_counts, gfp | __GFP_NOWARN);
	if (!t->counts) {
		kfree(t);
		return NULL;
	}
	INIT_LIST_HEAD(&t->members);
	INIT_LIST_HEAD(&t->member);
	seqstate_memory_add(seqstate_tally_bytes());
	return t;
}

static void seqstate_tally_delete(struct seqstate_tally *t)
{
	if (t->key && t->kind->release)
		t->kind->release(t->key);
	free_percpu(t->counts);
	kfree(t);
	seqstate_memory_add(-(long)seqstate_tally_bytes());
}

static void seqstate_tally_delete_rcu(struct rcu_head *rcu)
{
	seqstate_tally_delete(container_of(rcu, struct seqstate_tally, rcu));
}

#ifdef CONFIG_PREEMPT_RT
/*
 * On PREEMPT_RT the allocators sleep and the probes may not: they take new entries from a
 * reserve, under seqstate_tally_lock, which a worker refills. A socket that finds it empty
 * (more than 16 new keys within the worker's latency) is a missed event.
 */
#define SEQSTATE_TALLY_RESERVE	16

static struct seqstate_tally *seqstate_tally_reserve[SEQSTATE_TALLY_RESERVE];
static unsigned int seqstate_tally_reserved;
static struct work_struct seqstate_tally_refill;
static bool seqstate_tally_stopping;

static void seqstate_tally_refill_work(struct work_struct *work)
{
	struct seqstate_tally *t;
	unsigned long flags;

	while (!READ_ONCE(seqstate_tally_stopping)) {
		t = seqstate_tally_new(GFP_KERNEL);
		if (!t)
			return;
		raw_spin_lock_irqsave(&seqstate_tally_lock, flags);
		if (seqstate_tally_reserved < SEQSTATE_TALLY_RESERVE) {
			seqstate_tally_reserve[seqstate_tally_reserved++] = t;
			t = NULL;
		}
		raw_spin_unlock_irqrestore(&seqstate_tally_lock, flags);
		if (t) {
			seqstate_tally_delete(t);
			return;
		}
	}
}

/* An entry to fill, or NULL. */
static struct seqstate_tally *seqstate_tally_pop(void)
{
	struct seqstate_tally *t = NULL;

	lockdep_assert_held(&seqstate_tally_lock);
	if (seqstate_tally_reserved)
		t = seqstate_tally_reserve[--seqstate_tally_reserved];
	if (seqstate_tally_reserved < SEQSTATE_TALLY_RESERVE / 2 &&
	    !READ_ONCE(seqstate_tally_stopping))
		queue_work(seqstate_wq, &seqstate_tally_refill);
	return t;
}

static void seqstate_tally_reserve_init(void)
{
	INIT_WORK(&seqstate_tally_refill, seqstate_tally_refill_work);
	seqstate_tally_refill_work(NULL);
}

static void seqstate_tally_reserve_exit(void)
{
	WRITE_ONCE(seqstate_tally_stopping, true);
	cancel_work_sync(&seqstate_tally_refill);
	while (seqstate_tally_reserved)
		seqstate_tally_delete(seqstate_tally_reserve[--seqstate_tally_reserved]);
}
#else
static struct seqstate_tally *seqstate_tally_pop(void)
{
	return NULL;
}

static void seqstate_tally_reserve_init(void)
{
}

static void seqstate_tally_reserve_exit(void)
{
}
#endif

static struct hlist_head *seqstate_tally_bucket(const struct seqstate_tally_kind *kind,
						const struct net *net, unsigned long key)
{
	return &seqstate_tally_table[hash_64((unsigned long)kind ^ (unsigned long)net ^ key,
					     SEQSTATE_TALLY_BITS)];
}

/* The live entry of (@kind, @net, @key), with a reference, or NULL. */
static struct seqstate_tally *seqstate_tally_find(const struct seqstate_tally_kind *kind,
						  const struct net *net, unsigned long key)
{
	struct seqstate_tally *t;

	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held() && !lockdep_is_held(&seqstate_tally_lock),
			 "seqstate: tally lookup outside RCU");
	hlist_for_each_entry_rcu(t, seqstate_tally_bucket(kind, net, key), hash,
				 lockdep_is_held(&seqstate_tally_lock))
		if (t->key == key && t->net == net && t->kind == kind && !READ_ONCE(t->dead) &&
		    refcount_inc_not_zero(&t->refs))
			return t;
	return NULL;
}

/* Into the table with @refs references (the table's among them), holding @key. */
static void seqstate_tally_insert(struct seqstate_tally *t, const struct seqstate_tally_kind *kind,
				  const struct net *net, unsigned long key,
				  struct seqstate_tally *anchor, int refs)
{
	lockdep_assert_held(&seqstate_tally_lock);
	t->kind = kind;
	t->net = net;
	t->key = key;
	t->anchor = anchor;
	refcount_set(&t->refs, refs);
	if (key) {
		if (kind->hold)
			kind->hold(key);
		t->id = kind->id(key);
		list_add_tail_rcu(&t->member, &anchor->members);
		anchor->nr++;
	}
	hlist_add_head_rcu(&t->hash, seqstate_tally_bucket(kind, net, key));
	list_add_tail_rcu(&t->node, &seqstate_tally_all);
}

/* A new entry for @key in @anchor's namespace, or NULL (counted). */
static struct seqstate_tally *seqstate_tally_make(const struct seqstate_tally_kind *kind,
						  const struct net *net, unsigned long key,
						  struct seqstate_tally *anchor, bool may_alloc)
{
	struct seqstate_tally *t, *fresh = NULL;
	unsigned long flags;

	if (READ_ONCE(anchor->nr) >= READ_ONCE(*kind->max)) {
		this_cpu_inc(anchor->counts->overflow);
		return NULL;
	}
	if (may_alloc || !IS_ENABLED(CONFIG_PREEMPT_RT))
		fresh = seqstate_tally_new(GFP_ATOMIC);
	raw_spin_lock_irqsave(&seqstate_tally_lock, flags);
	t = seqstate_tally_find(kind, net, key);
	if (!t && !anchor->dead && anchor->nr < READ_ONCE(*kind->max)) {
		if (!fresh)
			fresh = seqstate_tally_pop();
		if (fresh) {
			seqstate_tally_insert(fresh, kind, net, key, anchor, 2);
			t = fresh;
			fresh = NULL;
		} else {
			seqstate_miss(kind->miss);
		}
	} else if (!t) {
		this_cpu_inc(anchor->counts->overflow);
	}
	raw_spin_unlock_irqrestore(&seqstate_tally_lock, flags);
	if (fresh)
		seqstate_tally_delete(fresh);
	return t;
}

struct seqstate_tally *seqstate_tally_get(const struct seqstate_tally_kind *kind,
					  const struct net *net, unsigned long key, bool make,
					  bool may_alloc)
{
	struct seqstate_tally *t, *anchor;

	if (!net)
		return NULL;
	t = seqstate_tally_find(kind, net, key);
	if (t || !key || !make)
		return t;
	anchor = seqstate_tally_find(kind, net, 0);
	if (!anchor)
		return NULL;
	t = seqstate_tally_make(kind, net, key, anchor, may_alloc);
	seqstate_tally_put(anchor);
	return t;
}

void seqstate_tally_put(struct seqstate_tally *t)
{
	/* Never the last: the table keeps its own until the reaper takes it. */
	if (t)
		refcount_dec(&t->refs);
}

void seqstate_tally_count(struct seqstate_tally *t, int from, int to)
{
	if (!t)
		return;
	if (from)
		this_cpu_dec(t->counts->now[from]);
	if (to) {
		this_cpu_inc(t->counts->now[to]);
		this_cpu_inc(t->counts->entered[to]);
	}
}

void seqstate_tally_found(struct seqstate_tally *t, int state)
{
	if (t)
		this_cpu_inc(t->counts->now[state]);
}

int seqstate_tallies_netns_init(const struct seqstate_tally_kind *kind, const struct net *net)
{
	struct seqstate_tally *t = seqstate_tally_new(GFP_KERNEL);
	unsigned long flags;

	if (!t)
		return -ENOMEM;
	raw_spin_lock_irqsave(&seqstate_tally_lock, flags);
	seqstate_tally_insert(t, kind, net, 0, NULL, 1);
	raw_spin_unlock_irqrestore(&seqstate_tally_lock, flags);
	return 0;
}

/*
 * After every probe that found @net counted has finished (netns.c): nobody makes entries
 * for it any more. Its records still name its entries until their sockets go.
 */
void seqstate_tallies_netns_exit(const struct seqstate_tally_kind *kind, const struct net *net)
{
	struct seqstate_tally *anchor, *t;
	unsigned long flags;

	rcu_read_lock();
	anchor = seqstate_tally_find(kind, net, 0);
	rcu_read_unlock();
	if (!anchor)
		return;
	raw_spin_lock_irqsave(&seqstate_tally_lock, flags);
	WRITE_ONCE(anchor->dead, true);
	list_for_each_entry(t, &anchor->members, member) {
		WRITE_ONCE(t->dead, true);
		list_del_rcu(&t->member);
	}
	raw_spin_unlock_irqrestore(&seqstate_tally_lock, flags);
	seqstate_tally_put(anchor);
	mod_delayed_work(seqstate_wq, &seqstate_tally_reaper, 0);
}

/* Out of the table, if nothing but the table holds @t: its last socket is gone. */
static void seqstate_tally_reap_one(struct seqstate_tally *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&seqstate_tally_lock, flags);
	if (refcount_dec_if_one(&t->refs)) {
		if (!t->dead) {
			list_del_rcu(&t->member);
			t->anchor->nr--;
		}
		hlist_del_rcu(&t->hash);
		list_del_rcu(&t->node);
		call_rcu(&t->rcu, seqstate_tally_delete_rcu);
	}
	raw_spin_unlock_irqrestore(&seqstate_tally_lock, flags);
}

/* Unused entries their kind lets go, and gone namespaces'; the lock only for each one. */
static void seqstate_tally_reap(struct work_struct *work)
{
	struct seqstate_tally *t;

	rcu_read_lock();
	list_for_each_entry_rcu(t, &seqstate_tally_all, node)
		if ((READ_ONCE(t->dead) ||
		     (t->key && !(t->kind->keep && t->kind->keep(t->key)))) &&
		    refcount_read(&t->refs) == 1)
			seqstate_tally_reap_one(t);
	rcu_read_unlock();
	/* Nothing listed: no breakdown is on, or the module goes. */
	if (!list_empty(&seqstate_tally_all))
		queue_delayed_work(seqstate_wq, &seqstate_tally_reaper, SEQSTATE_TALLY_REAP);
}

static int seqstate_tally_row_cmp(const void *a, const void *b)
{
	const struct seqstate_tally_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct seqstate_tally_listeners {
	const struct seqstate_tally_kind *kind;
	struct seqstate_tally_row *rows;
	int n;
};

/* A listener's queues go to its key's row; request socks with no row to the anchor's. */
static void seqstate_tally_add_listener(const struct sock *sk, s64 halfopen, void *arg)
{
	struct seqstate_tally_listeners *l = arg;
	unsigned long key = l->kind->key_of_listener(sk);
	struct seqstate_tally_row k = { .id = key ? l->kind->id(key) : 0 };
	struct seqstate_tally_row *row = NULL;

	if (key)
		row = bsearch(&k, l->rows + 1, l->n - 1, sizeof(k), seqstate_tally_row_cmp);
	if (!row) {
		l->rows[0].halfopen += halfopen;
		return;
	}
	row->listeners++;
	row->halfopen += halfopen;
	row->accept_queue += READ_ONCE(sk->sk_ack_backlog);
	row->backlog += READ_ONCE(sk->sk_max_ack_backlog);
}

/* @row's sums over the CPUs. */
static void seqstate_tally_sum(struct seqstate_tally_row *row)
{
	struct seqstate_tally_counts *c;
	int cpu, s;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(row->t->counts, cpu);
		for (s = 0; s < SEQSTATE_NR_STATES; s++) {
			row->now[s] += READ_ONCE(c->now[s]);
			row->entered[s] += READ_ONCE(c->entered[s]);
		}
		row->overflow += READ_ONCE(c->overflow);
	}
	for (s = 0; s < SEQSTATE_NR_STATES; s++)
		row->now[s] = (s32)(u32)row->now[s];
}

int seqstate_tallies_read(const struct seqstate_tally_kind *kind, const struct net *net,
			  struct seqstate_tally_row **rowsp)
{
	struct seqstate_tally_listeners l = { .kind = kind };
	struct seqstate_tally *anchor, *t;
	int max, i;

	rcu_read_lock();
	anchor = seqstate_tally_find(kind, net, 0);
	max = anchor ? READ_ONCE(anchor->nr) + 16 : 0;	/* more wait for the next read */
	rcu_read_unlock();
	if (!anchor)
		return -ENOENT;		/* the namespace is going */
	l.rows = kvcalloc(max + 1, sizeof(*l.rows), GFP_KERNEL);
	if (!l.rows) {
		seqstate_tally_put(anchor);
		return -ENOMEM;
	}
	l.rows[l.n++].t = anchor;
	rcu_read_lock();
	list_for_each_entry_rcu(t, &anchor->members, member) {
		if (l.n == max + 1)
			break;
		if (refcount_inc_not_zero(&t->refs))
			l.rows[l.n++].t = t;
	}
	rcu_read_unlock();
	for (i = 0; i < l.n; i++) {
		l.rows[i].key = l.rows[i].t->key;
		l.rows[i].id = l.rows[i].t->id;
		seqstate_tally_sum(&l.rows[i]);
	}
	sort(l.rows + 1, l.n - 1, sizeof(*l.rows), seqstate_tally_row_cmp, NULL);
	seqstate_listeners_for_each(net, seqstate_tally_add_listener, &l);
	*rowsp = l.rows;
	return l.n;
}

void seqstate_tallies_release(struct seqstate_tally_row *rows, int n)
{
	while (n--)
		seqstate_tally_put(rows[n].t);
	kvfree(rows);
}

int seqstate_tallies_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(seqstate_tally_table); i++)
		INIT_HLIST_HEAD(&seqstate_tally_table[i]);
	seqstate_tally_reserve_init();
	INIT_DELAYED_WORK(&seqstate_tally_reaper, seqstate_tally_reap);
	queue_delayed_work(seqstate_wq, &seqstate_tally_reaper, SEQSTATE_TALLY_REAP);
	return 0;
}

/* Once no record names an entry: they all go, anchors included. */
void seqstate_tallies_exit(void)
{
	struct seqstate_tally *t, *next;

	cancel_delayed_work_sync(&seqstate_tally_reaper);
	seqstate_tally_reserve_exit();
	rcu_barrier();
	list_for_each_entry_safe(t, next, &seqstate_tally_all, node)
		seqstate_tally_delete(t);
	INIT_LIST_HEAD(&seqstate_tally_all);
}
