// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the buckets of the duration histograms and the quantiles read from them, on a
 * private set. The oracle is the definition: Prometheus' "le" (a duration on a bound is
 * in that bound's bucket) and histogram_quantile() (linear within the bucket), worked out
 * by hand below.
 */
#include <kunit/test.h>
#include <linux/time64.h>
#include "../module/durations.h"

static void seqstate_test_buckets(struct kunit *test)
{
	u64 bound, prev;
	unsigned int b;

	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(0), 0U);
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(10 * NSEC_PER_USEC), 0U);
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(10 * NSEC_PER_USEC + 1), 1U);
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(60 * NSEC_PER_SEC), 14U);	/* (30, 100] s */
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(100000 * NSEC_PER_SEC), 20U);
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(100000 * NSEC_PER_SEC + 1), 21U);	/* +Inf */
	KUNIT_EXPECT_EQ(test, seqstate_bucket_of(U64_MAX), 21U);
	for (b = 0; b < SEQSTATE_NR_BOUNDS; b++) {
		KUNIT_EXPECT_EQ(test, seqstate_bucket_of(seqstate_bucket_ns[b]), b);
		KUNIT_EXPECT_EQ(test, seqstate_bucket_of(seqstate_bucket_ns[b] + 1), b + 1);
		if (!b)
			continue;
		/* Steps of 1 and 3 per decade. */
		bound = seqstate_bucket_ns[b];
		prev = seqstate_bucket_ns[b - 1];
		KUNIT_EXPECT_TRUE(test, bound == 3 * prev || 3 * bound == 10 * prev);
	}
	KUNIT_EXPECT_STREQ(test, seqstate_bucket_le[10], "1");
	KUNIT_EXPECT_STREQ(test, seqstate_bucket_le[SEQSTATE_NR_BUCKETS - 1], "+Inf");
}

static void seqstate_test_quantiles(struct kunit *test)
{
	struct seqstate_durations_snapshot *snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);
	int s = TCP_CLOSE_WAIT;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 500), 0ULL);
	/* 50 in (1, 3] ms, 50 in (10, 30] ms, the longest 25 ms. */
	snap->bucket[s][seqstate_bucket_of(2 * NSEC_PER_MSEC)] = 50;
	snap->bucket[s][seqstate_bucket_of(20 * NSEC_PER_MSEC)] = 50;
	snap->count[s] = 100;
	snap->max_ns[s] = 25 * NSEC_PER_MSEC;
	/* Rank 50: the top of (1, 3] ms. */
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 500), 3 * NSEC_PER_MSEC);
	/* Rank 25: half way through it. */
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 250), 2 * NSEC_PER_MSEC);
	/* Rank 70: 20 of 50 into (10, 30] ms: 10 + 20 * 20 / 50 = 18 ms. */
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 700), 18 * NSEC_PER_MSEC);
	/* Rank 90: 26 ms by the bucket, above the longest seen: 25 ms. */
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 900), 25 * NSEC_PER_MSEC);
	/* One above every bound: only the longest seen says how long. */
	snap->bucket[s][SEQSTATE_NR_BUCKETS - 1] = 100;
	snap->count[s] = 200;
	snap->max_ns[s] = 200000ULL * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, seqstate_durations_quantile(snap, s, 990), 200000ULL * NSEC_PER_SEC);
}

static struct kunit_case seqstate_durations_cases[] = {
	KUNIT_CASE(seqstate_test_buckets),
	KUNIT_CASE(seqstate_test_quantiles),
	{}
};

static struct kunit_suite seqstate_durations_suite = {
	.name = "seqstate_durations",
	.test_cases = seqstate_durations_cases,
};

kunit_test_suites(&seqstate_durations_suite);
