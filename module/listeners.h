/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_LISTENERS_H
#define _SEQSTATE_LISTENERS_H

#include <linux/types.h>

struct net;
struct sock;

int seqstate_listeners_init(void);
void seqstate_listeners_exit(void);
void seqstate_listeners_baseline(void);
/* Once the probe is gone: the work items stop, the listeners stay readable. */
void seqstate_listeners_stop(void);

/* From the tracepoint, in any context: @sk enters or leaves LISTEN. */
void seqstate_listener_changed(struct sock *sk, bool listen);
s64 seqstate_listeners_halfopen(const struct net *net);
/* @fn for each listener of @net and its request socks queued, under rcu_read_lock(). */
void seqstate_listeners_for_each(const struct net *net,
				 void (*fn)(const struct sock *sk, s64 halfopen, void *arg),
				 void *arg);

#endif /* _SEQSTATE_LISTENERS_H */
