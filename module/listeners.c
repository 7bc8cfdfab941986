// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP listeners of every namespace, so that half-open connections (request socks, which
 * change state without any event) can be counted from each listener's own queue length:
 * reading a namespace costs O(its listeners), whatever the number of sockets.
 *
 * The tracepoint may neither sleep nor allocate: on PREEMPT_RT even spin_lock_bh() and
 * kmalloc(GFP_ATOMIC) sleep, and the probe runs with preemption disabled. So the probe only
 * takes a reference on the socket and puts the change in a ring (listener_ring.c); a work
 * item applies it. A change that finds the ring full is counted as missed and makes the
 * work item resynchronise from the listening hash (walk.c).
 *
 * A change is a hint, not a verdict: the probe fires just before the state is stored, so
 * the worker may see a new listener still in CLOSE, or a closing one still in LISTEN. Every
 * entry a change touches is therefore looked at again a second later (the tick): it stays
 * while its socket listens or still has request socks queued (ss shows those until their
 * timers notice the listener is gone), and goes otherwise.
 *
 * Entries are found by socket in one hash table and read per namespace from a group list,
 * both resizable: add and remove are O(1), a read is O(listeners of the namespace).
 * Readers hold rcu_read_lock(); what the worker unlinks is freed after synchronize_rcu(),
 * never by an RCU callback, so unloading waits for nobody else's callbacks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include "compat.h"
#include "counters.h"
#include "listener_ring.h"
#include "listeners.h"
#include "records.h"
#include "walk.h"

struct seqstate_listener {
	struct rhash_head node;		/* in seqstate_listeners, by sk */
	struct sock *sk;		/* holds a reference */
	struct seqstate_listener_group *group;
	struct list_head group_node;	/* in group->listeners, RCU */
	struct list_head all_node;	/* in seqstate_all, RCU */
	unsigned long check_at;		/* jiffies; 0 once seen listening after its last change */
	struct list_head pending_node;	/* in seqstate_pending while check_at is set */
	struct list_head dead;
};

/* The listeners of one namespace. */
struct seqstate_listener_group {
	struct rhash_head node;		/* in seqstate_groups, by net */
	const struct net *net;
	struct list_head listeners;
	struct list_head dead;
};

