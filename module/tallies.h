/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_TALLIES_H
#define _SEQSTATE_TALLIES_H

#include <linux/types.h>
#include <seqstate/seqstate.h>

struct net;
struct sock;
struct seqstate_tally;

/* The states a breakdown's sockets can be in: all but CLOSE, in the states file's order. */
#define SEQSTATE_TALLY_NR_STATES	10
extern const u8 seqstate_tally_states[SEQSTATE_TALLY_NR_STATES];

/*
 * A breakdown of a namespace's sockets by a key read once per socket (its cgroup, its local
 * port): what tallies.c needs to know of the key. Key 0 is the namespace's anchor entry,
 * made with the namespace: its list of entries, its overflow count, and (for cgroups) the
 * "(other)" row.
 */
struct seqstate_tally_kind {
	const unsigned int *max;		/* entries per namespace, the anchor aside */
	int miss;				/* enum seqstate_miss: no entry could be had */
	void (*hold)(unsigned long key);	/* optional: pin what the key points at */
	void (*release)(unsigned long key);
	bool (*keep)(unsigned long key);	/* an unused entry stays (a live cgroup) */
	u64 (*id)(unsigned long key);		/* what rows are sorted and labelled by */
	unsigned long (*key_of_listener)(const struct sock *sk);
};

int seqstate_tallies_init(void);
void seqstate_tallies_exit(void);

/* A namespace comes (its anchor; process context) and goes (after its last probe). */
int seqstate_tallies_netns_init(const struct seqstate_tally_kind *kind, const struct net *net);
void seqstate_tallies_netns_exit(const struct seqstate_tally_kind *kind, const struct net *net);

/*
 * Under rcu_read_lock(): a reference to @net's entry for @key, made if @make (NULL: none,
 * the namespace at its cap, which is counted, or no memory, a missed event). @may_alloc:
 * not from a probe, which on PREEMPT_RT may only use the reserve.
 */
struct seqstate_tally *seqstate_tally_get(const struct seqstate_tally_kind *kind,
					  const struct net *net, unsigned long key, bool make,
					  bool may_alloc);
void seqstate_tally_put(struct seqstate_tally *t);
/* A socket counted in @t moves from @from to @to; 0 is neither (attached, detached). */
void seqstate_tally_count(struct seqstate_tally *t, int from, int to);
/* A socket there before the load, in @state: in the gauge, not in entered. */
void seqstate_tally_found(struct seqstate_tally *t, int state);

/* One entry as a reader sees it, holding it. */
struct seqstate_tally_row {
	struct seqstate_tally *t;
	unsigned long key;		/* 0: the anchor */
	u64 id;
	s64 now[SEQSTATE_NR_STATES];
	u64 entered[SEQSTATE_NR_STATES];
	s64 listeners;			/* listeners of the entry's key, and their queues */
	s64 halfopen;
	s64 accept_queue;
	s64 backlog;
	u64 overflow;			/* the anchor's: entries not made for the cap */
};

/*
 * @net's entries, the anchor first, then by id: how many, or -errno. A listener whose key
 * has no entry has its request socks put on the anchor. Process context.
 */
int seqstate_tallies_read(const struct seqstate_tally_kind *kind, const struct net *net,
			  struct seqstate_tally_row **rows);
void seqstate_tallies_release(struct seqstate_tally_row *rows, int n);

#endif /* _SEQSTATE_TALLIES_H */
