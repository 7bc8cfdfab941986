/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_DURATIONS_H
#define _SEQSTATE_DURATIONS_H

#include <linux/percpu.h>
#include <seqstate/seqstate.h>

/*
 * Time spent in each state, recorded as a socket leaves it, in fixed buckets: 10 µs to
 * 100,000 s (27.8 h) by steps of 1 and 3 per decade, then +Inf. One set for every state.
 */
#define SEQSTATE_NR_BOUNDS	21
#define SEQSTATE_NR_BUCKETS	(SEQSTATE_NR_BOUNDS + 1)
extern const u64 seqstate_bucket_ns[SEQSTATE_NR_BOUNDS];
extern const char *const seqstate_bucket_le[SEQSTATE_NR_BUCKETS];

/* One set per CPU, for each network namespace and for the host; writers use this_cpu_*(). */
struct seqstate_durations {
	u64 bucket[SEQSTATE_NR_STATES][SEQSTATE_NR_BUCKETS];
	u64 sum_ns[SEQSTATE_NR_STATES];
	u64 max_ns[SEQSTATE_NR_STATES];
	u64 untimed[SEQSTATE_NR_STATES];	/* left with no known entry time */
};

/* A reader's sum; buckets are per bucket, not cumulative. */
struct seqstate_durations_snapshot {
	u64 bucket[SEQSTATE_NR_STATES][SEQSTATE_NR_BUCKETS];
	u64 count[SEQSTATE_NR_STATES];
	u64 sum_ns[SEQSTATE_NR_STATES];
	u64 max_ns[SEQSTATE_NR_STATES];
	u64 untimed[SEQSTATE_NR_STATES];
	u64 oldest_ns[SEQSTATE_NR_STATES];	/* age of the oldest socket in it now, or 0 */
};

unsigned int seqstate_bucket_of(u64 ns);
struct seqstate_durations __percpu *seqstate_durations_alloc(void);
void seqstate_durations_free(struct seqstate_durations __percpu *d);
void seqstate_durations_add(struct seqstate_durations __percpu *d, int state, u64 ns);
void seqstate_durations_untimed(struct seqstate_durations __percpu *d, int state);
void seqstate_durations_sum(struct seqstate_durations __percpu *d,
			    struct seqstate_durations_snapshot *snap);
u64 seqstate_durations_quantile(const struct seqstate_durations_snapshot *snap, int state,
				unsigned int permille);

#endif /* _SEQSTATE_DURATIONS_H */
