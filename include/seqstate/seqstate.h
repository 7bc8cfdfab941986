/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seqstate: TCP state accounting and an RFC 6528 ISN generator.
 * The interface other modules (and seqstate's KUnit suites) may use.
 */
#ifndef _SEQSTATE_SEQSTATE_H
#define _SEQSTATE_SEQSTATE_H

#include <linux/types.h>
#include <net/tcp_states.h>

struct net;

/* Counters are indexed by enum tcp_state; index 0 and the kernel's pseudo-states are unused. */
#define SEQSTATE_NR_STATES	(TCP_CLOSING + 1)

struct seqstate_snapshot {
	u64 entered[SEQSTATE_NR_STATES];		/* since load */
	u64 left[SEQSTATE_NR_STATES];			/* since load; never for CLOSE */
	u64 transitions[SEQSTATE_NR_STATES][SEQSTATE_NR_STATES];	/* [from][to], since load */
	s64 now[SEQSTATE_NR_STATES];		/* sockets in that state now, as ss counts */
	s64 at_load[SEQSTATE_NR_STATES];	/* found by the walk at load */
	s64 halfopen;					/* request socks, part of now[syn_recv] */
};

/* "established", "syn_sent", ...: the enum's name without TCP_, lowercase; NULL otherwise. */
const char *seqstate_state_name(int state);

/*
 * Sum the counters of @net, or of the whole host when @net is NULL, into @snap.
 * Returns -ENOENT when @net is being torn down and no longer counted.
 */
int seqstate_read(struct net *net, struct seqstate_snapshot *snap);

#endif /* _SEQSTATE_SEQSTATE_H */
