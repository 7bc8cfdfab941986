// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP listeners of every namespace, so that half-open connections (request socks, which
 * change state without any event) can be counted from each listener's own queue length:
 * reading costs O(listeners), whatever the number of sockets.
 *
 * Each entry holds a reference on its listener. Entries taken off the list (in any
 * context) go to a graveyard, which a work item (the reaper) empties after an RCU grace
 * period, so readers under rcu_read_lock() can look at any listener they find on the
 * list. No RCU callback is involved: unloading never waits for other users' callbacks.
 *
 * A listener that closes with request socks in flight keeps them in the tables (ss shows
 * them) until their timers notice it is gone, seconds later; its queue length follows
 * them down. Such a listener stays on the list, marked closed, until its queue is empty:
 * the reaper looks once a second while there are any.
 */
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include "counters.h"
#include "listeners.h"

struct seqstate_listener {
	struct list_head node;
	struct sock *sk;
	bool closed;		/* left LISTEN with request socks still queued */
	struct list_head dead;	/* on seqstate_graveyard */
};

static LIST_HEAD(seqstate_listeners);
static LIST_HEAD(seqstate_graveyard);
static DEFINE_SPINLOCK(seqstate_listeners_lock);	/* both lists */

static void seqstate_listeners_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(seqstate_reaper, seqstate_listeners_reap);

static struct seqstate_listener *seqstate_listener_find(const struct sock *sk)
{
	struct seqstate_listener *l;

	list_for_each_entry(l, &seqstate_listeners, node)
		if (l->sk == sk)
			return l;
	return NULL;
}

/* After an RCU grace period since they left the list. */
static void seqstate_listeners_free(struct list_head *dead)
{
	struct seqstate_listener *l, *tmp;

	list_for_each_entry_safe(l, tmp, dead, dead) {
		sock_put(l->sk);
		kfree(l);
		seqstate_memory_add(-(long)sizeof(*l));
	}
}

/* From the tracepoint (atomic) or the table walk at load; a listener is added once. */
void seqstate_listener_add(struct sock *sk)
{
	struct seqstate_listener *l, *old;

	l = kmalloc(sizeof(*l), GFP_ATOMIC);
	if (!l)
		return;		/* its half-open connections go uncounted; verify shows it */
	l->sk = sk;
	l->closed = false;
	spin_lock_bh(&seqstate_listeners_lock);
	old = seqstate_listener_find(sk);
	if (old) {
		old->closed = false;	/* listening again */
		spin_unlock_bh(&seqstate_listeners_lock);
		kfree(l);
		return;
	}
	sock_hold(sk);
	seqstate_memory_add(sizeof(*l));
	list_add_rcu(&l->node, &seqstate_listeners);
	spin_unlock_bh(&seqstate_listeners_lock);
}

/* With seqstate_listeners_lock held. */
static void seqstate_listener_unlink(struct seqstate_listener *l)
{
	list_del_rcu(&l->node);
	list_add(&l->dead, &seqstate_graveyard);
}

/* @sk left LISTEN. */
void seqstate_listener_del(const struct sock *sk)
{
	struct seqstate_listener *l;
	bool closed = false;

	spin_lock_bh(&seqstate_listeners_lock);
	l = seqstate_listener_find(sk);
	if (l && inet_csk_reqsk_queue_len(sk)) {
		l->closed = true;
		closed = true;
	} else if (l) {
		seqstate_listener_unlink(l);
	}
	spin_unlock_bh(&seqstate_listeners_lock);
	if (closed)
		schedule_delayed_work(&seqstate_reaper, HZ);
	else if (l)
		mod_delayed_work(system_wq, &seqstate_reaper, 0);
}

/*
 * Unlink the closed listeners whose request socks are all gone, and free what is in the
 * graveyard; look again in a second while closed listeners wait for their queues.
 */
static void seqstate_listeners_reap(struct work_struct *work)
{
	struct seqstate_listener *l, *tmp;
	bool again = false;
	LIST_HEAD(dead);

	spin_lock_bh(&seqstate_listeners_lock);
	list_for_each_entry_safe(l, tmp, &seqstate_listeners, node) {
		if (!l->closed)
			continue;
		if (inet_csk_reqsk_queue_len(l->sk))
			again = true;
		else
			seqstate_listener_unlink(l);
	}
	list_splice_init(&seqstate_graveyard, &dead);
	spin_unlock_bh(&seqstate_listeners_lock);
	if (!list_empty(&dead)) {
		synchronize_rcu();
		seqstate_listeners_free(&dead);
	}
	if (again)
		schedule_delayed_work(&seqstate_reaper, HZ);
}

/* Request socks queued on the listeners of @net, or of every namespace when @net is NULL. */
s64 seqstate_listeners_halfopen(const struct net *net)
{
	struct seqstate_listener *l;
	s64 n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(l, &seqstate_listeners, node)
		if (!net || net_eq(sock_net(l->sk), net))
			n += inet_csk_reqsk_queue_len(l->sk);
	rcu_read_unlock();
	return n;
}

/* Once nothing adds or removes any more (the probe is gone). */
void seqstate_listeners_exit(void)
{
	struct seqstate_listener *l, *tmp;
	LIST_HEAD(dead);

	cancel_delayed_work_sync(&seqstate_reaper);
	spin_lock_bh(&seqstate_listeners_lock);
	list_for_each_entry_safe(l, tmp, &seqstate_listeners, node)
		seqstate_listener_unlink(l);
	list_splice_init(&seqstate_graveyard, &dead);
	spin_unlock_bh(&seqstate_listeners_lock);
	synchronize_rcu();
	seqstate_listeners_free(&dead);
}
