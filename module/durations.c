// SPDX-License-Identifier: GPL-2.0
/*
 * Histograms of the time sockets spend in each state, per CPU, for each network namespace
 * and for the host. records.c measures; this file counts and sums.
 */
#include <linux/cpumask.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "compat.h"
#include "counters.h"
#include "durations.h"

#define SEQSTATE_US	1000ULL
#define SEQSTATE_S	1000000000ULL

/* Steps of 1 and 3: the TIME-WAIT and FIN-WAIT-2 timeouts (60 s) sit far from a bound. */
const u64 seqstate_bucket_ns[SEQSTATE_NR_BOUNDS] = {
	10 * SEQSTATE_US, 30 * SEQSTATE_US, 100 * SEQSTATE_US, 300 * SEQSTATE_US,
	1000 * SEQSTATE_US, 3000 * SEQSTATE_US, 10000 * SEQSTATE_US, 30000 * SEQSTATE_US,
	SEQSTATE_S / 10, 3 * SEQSTATE_S / 10, SEQSTATE_S, 3 * SEQSTATE_S,
	10 * SEQSTATE_S, 30 * SEQSTATE_S, 100 * SEQSTATE_S, 300 * SEQSTATE_S,
	1000 * SEQSTATE_S, 3000 * SEQSTATE_S, 10000 * SEQSTATE_S, 30000 * SEQSTATE_S,
	100000 * SEQSTATE_S,
};
EXPORT_SYMBOL_IF_KUNIT(seqstate_bucket_ns);

/* The bounds as Prometheus "le" labels, in seconds. */
const char *const seqstate_bucket_le[SEQSTATE_NR_BUCKETS] = {
	"1e-05", "3e-05", "0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3",
	"1", "3", "10", "30", "100", "300", "1000", "3000", "10000", "30000", "100000", "+Inf",
};
EXPORT_SYMBOL_IF_KUNIT(seqstate_bucket_le);

/* The bucket of a duration: the first whose bound is >= @ns (Prometheus' "le"). */
unsigned int seqstate_bucket_of(u64 ns)
{
	unsigned int lo = 0, hi = SEQSTATE_NR_BOUNDS, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (ns <= seqstate_bucket_ns[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_bucket_of);

struct seqstate_durations __percpu *seqstate_durations_alloc(void)
{
	return seqstate_percpu_alloc(sizeof(struct seqstate_durations),
				     __alignof__(struct seqstate_durations));
}

void seqstate_durations_free(struct seqstate_durations __percpu *d)
{
	seqstate_percpu_free(d, sizeof(*d));
}

/* Any context, preemptible from 7.0 on: this_cpu_*() only. */
void seqstate_durations_add(struct seqstate_durations __percpu *d, int state, u64 ns)
{
	u64 max;

	this_cpu_inc(d->bucket[state][seqstate_bucket_of(ns)]);
	this_cpu_add(d->sum_ns[state], ns);
	max = this_cpu_read(d->max_ns[state]);
	while (ns > max) {
		u64 seen = this_cpu_cmpxchg(d->max_ns[state], max, ns);

		if (seen == max)
			break;
		max = seen;
	}
}

void seqstate_durations_untimed(struct seqstate_durations __percpu *d, int state)
{
	this_cpu_inc(d->untimed[state]);
}

void seqstate_durations_sum(struct seqstate_durations __percpu *d,
			    struct seqstate_durations_snapshot *snap)
{
	int cpu, s, b;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct seqstate_durations *pc = per_cpu_ptr(d, cpu);

		for (s = 0; s < SEQSTATE_NR_STATES; s++) {
			for (b = 0; b < SEQSTATE_NR_BUCKETS; b++)
				snap->bucket[s][b] += READ_ONCE(pc->bucket[s][b]);
			snap->sum_ns[s] += READ_ONCE(pc->sum_ns[s]);
			snap->max_ns[s] = max(snap->max_ns[s], READ_ONCE(pc->max_ns[s]));
			snap->untimed[s] += READ_ONCE(pc->untimed[s]);
		}
	}
	for (s = 0; s < SEQSTATE_NR_STATES; s++)
		for (b = 0; b < SEQSTATE_NR_BUCKETS; b++)
			snap->count[s] += snap->bucket[s][b];
}

/*
 * The @permille quantile of @state's durations, as Prometheus' histogram_quantile()
 * estimates it: linear within the bucket that holds it, never above the longest seen. 0
 * when nothing was recorded.
 */
u64 seqstate_durations_quantile(const struct seqstate_durations_snapshot *snap, int state,
				unsigned int permille)
{
	u64 rank, below = 0, lo = 0, hi, n;
	unsigned int b;

	if (!snap->count[state])
		return 0;
	rank = div_u64(snap->count[state] * permille + 999, 1000);
	for (b = 0; b < SEQSTATE_NR_BUCKETS; b++) {
		n = snap->bucket[state][b];
		if (below + n >= rank && n)
			break;
		below += n;
		lo = b < SEQSTATE_NR_BOUNDS ? seqstate_bucket_ns[b] : lo;
	}
	if (b >= SEQSTATE_NR_BOUNDS)
		return snap->max_ns[state];
	hi = seqstate_bucket_ns[b];
	return min(lo + mul_u64_u64_div_u64(hi - lo, rank - below, n), snap->max_ns[state]);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_durations_quantile);
