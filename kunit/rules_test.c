// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the counting rules, fed with the state changes TCP makes (RFC 9293, and the
 * way Linux reports them), on a private set of counters.
 */
#include <kunit/test.h>
#include "../module/counters.h"

struct seqstate_rules_ctx {
	struct seqstate_counters __percpu *c;
	struct seqstate_snapshot snap;
};

static int seqstate_rules_init(struct kunit *test)
{
	struct seqstate_rules_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->c = seqstate_counters_alloc();
	if (!ctx->c)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void seqstate_rules_exit(struct kunit *test)
{
	struct seqstate_rules_ctx *ctx = test->priv;

	seqstate_counters_free(ctx->c);
}

static void seqstate_feed(struct seqstate_rules_ctx *ctx, const int *states, int n)
{
	int i;

	for (i = 1; i < n; i++)
		seqstate_counters_count(ctx->c, states[i - 1], states[i]);
	seqstate_counters_sum(ctx->c, &ctx->snap);
}

/*
 * The books balance: for every gauged state now = at_load + entered - left, entries are
 * the transitions into it, and departures the transitions out of it (for LISTEN, less the
 * accepted children, which the listener does not leave for).
 */
static void seqstate_expect_balanced(struct kunit *test, const struct seqstate_snapshot *s)
{
	u64 in, out;
	int i, j;

	for (i = 1; i < SEQSTATE_NR_STATES; i++) {
		in = 0;
		out = 0;
		for (j = 1; j < SEQSTATE_NR_STATES; j++) {
			in += s->transitions[j][i];
			out += s->transitions[i][j];
		}
		if (i == TCP_LISTEN)
			out -= s->transitions[TCP_LISTEN][TCP_SYN_RECV];
		KUNIT_EXPECT_EQ_MSG(test, in, s->entered[i], "state %d", i);
		if (i == TCP_CLOSE) {
			KUNIT_EXPECT_EQ(test, s->left[i], 0);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, out, s->left[i], "state %d", i);
		KUNIT_EXPECT_EQ_MSG(test, s->now[i],
				    s->at_load[i] + (s64)s->entered[i] - (s64)s->left[i],
				    "state %d", i);
	}
}

/* Listener, client and accepted child of one connection, then both closes. */
static void seqstate_test_rules_connection(struct kunit *test)
{
	static const int listener[] = { TCP_CLOSE, TCP_LISTEN };
	static const int client[] = { TCP_CLOSE, TCP_SYN_SENT, TCP_ESTABLISHED, TCP_FIN_WAIT1,
				      TCP_FIN_WAIT2, TCP_TIME_WAIT };
	/* The child is reported LISTEN -> SYN_RECV: the listener's state, copied. */
	static const int child[] = { TCP_LISTEN, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_CLOSE_WAIT,
				     TCP_LAST_ACK, TCP_CLOSE };
	struct seqstate_rules_ctx *ctx = test->priv;
	struct seqstate_snapshot *s = &ctx->snap;
	int i;

	seqstate_feed(ctx, listener, ARRAY_SIZE(listener));
	seqstate_feed(ctx, client, ARRAY_SIZE(client));
	seqstate_feed(ctx, child, ARRAY_SIZE(child));

	KUNIT_EXPECT_EQ(test, s->now[TCP_LISTEN], 1);
	KUNIT_EXPECT_EQ(test, s->now[TCP_TIME_WAIT], 1);
	for (i = 1; i < SEQSTATE_NR_STATES; i++)
		if (i != TCP_LISTEN && i != TCP_TIME_WAIT)
			KUNIT_EXPECT_EQ_MSG(test, s->now[i], 0, "state %d", i);
	KUNIT_EXPECT_EQ(test, s->entered[TCP_ESTABLISHED], 2);
	KUNIT_EXPECT_EQ(test, s->entered[TCP_LISTEN], 1);
	KUNIT_EXPECT_EQ(test, s->entered[TCP_CLOSE], 1);
	KUNIT_EXPECT_EQ(test, s->transitions[TCP_LISTEN][TCP_SYN_RECV], 1);
	KUNIT_EXPECT_EQ(test, s->transitions[TCP_FIN_WAIT2][TCP_TIME_WAIT], 1);
	KUNIT_EXPECT_EQ(test, s->transitions[TCP_LISTEN][TCP_CLOSE], 0);
	KUNIT_EXPECT_EQ(test, s->left[TCP_LISTEN], 0);
	KUNIT_EXPECT_EQ(test, s->left[TCP_SYN_SENT], 1);
	KUNIT_EXPECT_EQ(test, s->left[TCP_SYN_RECV], 1);
	seqstate_expect_balanced(test, s);

	/* The timewait socket dies; the listener closes. */
	seqstate_counters_count(ctx->c, TCP_TIME_WAIT, TCP_CLOSE);
	seqstate_counters_count(ctx->c, TCP_LISTEN, TCP_CLOSE);
	seqstate_counters_sum(ctx->c, s);
	for (i = 1; i < SEQSTATE_NR_STATES; i++)
		KUNIT_EXPECT_EQ_MSG(test, s->now[i], 0, "state %d", i);
	KUNIT_EXPECT_EQ(test, s->entered[TCP_CLOSE], 3);
	KUNIT_EXPECT_EQ(test, s->left[TCP_LISTEN], 1);
	seqstate_expect_balanced(test, s);
}

/* Sockets found at load count in now and at_load; their later changes balance. */
static void seqstate_test_rules_at_load(struct kunit *test)
{
	struct seqstate_rules_ctx *ctx = test->priv;
	struct seqstate_snapshot *s = &ctx->snap;

	seqstate_counters_add(ctx->c, TCP_ESTABLISHED, 5);
	seqstate_counters_add(ctx->c, TCP_LISTEN, 2);
	seqstate_counters_add(ctx->c, TCP_CLOSE, 7);	/* CLOSE is never gauged */
	seqstate_counters_count(ctx->c, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
	seqstate_counters_count(ctx->c, TCP_LISTEN, TCP_CLOSE);
	seqstate_counters_sum(ctx->c, s);
	KUNIT_EXPECT_EQ(test, s->at_load[TCP_ESTABLISHED], 5);
	KUNIT_EXPECT_EQ(test, s->now[TCP_ESTABLISHED], 4);
	KUNIT_EXPECT_EQ(test, s->now[TCP_CLOSE_WAIT], 1);
	KUNIT_EXPECT_EQ(test, s->now[TCP_LISTEN], 1);
	KUNIT_EXPECT_EQ(test, s->at_load[TCP_CLOSE], 0);
	KUNIT_EXPECT_EQ(test, s->now[TCP_CLOSE], 0);
	seqstate_expect_balanced(test, s);
}

/* Simultaneous close goes through CLOSING; a SYN never answered back to CLOSE. */
static void seqstate_test_rules_closing(struct kunit *test)
{
	static const int side[] = { TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_CLOSING, TCP_TIME_WAIT,
				    TCP_CLOSE };
	static const int lost[] = { TCP_CLOSE, TCP_SYN_SENT, TCP_CLOSE };
	struct seqstate_rules_ctx *ctx = test->priv;

	seqstate_counters_count(ctx->c, TCP_CLOSE, TCP_ESTABLISHED);	/* a connection to close */
	seqstate_feed(ctx, side, ARRAY_SIZE(side));
	seqstate_feed(ctx, lost, ARRAY_SIZE(lost));
	seqstate_expect_balanced(test, &ctx->snap);
	KUNIT_EXPECT_EQ(test, ctx->snap.entered[TCP_CLOSING], 1);
	KUNIT_EXPECT_EQ(test, ctx->snap.transitions[TCP_SYN_SENT][TCP_CLOSE], 1);
	KUNIT_EXPECT_EQ(test, ctx->snap.now[TCP_CLOSING], 0);
	KUNIT_EXPECT_EQ(test, ctx->snap.now[TCP_SYN_SENT], 0);
	KUNIT_EXPECT_EQ(test, ctx->snap.now[TCP_ESTABLISHED], 0);
}

/* Anything outside the eleven states changes nothing. */
static void seqstate_test_rules_invalid(struct kunit *test)
{
	static const int bad[] = { 0, -1, TCP_NEW_SYN_RECV, TCP_NEW_SYN_RECV + 1, 1000 };
	struct seqstate_rules_ctx *ctx = test->priv;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		seqstate_counters_count(ctx->c, bad[i], TCP_ESTABLISHED);
		seqstate_counters_count(ctx->c, TCP_ESTABLISHED, bad[i]);
	}
	seqstate_counters_sum(ctx->c, &ctx->snap);
	for (i = 0; i < SEQSTATE_NR_STATES; i++) {
		KUNIT_EXPECT_EQ(test, ctx->snap.now[i], 0);
		KUNIT_EXPECT_EQ(test, ctx->snap.entered[i], 0);
		for (j = 0; j < SEQSTATE_NR_STATES; j++)
			KUNIT_EXPECT_EQ(test, ctx->snap.transitions[i][j], 0);
	}
}

static struct kunit_case seqstate_rules_cases[] = {
	KUNIT_CASE(seqstate_test_rules_connection),
	KUNIT_CASE(seqstate_test_rules_closing),
	KUNIT_CASE(seqstate_test_rules_at_load),
	KUNIT_CASE(seqstate_test_rules_invalid),
	{}
};

static struct kunit_suite seqstate_rules_suite = {
	.name = "seqstate_rules",
	.init = seqstate_rules_init,
	.exit = seqstate_rules_exit,
	.test_cases = seqstate_rules_cases,
};

kunit_test_suites(&seqstate_rules_suite);
