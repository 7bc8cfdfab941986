// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: seqstate's ISN function. SipHash against the paper's reference vectors; F against
 * scripts/ref/isn_ref.py, an implementation that shares no code with the kernel; the 4 us
 * clock; keys.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/inet.h>
#include <linux/ktime.h>
#include <seqstate/isn.h>

/* SipHash-2-4 of bytes 00..n-1 under key 00..0f (Aumasson & Bernstein, vectors.h). */
static const u64 seqstate_siphash_vectors[] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
	0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
	0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
	0xa129ca6149be45e5ULL,
};

static void seqstate_test_siphash_vectors(struct kunit *test)
{
	const siphash_key_t key = { { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } };
	u8 in[ARRAY_SIZE(seqstate_siphash_vectors)] __aligned(SIPHASH_ALIGNMENT);
	int i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = i;
	for (i = 0; i < ARRAY_SIZE(seqstate_siphash_vectors); i++)
		KUNIT_EXPECT_EQ_MSG(test, siphash(in, i, &key), seqstate_siphash_vectors[i],
				    "vector %d", i);
}

static const struct {
	const char *key, *laddr;
	u16 lport;
	const char *raddr;
	u16 rport;
	u32 f, ts_off;
} seqstate_isn_vectors[] = {
#include "isn_vectors.h"
};

static u64 seqstate_test_hash(struct kunit *test, const siphash_key_t *key, int i)
{
	struct in6_addr l6, r6;
	__be32 l4, r4;

	if (in4_pton(seqstate_isn_vectors[i].laddr, -1, (u8 *)&l4, -1, NULL)) {
		KUNIT_ASSERT_TRUE(test, in4_pton(seqstate_isn_vectors[i].raddr, -1, (u8 *)&r4,
						 -1, NULL));
		return seqstate_isn_hash_v4(key, l4, r4, htons(seqstate_isn_vectors[i].lport),
					    htons(seqstate_isn_vectors[i].rport));
	}
	KUNIT_ASSERT_TRUE(test, in6_pton(seqstate_isn_vectors[i].laddr, -1, (u8 *)&l6, -1, NULL));
	KUNIT_ASSERT_TRUE(test, in6_pton(seqstate_isn_vectors[i].raddr, -1, (u8 *)&r6, -1, NULL));
	return seqstate_isn_hash_v6(key, &l6, &r6, htons(seqstate_isn_vectors[i].lport),
				    htons(seqstate_isn_vectors[i].rport));
}

/* F and the timestamp offset, IPv4 and IPv6, against the reference implementation. */
static void seqstate_test_isn_reference(struct kunit *test)
{
	siphash_key_t key;
	u64 h;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(seqstate_isn_vectors); i++) {
		KUNIT_ASSERT_EQ(test, 0, seqstate_isn_parse_key(seqstate_isn_vectors[i].key, 32,
								&key));
		h = seqstate_test_hash(test, &key, i);
		KUNIT_EXPECT_EQ_MSG(test, (u32)h, seqstate_isn_vectors[i].f, "tuple %d", i);
		KUNIT_EXPECT_EQ_MSG(test, (u32)(h >> 32), seqstate_isn_vectors[i].ts_off,
				    "tuple %d", i);
		/* Distinct tuples or keys, distinct F. */
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, seqstate_isn_vectors[i].f, seqstate_isn_vectors[j].f);
	}
}

/*
 * A tuple's ISN advances by elapsed ns / 4000, within one tick: each reading of the ISN is
 * bracketed by clock readings, outside and inside.
 */
static void seqstate_test_isn_clock(struct kunit *test)
{
	const __be32 l = htonl(0xc0000201), r = htonl(0xc6336407);
	const __be16 lp = htons(40000), rp = htons(80);
	u64 out0, in0, in1, out1;
	s64 ticks;
	u32 i0, i1;

	out0 = ktime_get_ns();
	i0 = seqstate_isn_v4(&init_net, l, r, lp, rp);
	in0 = ktime_get_ns();
	msleep(20);
	in1 = ktime_get_ns();
	i1 = seqstate_isn_v4(&init_net, l, r, lp, rp);
	out1 = ktime_get_ns();

	ticks = (u32)(i1 - i0);
	KUNIT_EXPECT_GE(test, ticks, (s64)div_u64(in1 - in0, SEQSTATE_ISN_TICK_NS) - 1);
	KUNIT_EXPECT_LE(test, ticks, (s64)div_u64(out1 - out0, SEQSTATE_ISN_TICK_NS) + 1);
}

static void seqstate_test_isn_keys(struct kunit *test)
{
	static const char *const bad[] = {
		"000102030405060708090a0b0c0d0e0",	/* 31 digits */
		"000102030405060708090a0b0c0d0e0f0",	/* 33 */
		"000102030405060708090a0b0c0d0e0g",	/* not hex */
		"000102030405060708090a0b0c0d0e0f\n\n",	/* two newlines */
		"000102030405060708090a0b0c0d0e0f x",	/* trailing junk */
		" 000102030405060708090a0b0c0d0e0f",
		"",
	};
	const siphash_key_t want = { { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL } };
	siphash_key_t key = { { 1, 2 } };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, seqstate_isn_parse_key(bad[i], strlen(bad[i]),
									  &key), "%s", bad[i]);
		KUNIT_EXPECT_EQ(test, key.key[0], 1ULL);	/* unchanged */
		KUNIT_EXPECT_EQ(test, key.key[1], 2ULL);
	}
	/* a valid key, then a NUL: strlen() would see 32 good digits */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			seqstate_isn_parse_key("000102030405060708090a0b0c0d0e0f\0", 33, &key));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			seqstate_isn_parse_key("000102030405060708090a0b0c0d0e0f\0\n", 34, &key));
	KUNIT_EXPECT_EQ(test, key.key[0], 1ULL);
	KUNIT_ASSERT_EQ(test, 0, seqstate_isn_parse_key("000102030405060708090A0B0C0D0E0F\n", 33,
							&key));
	KUNIT_EXPECT_EQ(test, key.key[0], want.key[0]);
	KUNIT_EXPECT_EQ(test, key.key[1], want.key[1]);

	/* A new key, a new F for the same tuple. */
	key.key[1] ^= 1;
	KUNIT_EXPECT_NE(test, (u32)seqstate_isn_hash_v4(&key, htonl(0xc0000201),
							htonl(0xc6336407), htons(1), htons(2)),
			(u32)seqstate_isn_hash_v4(&want, htonl(0xc0000201), htonl(0xc6336407),
						  htons(1), htons(2)));
}

static struct kunit_case seqstate_isn_cases[] = {
	KUNIT_CASE(seqstate_test_siphash_vectors),
	KUNIT_CASE(seqstate_test_isn_reference),
	KUNIT_CASE(seqstate_test_isn_clock),
	KUNIT_CASE(seqstate_test_isn_keys),
	{}
};

static struct kunit_suite seqstate_isn_suite = {
	.name = "seqstate_isn",
	.test_cases = seqstate_isn_cases,
};

kunit_test_suites(&seqstate_isn_suite);
