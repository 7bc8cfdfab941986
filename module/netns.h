/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_NETNS_H
#define _SEQSTATE_NETNS_H

#include <linux/percpu.h>
#include <linux/siphash.h>
#include <linux/types.h>

struct net;
struct seqstate_peers;
struct seqstate_isn_counts;
struct seqstate_isn_key;
struct seqstate_durations_snapshot;

int seqstate_netns_init(void);
void seqstate_netns_exit(void);

/* Once the probes are attached: count the sockets every namespace already has. */
void seqstate_netns_baseline(void);

/*
 * Count one state change of a TCP socket of @net, and for the host, and time it if @sk
 * (a full or a timewait socket) is given; safe in any context.
 */
void seqstate_netns_count(struct net *net, const void *sk, int oldstate, int newstate);
/* The full socket @sk is replaced by the timewait socket @tw: its record goes over to it. */
void seqstate_netns_timewait_born(struct net *net, const void *sk, const void *tw,
				  int oldstate, int newstate);
/* @net's histograms and oldest ages, or the host's (@net NULL); -ENODATA: durations=0. */
int seqstate_read_durations(struct net *net, struct seqstate_durations_snapshot *snap);
/* @net's peer groups, or NULL; valid while a file of @net's is open. */
struct seqstate_peers *seqstate_netns_peers(const struct net *net);

/* Add @diffs to @net's count of differences verify found; the new count (0: not counted). */
s64 seqstate_netns_drift_add(const struct net *net, int diffs);

/*
 * @net's ISN state, in one lookup: its own key (NULL if it has none) and its counts of ISN
 * calls answered (NULL if @net is not counted). Caller holds rcu_read_lock[_sched]().
 */
void seqstate_netns_isn(const struct net *net, const siphash_key_t **key,
			struct seqstate_isn_counts __percpu **counts);
const siphash_key_t *seqstate_netns_isn_key(const struct net *net);

/* Give @net the key @k, which it then owns. Waits for readers of the old one. */
int seqstate_netns_set_isn_key(const struct net *net, struct seqstate_isn_key *k);

#endif /* _SEQSTATE_NETNS_H */
