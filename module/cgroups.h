/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_CGROUPS_H
#define _SEQSTATE_CGROUPS_H

#include <linux/types.h>

struct net;
struct sock;
struct seqstate_tally;
struct seqstate_tally_row;

/* The module parameter "cgroups", set at load: the gauges by cgroup kept at all. */
bool seqstate_cgroups_on(void);

void seqstate_cgroups_init(void);
void seqstate_cgroups_exit(void);

/* A namespace comes (its "(other)" entry; process context) and goes (after its readers). */
int seqstate_cgroups_netns_init(const struct net *net);
void seqstate_cgroups_netns_exit(const struct net *net);

/*
 * For a socket's record, under rcu_read_lock(): a reference to the entry of @sk's cgroup
 * in @net (NULL: @net is not counted, or cgroups are off). @sk NULL, or not a full socket:
 * the namespace's "(other)". @may_alloc: not from a probe (which on PREEMPT_RT may not
 * allocate).
 */
struct seqstate_tally *seqstate_cg_get(const struct net *net, const struct sock *sk,
				       bool may_alloc);

/* @net's cgroups, "(other)" first (key 0), then by cgroup id: tallies.h. */
int seqstate_cgroups_read(const struct net *net, struct seqstate_tally_row **rows);

#endif /* _SEQSTATE_CGROUPS_H */
