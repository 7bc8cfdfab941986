/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_NETNS_H
#define _SEQSTATE_NETNS_H

#include <linux/types.h>

struct net;

int seqstate_netns_init(void);
void seqstate_netns_exit(void);

void seqstate_netns_baseline(void);
s64 seqstate_netns_host_drift(void);

/* Count one state change of a TCP socket of @net; safe in any context. */
void seqstate_netns_count(struct net *net, int oldstate, int newstate);

#endif /* _SEQSTATE_NETNS_H */