static const struct rhashtable_params seqstate_listener_params = {
	.key_len = sizeof(struct sock *),
	.key_offset = offsetof(struct seqstate_listener, sk),
	.head_offset = offsetof(struct seqstate_listener, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params seqstate_group_params = {
	.key_len = sizeof(struct net *),
	.key_offset = offsetof(struct seqstate_listener_group, net),
	.head_offset = offsetof(struct seqstate_listener_group, node),
	.automatic_shrinking = true,
};

static struct rhashtable seqstate_listeners;
static struct rhashtable seqstate_groups;
static LIST_HEAD(seqstate_all);
static LIST_HEAD(seqstate_pending);	/* entries to look at again */
static DEFINE_MUTEX(seqstate_listeners_lock);	/* every change to the above; the ring's pops */
static bool seqstate_resync;			/* a change was lost */

/* What the worker unlinked, to be freed after an RCU grace period. */
struct seqstate_graveyard {
	struct list_head listeners, groups;
};

static void seqstate_graveyard_init(struct seqstate_graveyard *dead)
{
	INIT_LIST_HEAD(&dead->listeners);
	INIT_LIST_HEAD(&dead->groups);
}

static void seqstate_listener_unlink(struct seqstate_listener *l, struct seqstate_graveyard *dead)
{
	struct seqstate_listener_group *g = l->group;

	lockdep_assert_held(&seqstate_listeners_lock);
	if (l->check_at)
		list_del(&l->pending_node);
	rhashtable_remove_fast(&seqstate_listeners, &l->node, seqstate_listener_params);
	list_del_rcu(&l->group_node);
	list_del_rcu(&l->all_node);
	list_add(&l->dead, &dead->listeners);
	if (list_empty(&g->listeners)) {
		rhashtable_remove_fast(&seqstate_groups, &g->node, seqstate_group_params);
		list_add(&g->dead, &dead->groups);
	}
}

static void seqstate_listeners_free(struct seqstate_graveyard *dead)
{
	struct seqstate_listener_group *g, *gtmp;
	struct seqstate_listener *l, *tmp;

	if (list_empty(&dead->listeners))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(l, tmp, &dead->listeners, dead) {
		sock_put(l->sk);
		kfree(l);
		seqstate_memory_add(-(long)sizeof(*l));
	}
	list_for_each_entry_safe(g, gtmp, &dead->groups, dead) {
		kfree(g);
		seqstate_memory_add(-(long)sizeof(*g));
	}
}

static void seqstate_listener_check_later(struct seqstate_listener *l)
{
	lockdep_assert_held(&seqstate_listeners_lock);
	if (!l->check_at)
		list_add_tail(&l->pending_node, &seqstate_pending);
	/* Never 0: 0 means "nothing to check". */
	l->check_at = (jiffies + HZ) | 1;
}

/* Look at the entries whose time has come: keep listeners, drop what closed and drained. */
static void seqstate_listeners_tick(struct work_struct *work)
{
	struct seqstate_graveyard dead;
	struct seqstate_listener *l, *tmp;

	seqstate_graveyard_init(&dead);
	mutex_lock(&seqstate_listeners_lock);
	list_for_each_entry_safe(l, tmp, &seqstate_pending, pending_node) {
		if (time_before(jiffies, l->check_at))
			continue;
		if (READ_ONCE(l->sk->sk_state) == TCP_LISTEN) {
			list_del(&l->pending_node);
			l->check_at = 0;
			seqstate_records_listening(l->sk, l->group->net);
		} else if (!inet_csk_reqsk_queue_len(l->sk)) {
			seqstate_listener_unlink(l, &dead);
		} else {
			seqstate_listener_check_later(l);	/* request socks still queued */
		}
	}
	if (!list_empty(&seqstate_pending))
		queue_delayed_work(seqstate_wq, to_delayed_work(work), HZ);
	mutex_unlock(&seqstate_listeners_lock);
	seqstate_listeners_free(&dead);
}

static DECLARE_DELAYED_WORK(seqstate_ticker, seqstate_listeners_tick);

/*
 * Track @sk if it starts to @listen, and look at it again later. The caller's reference
 * passes to the entry or is dropped.
 */
static void seqstate_listener_note(struct sock *sk, bool listen)
{
	const struct net *net = sock_net(sk);
	struct seqstate_listener_group *g;
	struct seqstate_listener *l;

	lockdep_assert_held(&seqstate_listeners_lock);
	l = rhashtable_lookup_fast(&seqstate_listeners, &sk, seqstate_listener_params);
	if (l) {
		sock_put(sk);
		seqstate_listener_check_later(l);
		return;
	}
	if (!listen) {
		sock_put(sk);	/* never tracked: nothing to look at */
		return;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		goto untracked;
	g = rhashtable_lookup_fast(&seqstate_groups, &net, seqstate_group_params);
	if (!g) {
		g = kzalloc(sizeof(*g), GFP_KERNEL);
		if (!g)
			goto err_free;
		g->net = net;
		INIT_LIST_HEAD(&g->listeners);
		if (rhashtable_insert_fast(&seqstate_groups, &g->node, seqstate_group_params)) {
			kfree(g);
			goto err_free;
		}
		seqstate_memory_add(sizeof(*g));
	}
	l->sk = sk;
	l->group = g;
	if (rhashtable_insert_fast(&seqstate_listeners, &l->node, seqstate_listener_params))
		goto err_group;
	list_add_tail_rcu(&l->group_node, &g->listeners);
	list_add_tail_rcu(&l->all_node, &seqstate_all);
	seqstate_memory_add(sizeof(*l));
	seqstate_listener_check_later(l);
	seqstate_records_listening(sk, net);
	return;

err_group:
	if (list_empty(&g->listeners)) {
		rhashtable_remove_fast(&seqstate_groups, &g->node, seqstate_group_params);
		synchronize_rcu();	/* readers may have found it */
		kfree(g);
		seqstate_memory_add(-(long)sizeof(*g));
	}
err_free:
	kfree(l);
untracked:
	/* Its half-open connections go uncounted; verify shows the difference. */
	seqstate_miss(SEQSTATE_MISS_LISTENER);
	sock_put(sk);
}

/* For the walk of the listening hash, which holds rcu_read_lock(). */
static bool seqstate_listener_tracked(struct sock *sk)
{
	return rhashtable_lookup(&seqstate_listeners, &sk, seqstate_listener_params);
}

static void seqstate_listener_found(struct sock *sk)
{
	seqstate_listener_note(sk, true);
}

static void seqstate_listeners_work(struct work_struct *work)
{
	struct seqstate_listener *l;
	struct sock *sk;
	bool listen;

	mutex_lock(&seqstate_listeners_lock);
	/* Apply the published changes, in order. */
	while (seqstate_ring_pop(&sk, &listen)) {
		seqstate_listener_note(sk, listen);
		cond_resched();
	}
	if (READ_ONCE(seqstate_resync)) {
		WRITE_ONCE(seqstate_resync, false);
		/* Lost changes: find every listener, and look again at every entry. */
		seqstate_walk_listening(seqstate_listener_tracked, seqstate_listener_found);
		list_for_each_entry(l, &seqstate_all, all_node)
			seqstate_listener_check_later(l);
	}
	if (!list_empty(&seqstate_pending) && !delayed_work_pending(&seqstate_ticker))
		queue_delayed_work(seqstate_wq, &seqstate_ticker, HZ);
	mutex_unlock(&seqstate_listeners_lock);
	/*
	 * A producer is between claim and publish (preempted there, on kernels whose probes
	 * are preemptible): come back for its change in a jiffy.
	 */
	if (seqstate_ring_tail_taken())
		queue_delayed_work(seqstate_wq, to_delayed_work(work), 1);
}

static DECLARE_DELAYED_WORK(seqstate_worker, seqstate_listeners_work);

/* From the tracepoint: @sk enters LISTEN (@listen) or leaves it. No lock, no allocation. */
void seqstate_listener_changed(struct sock *sk, bool listen)
{
	if (!seqstate_ring_push(sk, listen)) {
		/* Full: the worker walks the listening hash instead. */
		seqstate_miss(SEQSTATE_MISS_LISTENER_QUEUE);
		WRITE_ONCE(seqstate_resync, true);
		queue_delayed_work(seqstate_wq, &seqstate_worker, 0);
		return;
	}
	/* In a jiffy: a storm of changes wakes the worker once per jiffy, not per change. */
	queue_delayed_work(seqstate_wq, &seqstate_worker, 1);
}

/* Request socks queued on the listeners of @net, or of every namespace when @net is NULL. */
s64 seqstate_listeners_halfopen(const struct net *net)
{
	struct seqstate_listener_group *g;
	struct seqstate_listener *l;
	s64 n = 0;

	rcu_read_lock();
	if (!net) {
		list_for_each_entry_rcu(l, &seqstate_all, all_node)
			n += inet_csk_reqsk_queue_len(l->sk);
	} else {
		g = rhashtable_lookup(&seqstate_groups, &net, seqstate_group_params);
		if (g)
			list_for_each_entry_rcu(l, &g->listeners, group_node)
				n += inet_csk_reqsk_queue_len(l->sk);
	}
	rcu_read_unlock();
	return n;
}

void seqstate_listeners_for_each(const struct net *net,
				 void (*fn)(const struct sock *sk, s64 halfopen, void *arg),
				 void *arg)
{
	struct seqstate_listener_group *g;
	struct seqstate_listener *l;

	rcu_read_lock();
	g = rhashtable_lookup(&seqstate_groups, &net, seqstate_group_params);
	if (g)
		list_for_each_entry_rcu(l, &g->listeners, group_node)
			fn(l->sk, inet_csk_reqsk_queue_len(l->sk), arg);
	rcu_read_unlock();
}

int seqstate_listeners_init(void)
{
	int err;

	seqstate_ring_init();
	err = rhashtable_init(&seqstate_listeners, &seqstate_listener_params);
	if (err)
		return err;
	err = rhashtable_init(&seqstate_groups, &seqstate_group_params);
	if (err)
		rhashtable_destroy(&seqstate_listeners);
	return err;
}

/* Once the probe is attached: the listeners that were there before. */
void seqstate_listeners_baseline(void)
{
	WRITE_ONCE(seqstate_resync, true);
	mod_delayed_work(seqstate_wq, &seqstate_worker, 0);
	flush_delayed_work(&seqstate_worker);
}

/*
 * Once the probe is gone, before the records go: the work items look records up
 * (seqstate_records_listening()), and nothing queues them any more.
 */
void seqstate_listeners_stop(void)
{
	cancel_delayed_work_sync(&seqstate_worker);
	cancel_delayed_work_sync(&seqstate_ticker);
}

/* Once the probe is gone: nothing adds to the ring any more. */
void seqstate_listeners_exit(void)
{
	struct seqstate_graveyard dead;
	struct seqstate_listener *l, *tmp;
	struct sock *sk;
	bool listen;

	seqstate_graveyard_init(&dead);
	cancel_delayed_work_sync(&seqstate_worker);
	cancel_delayed_work_sync(&seqstate_ticker);
	mutex_lock(&seqstate_listeners_lock);
	while (seqstate_ring_pop(&sk, &listen))
		sock_put(sk);
	list_for_each_entry_safe(l, tmp, &seqstate_all, all_node)
		seqstate_listener_unlink(l, &dead);
	mutex_unlock(&seqstate_listeners_lock);
	seqstate_listeners_free(&dead);
	rhashtable_destroy(&seqstate_groups);
	rhashtable_destroy(&seqstate_listeners);
}
