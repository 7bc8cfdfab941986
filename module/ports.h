/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PORTS_H
#define _SEQSTATE_PORTS_H

#include <linux/types.h>

struct net;
struct sock;
struct seqstate_tally;
struct seqstate_tally_row;

/* The module parameter "ports", set at load: the gauges by listening port kept at all. */
bool seqstate_ports_on(void);

void seqstate_ports_init(void);
void seqstate_ports_exit(void);

int seqstate_ports_netns_init(const struct net *net);
void seqstate_ports_netns_exit(const struct net *net);

/*
 * For a socket's record, under rcu_read_lock(): a reference to the entry of @sk's local
 * port in @net, made when @sk enters LISTEN (@state), or NULL: the port is no listening
 * port, or (*@pending) @sk has no port yet. @sk: a full or a timewait socket.
 */
struct seqstate_tally *seqstate_port_get(const struct net *net, const void *sk, int state,
					 bool may_alloc, bool *pending);

/* @net's listening ports by number, after its anchor (key 0): tallies.h. */
int seqstate_ports_read(const struct net *net, struct seqstate_tally_row **rows);

#endif /* _SEQSTATE_PORTS_H */
