/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PEERS_H
#define _SEQSTATE_PEERS_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <seqstate/seqstate.h>
#include "parse.h"

struct net;
struct seqstate_peer_set;

/* A namespace's peer groups: the set in force, replaced as a whole. */
struct seqstate_peers {
	struct seqstate_peer_set __rcu *set;	/* NULL: no groups */
	struct mutex lock;			/* replacements */
	unsigned long last;			/* jiffies of the last one */
	u16 gen;				/* of its last set, never 0 */
};

/* The module parameter "peers", set at load: gauges by peer group kept at all. */
bool seqstate_peers_on(void);
void seqstate_peers_init(void);
void seqstate_peers_exit(void);

void seqstate_peers_netns_init(struct seqstate_peers *p);
/* Once no probe and no reader can see @p. */
void seqstate_peers_netns_exit(struct seqstate_peers *p);

/*
 * For the records, under rcu_read_lock() and a record's bucket lock (which orders them
 * against a replacement's recount): the set in force, or NULL.
 */
const struct seqstate_peer_set *seqstate_peers_current(struct seqstate_peers *p);
u16 seqstate_peer_set_gen(const struct seqstate_peer_set *set);
/* The groups whose CIDRs and ports @sk's remote end matches (a full or timewait socket). */
u64 seqstate_peers_match(const struct seqstate_peer_set *set, const void *sk);
/* A socket in the groups of @mask moves from @from to @to (0: neither); @found: at load. */
void seqstate_peers_count(const struct seqstate_peer_set *set, u64 mask, int from, int to,
			  bool found);

/* A read of @p's groups and their sums, under @p->lock; NULL: no groups or no memory. */
struct seqstate_peer_row {
	char name[SEQSTATE_PEER_NAME + 1];
	s64 now[SEQSTATE_NR_STATES];
	u64 entered[SEQSTATE_NR_STATES];
};

struct seqstate_peers_snapshot {
	u16 gen;
	int n;
	struct seqstate_peer_row rows[];
};

struct seqstate_peers_snapshot *seqstate_peers_read(struct seqstate_peers *p);
/* The groups as written, one per line, into @seq. */
struct seq_file;
void seqstate_peers_show_groups(struct seq_file *seq, struct seqstate_peers *p);
/*
 * Replace @net's groups with those in @buf: -EINVAL (malformed), -EBUSY (within a second
 * of the last), -EINTR, or 0 once every socket of @net is counted in the new set.
 */
int seqstate_peers_replace(struct net *net, struct seqstate_peers *p, const char *buf,
			   size_t len);

#endif /* _SEQSTATE_PEERS_H */
