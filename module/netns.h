/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_NETNS_H
#define _SEQSTATE_NETNS_H

#include <linux/siphash.h>
#include <linux/types.h>

struct net;

int seqstate_netns_init(void);
void seqstate_netns_exit(void);

void seqstate_netns_baseline(void);

struct seqstate_isn_key;
const siphash_key_t *seqstate_netns_isn_key(const struct net *net);
int seqstate_netns_set_isn_key(const struct net *net, struct seqstate_isn_key *k);
struct seqstate_isn_counts;
struct seqstate_isn_counts __percpu *seqstate_netns_isn(const struct net *net,
							const siphash_key_t **key);

/* Count one state change of a TCP socket of @net; safe in any context. */
void seqstate_netns_count(struct net *net, int oldstate, int newstate);

#endif /* _SEQSTATE_NETNS_H */
