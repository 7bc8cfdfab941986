// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the bookkeeping behind the timewait hooks (module/timewait_table.c), on a private
 * table, with timewait sockets that only carry what the hooks read: the substate and the
 * timer. Each case plays the hooks in an order two CPUs (or two BH tasks on one CPU) can
 * produce, and checks what would be counted.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "../module/timewait_table.h"

#define SEQSTATE_TW_TEST_SOCKS	20

struct seqstate_tw_ctx {
	struct seqstate_tw_table *t;
	struct inet_timewait_sock *tw[SEQSTATE_TW_TEST_SOCKS];
	/* Full sockets are cache-line aligned; the births table keeps 4 bits beside them. */
	struct { u8 b[64]; } __aligned(64) sk[2];
};

static void seqstate_tw_test_timer(struct timer_list *t)
{
}

static int seqstate_tw_test_init(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i;

	if (!ctx)
		return -ENOMEM;
	ctx->t = seqstate_tw_table_alloc(1024);
	if (!ctx->t)
		return -ENOMEM;
	for (i = 0; i < SEQSTATE_TW_TEST_SOCKS; i++) {
		ctx->tw[i] = kunit_kzalloc(test, sizeof(*ctx->tw[i]), GFP_KERNEL);
		if (!ctx->tw[i])
			return -ENOMEM;
		ctx->tw[i]->tw_substate = TCP_FIN_WAIT2;
		/* Pending, as the timer of a live timewait socket is. */
		timer_setup(&ctx->tw[i]->tw_timer, seqstate_tw_test_timer, 0);
		mod_timer(&ctx->tw[i]->tw_timer, jiffies + 3600 * HZ);
	}
	test->priv = ctx;
	return 0;
}

static void seqstate_tw_test_exit(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < SEQSTATE_TW_TEST_SOCKS; i++)
		if (ctx->tw[i])
			del_timer_sync(&ctx->tw[i]->tw_timer);
	seqstate_tw_table_free(ctx->t);
}

static const struct sock *seqstate_tw_test_sk(struct seqstate_tw_ctx *ctx, int i)
{
	return (const struct sock *)&ctx->sk[i];
}

/* The FIN moves tw on; its re-arm comes after. */
static void seqstate_tw_test_store(struct inet_timewait_sock *tw)
{
	WRITE_ONCE(tw->tw_substate, TCP_TIME_WAIT);
}

/* Two copies of one FIN on two CPUs: both see TIME-WAIT at their re-arm; one counts. */
static void seqstate_tw_test_fin_twice(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *tw = ctx->tw[0];

	seqstate_tw_born(ctx->t, tw, seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_test_store(tw);
	seqstate_tw_test_store(tw);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, tw));
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, tw));
	/* ACKs and FINs later in TIME-WAIT re-arm too. */
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, tw));
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, tw), TCP_TIME_WAIT);
}

/* The FIN's re-arm comes first, the timer's death after: TIME-WAIT leaves. */
static void seqstate_tw_test_fin_then_death(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *tw = ctx->tw[0];

	seqstate_tw_born(ctx->t, tw, seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_test_store(tw);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, tw));
	del_timer_sync(&tw->tw_timer);
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, tw), TCP_TIME_WAIT);
}

/*
 * The FIN races the socket's own timer: it stored TIME-WAIT, then the timer killed the
 * socket before the FIN's re-arm. The death leaves FIN-WAIT-2 (what was counted), and the
 * re-arm of a dead socket counts nothing.
 */
static void seqstate_tw_test_death_before_rearm(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *tw = ctx->tw[0];

	seqstate_tw_born(ctx->t, tw, seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_test_store(tw);
	del_timer_sync(&tw->tw_timer);
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, tw), TCP_FIN_WAIT2);
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, tw));
}

/* The death reads FIN-WAIT-2; the FIN, processed late on another CPU, counts nothing. */
static void seqstate_tw_test_death_before_fin(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *tw = ctx->tw[0];

	seqstate_tw_born(ctx->t, tw, seqstate_tw_test_sk(ctx, 0));
	del_timer_sync(&tw->tw_timer);
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, tw), TCP_FIN_WAIT2);
	seqstate_tw_test_store(tw);
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, tw));
}

/* Born in TIME-WAIT: no claim; its re-arms count nothing, its death leaves TIME-WAIT. */
static void seqstate_tw_test_born_time_wait(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *tw = ctx->tw[0];

	seqstate_tw_test_store(tw);
	seqstate_tw_born(ctx->t, tw, seqstate_tw_test_sk(ctx, 0));
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, tw));
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, tw), TCP_TIME_WAIT);
}

/*
 * Two sockets' segments interleaved on one CPU (two BH tasks on 7.x rt): what counts is
 * keyed by socket, so neither step overwrites the other.
 */
static void seqstate_tw_test_interleaved(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *a = ctx->tw[0], *b = ctx->tw[1];

	seqstate_tw_born(ctx->t, a, seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_born(ctx->t, b, seqstate_tw_test_sk(ctx, 1));
	seqstate_tw_test_store(a);
	seqstate_tw_test_store(b);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, b));
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, a));
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, a), TCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, b), TCP_TIME_WAIT);
}

