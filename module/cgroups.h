/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_CGROUPS_H
#define _SEQSTATE_CGROUPS_H

#include <linux/types.h>
#include <seqstate/seqstate.h>

struct cgroup;
struct net;
struct sock;
struct seqstate_cg;

/* The module parameter "cgroups", set at load: the gauges by cgroup kept at all. */
bool seqstate_cgroups_on(void);

int seqstate_cgroups_init(void);
void seqstate_cgroups_exit(void);

/* A namespace comes (its "(other)" entry; process context) and goes (after its readers). */
int seqstate_cgroups_netns_init(const struct net *net);
void seqstate_cgroups_netns_exit(const struct net *net);

/*
 * For a socket's record, under rcu_read_lock(): a reference to the entry of @sk's cgroup
 * in @net (NULL: @net is not counted). @sk NULL, or not a full socket: the namespace's
 * "(other)". @may_alloc: not from a probe (which on PREEMPT_RT may not allocate).
 */
struct seqstate_cg *seqstate_cg_get(const struct net *net, const struct sock *sk,
				    bool may_alloc);
void seqstate_cg_put(struct seqstate_cg *cg);
/* A socket counted in @cg moves from @from to @to; 0 is neither (attached, detached). */
void seqstate_cg_count(struct seqstate_cg *cg, int from, int to);
/* A socket there before the load, in @state: in the gauge, not in entered. */
void seqstate_cg_found(struct seqstate_cg *cg, int state);

/* One entry as a reader sees it, holding it. */
struct seqstate_cg_row {
	struct seqstate_cg *cg;
	struct cgroup *cgrp;		/* NULL: "(other)" */
	u64 id;				/* cgroup_id(), 0 for "(other)" */
	s64 now[SEQSTATE_NR_STATES];
	u64 entered[SEQSTATE_NR_STATES];
	s64 halfopen;			/* request socks on its listeners */
	u64 overflow;			/* (other): sockets counted here for the cap */
};

/* @net's entries by id, "(other)" first: how many, or -errno. Process context. */
int seqstate_cgroups_read(const struct net *net, struct seqstate_cg_row **rows);
void seqstate_cgroups_release(struct seqstate_cg_row *rows, int n);

#endif /* _SEQSTATE_CGROUPS_H */
