/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_WALK_H
#define _SEQSTATE_WALK_H

#include <seqstate/seqstate.h>

struct net;
struct sock;

struct seqstate_timing;

/*
 * What ss would count in one namespace, timewait sockets by substate; each socket (not
 * request socks) also handed to @found if set, under the lock of its bucket.
 */
struct seqstate_walk {
	s64 state[SEQSTATE_NR_STATES];
	s64 halfopen;
	void (*found)(const struct seqstate_walk *w, const struct sock *sk, int state);
	struct seqstate_timing *timing;
	const struct net *counted;	/* the namespace, if it is counted */
};

void seqstate_walk_net(struct net *net, struct seqstate_walk *w);

/*
 * Every TCP listener of every namespace that @tracked() does not know yet, handed to
 * @found() with a reference that passes to it. Process context.
 */
void seqstate_walk_listening(bool (*tracked)(struct sock *sk), void (*found)(struct sock *sk));

#endif /* _SEQSTATE_WALK_H */