/*
 * Sockets that were there before the hooks: untracked, the death reads the substate; the
 * first segment for one in FIN-WAIT-2 with a live timer adopts it, once.
 */
static void seqstate_tw_test_adopt(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct inet_timewait_sock *old = ctx->tw[0], *adopted = ctx->tw[1];
	struct inet_timewait_sock *dying = ctx->tw[2], *moved = ctx->tw[3];

	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, old), TCP_FIN_WAIT2);

	seqstate_tw_adopt(ctx->t, adopted);
	seqstate_tw_adopt(ctx->t, adopted);
	seqstate_tw_test_store(adopted);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, adopted));
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, adopted));
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, adopted), TCP_TIME_WAIT);

	/* Its timer already stopped: its death is under way, no claim. */
	del_timer_sync(&dying->tw_timer);
	seqstate_tw_adopt(ctx->t, dying);
	seqstate_tw_test_store(dying);
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, dying));

	/* A FIN on another CPU moved it on before the adoption was done: no claim. */
	seqstate_tw_test_store(ctx->tw[4]);
	seqstate_tw_adopt(ctx->t, ctx->tw[4]);
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, ctx->tw[4]));
	KUNIT_EXPECT_EQ(test, seqstate_tw_gone(ctx->t, ctx->tw[4]), TCP_TIME_WAIT);

	/* Born while we watched: already claimed, no second claim. */
	seqstate_tw_born(ctx->t, moved, seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_adopt(ctx->t, moved);
	seqstate_tw_test_store(moved);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(ctx->t, moved));
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(ctx->t, moved));
}

/* A table with one window: the 17th socket finds no slot and stays untracked. */
static void seqstate_tw_test_full(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	struct seqstate_tw_table *small = seqstate_tw_table_alloc(16);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, small);
	for (i = 0; i < 17; i++)
		seqstate_tw_born(small, ctx->tw[i], seqstate_tw_test_sk(ctx, 0));
	for (i = 0; i < 17; i++)
		seqstate_tw_test_store(ctx->tw[i]);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(small, ctx->tw[i]));
	KUNIT_EXPECT_FALSE(test, seqstate_tw_fin(small, ctx->tw[16]));
	/* Freed slots serve again. */
	ctx->tw[17]->tw_substate = TCP_FIN_WAIT2;
	seqstate_tw_born(small, ctx->tw[17], seqstate_tw_test_sk(ctx, 0));
	seqstate_tw_test_store(ctx->tw[17]);
	KUNIT_EXPECT_TRUE(test, seqstate_tw_fin(small, ctx->tw[17]));
	seqstate_tw_table_free(small);
}

/*
 * Births: noted only once the tracepoint is attached (armed), so none is left behind for a
 * socket reusing the address; taken by socket, in any order, once.
 */
static void seqstate_tw_test_births(struct kunit *test)
{
	struct seqstate_tw_ctx *ctx = test->priv;
	const struct sock *sk0 = seqstate_tw_test_sk(ctx, 0), *sk1 = seqstate_tw_test_sk(ctx, 1);

	seqstate_tw_born(ctx->t, ctx->tw[0], sk0);
	KUNIT_EXPECT_EQ(test, seqstate_tw_take(ctx->t, sk0), 0);

	seqstate_tw_table_arm(ctx->t);
	seqstate_tw_born(ctx->t, ctx->tw[1], sk0);
	seqstate_tw_test_store(ctx->tw[2]);
	seqstate_tw_born(ctx->t, ctx->tw[2], sk1);
	KUNIT_EXPECT_EQ(test, seqstate_tw_take(ctx->t, sk1), TCP_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, seqstate_tw_take(ctx->t, sk0), TCP_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, seqstate_tw_take(ctx->t, sk0), 0);
	KUNIT_EXPECT_EQ(test, seqstate_tw_take(ctx->t, sk1), 0);
}

static struct kunit_case seqstate_tw_cases[] = {
	KUNIT_CASE(seqstate_tw_test_fin_twice),
	KUNIT_CASE(seqstate_tw_test_fin_then_death),
	KUNIT_CASE(seqstate_tw_test_death_before_rearm),
	KUNIT_CASE(seqstate_tw_test_death_before_fin),
	KUNIT_CASE(seqstate_tw_test_born_time_wait),
	KUNIT_CASE(seqstate_tw_test_interleaved),
	KUNIT_CASE(seqstate_tw_test_adopt),
	KUNIT_CASE(seqstate_tw_test_full),
	KUNIT_CASE(seqstate_tw_test_births),
	{}
};

static struct kunit_suite seqstate_tw_suite = {
	.name = "seqstate_timewait",
	.init = seqstate_tw_test_init,
	.exit = seqstate_tw_test_exit,
	.test_cases = seqstate_tw_cases,
};

kunit_test_suites(&seqstate_tw_suite);
