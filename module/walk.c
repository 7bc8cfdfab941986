// SPDX-License-Identifier: GPL-2.0
/*
 * A walk of TCP's socket tables for one namespace, as ss does it (inet_diag): the
 * listening hash, then the established hash with its timewait and request socks. Used
 * only at load, for the sockets that already exist, and by verify; never by a reader.
 */
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
			if (net_eq(sock_net(sk), net) && sk->sk_state == TCP_LISTEN)
				w->state[TCP_LISTEN]++;
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
			if (state > 0 && state < SEQSTATE_NR_STATES)
				w->state[state]++;
		}
		spin_unlock_bh(lock);
		if (!(i % 1024))
			cond_resched();
	}
}

void seqstate_walk_net(struct net *net, struct seqstate_walk *w)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;

	memset(w, 0, sizeof(*w));
	seqstate_walk_listeners(net, h, w);
	seqstate_walk_established(net, h, w);
}
