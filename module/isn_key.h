/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_KEY_H
#define _SEQSTATE_ISN_KEY_H

#include <linux/percpu.h>
#include <linux/siphash.h>
#include <linux/time64.h>

/*
 * A key, replaced under RCU: writers wait for a grace period before freeing the old one.
 * Everything but the key is what people and the rekey guard need to know about it; none of
 * it changes once the key is published.
 */
struct seqstate_isn_key {
	siphash_key_t key;
	u64 epoch;		/* changes of this key (the host's, or a namespace's) before it */
	time64_t changed_at;	/* wall clock when it was set, for people */
	u64 tcp_since;		/* monotonic ns when TCP began to use it; 0: set while inactive */
};

struct seqstate_isn_key *seqstate_isn_key_new(const siphash_key_t *key);
void seqstate_isn_key_free(struct seqstate_isn_key *k);

/* isn_netns_keys: every network namespace draws a key of its own. */
bool seqstate_isn_netns_keys(void);

/* Calls of the kernel's ISN functions seqstate answered, per CPU (isn_union.c says which). */
struct seqstate_isn_counts {
	u64 v4, v6;
};

struct seqstate_isn_counts __percpu *seqstate_isn_counts_alloc(void);
void seqstate_isn_counts_free(struct seqstate_isn_counts __percpu *c);
struct seqstate_isn_counts seqstate_isn_counts_sum(struct seqstate_isn_counts __percpu *c);

#endif /* _SEQSTATE_ISN_KEY_H */
