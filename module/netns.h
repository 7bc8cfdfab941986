/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_NETNS_H
#define _SEQSTATE_NETNS_H

struct net;

int seqstate_netns_init(void);
void seqstate_netns_exit(void);

/* Count one state change of a TCP socket of @net; safe in any context. */
void seqstate_netns_count(struct net *net, int oldstate, int newstate);

#endif /* _SEQSTATE_NETNS_H */
