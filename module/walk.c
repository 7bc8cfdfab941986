// SPDX-License-Identifier: GPL-2.0
/*
 * Walks of TCP's socket tables. For one namespace, as ss does it (inet_diag): the
 * listening hash, then the established hash with its timewait and request socks; used
 * only at load, for the sockets that already exist, and by verify; never by a reader.
 * For the listeners of every namespace: when listeners.c lost changes.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "walk.h"

/*
 * As the kernel takes a listening bucket's lock (tcp_ipv4.c, inet_diag.c): with bottom
 * halves enabled, which it disables only under the lock. The other order deadlocks on
 * PREEMPT_RT, where both are sleeping locks.
 */
static void seqstate_walk_listeners(struct net *net, struct inet_hashinfo *h,
				    struct seqstate_walk *w)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	unsigned int i;

	for (i = 0; i <= h->lhash2_mask; i++) {
		struct inet_listen_hashbucket *ilb = &h->lhash2[i];

		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head)
			if (net_eq(sock_net(sk), net) && sk->sk_state == TCP_LISTEN) {
				w->state[TCP_LISTEN]++;
				if (w->found)
					w->found(w, sk, TCP_LISTEN);
			}
		spin_unlock(&ilb->lock);
		cond_resched();
	}
}

static void seqstate_walk_established(struct net *net, struct inet_hashinfo *h,
				      struct seqstate_walk *w)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	unsigned int i;
	int state;

	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		spinlock_t *lock = inet_ehash_lockp(h, i);

		if (hlist_nulls_empty(&head->chain))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (!net_eq(sock_net(sk), net))
				continue;
			state = sk->sk_state;
			if (state == TCP_NEW_SYN_RECV) {
				w->halfopen++;
				continue;
			}
			if (state == TCP_TIME_WAIT)
				state = inet_twsk(sk)->tw_substate;
			if (state <= 0 || state >= SEQSTATE_NR_STATES)
				continue;
			w->state[state]++;
			if (w->found)
				w->found(w, sk, state);
		}
		spin_unlock_bh(lock);
		if (!(i % 1024))
			cond_resched();
	}
}

void seqstate_walk_net(struct net *net, struct seqstate_walk *w)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;

	memset(w->state, 0, sizeof(w->state));
	w->halfopen = 0;
	seqstate_walk_listeners(net, h, w);
	seqstate_walk_established(net, h, w);
}

/*
 * The listening hash is one table for every namespace (per-namespace tables only split the
 * established hash). Walked under RCU, as the kernel's own lookups do (listeners are
 * SOCK_RCU_FREE), never under the bucket locks: the kernel takes those before disabling
 * bottom halves, and taking them in another order deadlocks on PREEMPT_RT. A bucket is
 * walked again after each batch of listeners found, skipping those already tracked.
 */
#define SEQSTATE_WALK_BATCH	32

void seqstate_walk_listening(bool (*tracked)(struct sock *sk), void (*found)(struct sock *sk))
{
	struct inet_hashinfo *h = init_net.ipv4.tcp_death_row.hashinfo;
	struct sock *batch[SEQSTATE_WALK_BATCH];
	struct hlist_nulls_node *node;
	unsigned int i, n, k;
	struct sock *sk;

	for (i = 0; i <= h->lhash2_mask; i++) {
		struct inet_listen_hashbucket *ilb = &h->lhash2[i];

		do {
			n = 0;
			rcu_read_lock();
			sk_nulls_for_each_rcu(sk, node, &ilb->nulls_head) {
				if (sk->sk_protocol != IPPROTO_TCP ||
				    READ_ONCE(sk->sk_state) != TCP_LISTEN || tracked(sk) ||
				    !refcount_inc_not_zero(&sk->sk_refcnt))
					continue;
				batch[n++] = sk;
				if (n == SEQSTATE_WALK_BATCH)
					break;
			}
			rcu_read_unlock();
			for (k = 0; k < n; k++)
				found(batch[k]);
		} while (n == SEQSTATE_WALK_BATCH);
		cond_resched();
	}
}
