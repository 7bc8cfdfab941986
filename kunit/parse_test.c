// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what seqstate's writable files accept. Anything but the value and at most one
 * newline is -EINVAL, and a rejected input leaves the output untouched.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/socket.h>
#include <linux/string.h>
#include "../module/parse.h"

static void seqstate_test_parse_uint(struct kunit *test)
{
	static const struct {
		const char *in;
		unsigned int max, want;
	} good[] = {
		{ "0", 1, 0 }, { "1\n", 1, 1 }, { "60", UINT_MAX, 60 }, { "0\n", 100, 0 },
		{ "4294967295", UINT_MAX, 4294967295U }, { "65535\n", 65535, 65535 },
	};
	static const struct {
		const char *in;
		unsigned int max;
	} bad[] = {
		{ "", 1 }, { "\n", 1 }, { "2", 1 }, { "+1", 1 }, { "-0", 1 }, { " 1", 1 },
		{ "1 ", 1 }, { "1\n\n", 1 }, { "1x", 1 }, { "y", 1 }, { "on", 1 }, { "0x1", 1 },
		{ "4294967296", UINT_MAX }, { "99999999999", UINT_MAX }, { "65536", 65535 },
		{ "1\t", 1 }, { "1\r\n", 1 }, { "1.0", 1 }, { "01", 1 }, { "060", 100 },
		{ "00", 1 },
	};
	unsigned int v;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 12345;
		err = seqstate_parse_uint(good[i].in, strlen(good[i].in), good[i].max, &v);
		KUNIT_EXPECT_EQ_MSG(test, 0, err, "'%s'", good[i].in);
		KUNIT_EXPECT_EQ_MSG(test, good[i].want, v, "'%s'", good[i].in);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 12345;
		err = seqstate_parse_uint(bad[i].in, strlen(bad[i].in), bad[i].max, &v);
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, err, "'%s'", bad[i].in);
		KUNIT_EXPECT_EQ_MSG(test, 12345U, v, "'%s' changed the value", bad[i].in);
	}
	/* a NUL inside: what a write(2) of binary bytes hands the store */
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_uint("1\0", 2, 1, &v));
	/* a value, a NUL and junk: strlen() would see a valid "60" */
	v = 12345;
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_uint("60\0junk", 7, UINT_MAX, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_uint("1\0\n", 3, 1, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_uint("1\n\0", 3, 1, &v));
	KUNIT_EXPECT_EQ(test, 12345U, v);
}

static void seqstate_test_parse_tuple(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "10.0.0.1 80 10.0.0.2", "10.0.0.1 80 10.0.0.2 80 9",
		"10.0.0.1  80 10.0.0.2 80", " 10.0.0.1 80 10.0.0.2 80", "10.0.0.1 80 10.0.0.2 80 ",
		"10.0.0.1 80 10.0.0.2 80\n\n", "10.0.0.1 -1 10.0.0.2 80",
		"10.0.0.1 65536 10.0.0.2 80",
		"10.0.0.1 +80 10.0.0.2 80", "10.0.0.1 0x50 10.0.0.2 80", "10.0.0.1 80 ::1 80",
		"::1 80 10.0.0.2 80", "10.0.0.256 80 10.0.0.2 80", "10.0.0.1x 80 10.0.0.2 80",
		"10.0.0 80 10.0.0.2 80", "10.0.0.1:80 10.0.0.2:80", "::g 80 ::1 80",
		"fd00::1 80 fd00::2 80x",
	};
	struct seqstate_tuple t;
	int i;

	KUNIT_ASSERT_EQ(test, 0, seqstate_parse_tuple("10.0.0.1 80 10.0.0.2 65535\n", 27, &t));
	KUNIT_EXPECT_EQ(test, AF_INET, t.family);
	KUNIT_EXPECT_TRUE(test, t.laddr.s6_addr32[0] == htonl(0x0a000001));
	KUNIT_EXPECT_TRUE(test, t.raddr.s6_addr32[0] == htonl(0x0a000002));
	KUNIT_EXPECT_TRUE(test, t.lport == htons(80));
	KUNIT_EXPECT_TRUE(test, t.rport == htons(65535));

	KUNIT_ASSERT_EQ(test, 0, seqstate_parse_tuple("fd00::1 0 fd00::2 443", 21, &t));
	KUNIT_EXPECT_EQ(test, AF_INET6, t.family);
	KUNIT_EXPECT_EQ(test, 0xfd, t.laddr.s6_addr[0]);
	KUNIT_EXPECT_EQ(test, 1, t.laddr.s6_addr[15]);
	KUNIT_EXPECT_EQ(test, 2, t.raddr.s6_addr[15]);
	KUNIT_EXPECT_TRUE(test, t.lport == htons(0));
	KUNIT_EXPECT_TRUE(test, t.rport == htons(443));

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, seqstate_parse_tuple(bad[i], strlen(bad[i]), &t),
				    "'%s'", bad[i]);
	/* a NUL inside an address, or after a valid tuple */
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_tuple("10.0.0.1\0 80 10.0.0.2 80", 24, &t));
	KUNIT_EXPECT_EQ(test, -EINVAL, seqstate_parse_tuple("10.0.0.1 80 10.0.0.2 80\0x", 25, &t));
}

/* Peer groups: the forms taken, and everything around them that is not. */
static void seqstate_test_parse_peer_groups(struct kunit *test)
{
	static const char *const bad[] = {
		"db", "db ", " db 10.0.0.0/8", "db  10.0.0.0/8", "db 10.0.0.1/8", "db 10.0.0.0/33",
		"db 10.0.0.0/08", "db 10.0.0.0/", "db 10.0.0.0/8 0", "db 10.0.0.0/8 65536",
		"db 10.0.0.0/8 5432,", "DB 10.0.0.0/8", "db 10.0.0.0/8,", "db ,10.0.0.0/8",
		"db 10.0.0.0/8\n\ncache ::/0", "\ndb 10.0.0.0/8", "db 10.0.0.0/8\n\n",
		"db 10.0.0.0/8\ndb 10.1.0.0/16", "db 10.0.0.0/8 5432 x", "db fd00::1/64",
		"db ::/129", "db 10.0.0.0/8 5432 ", "db 127.0.0.1:80", "\n\n", " ",
		"a23456789012345678901234567890123 10.0.0.0/8",
	};
	struct seqstate_peer_group *g;
	const char *in;
	int i, n;

	g = kunit_kcalloc(test, SEQSTATE_PEER_GROUPS, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_EXPECT_EQ(test, 0, seqstate_parse_peer_groups("\n", 1, g));
	KUNIT_EXPECT_EQ(test, 0, seqstate_parse_peer_groups("", 0, g));

	in = "db 127.1.0.0/16,fd00:1::/64 5432,5433\ncache 10.0.0.1\n";
	n = seqstate_parse_peer_groups(in, strlen(in), g);
	KUNIT_ASSERT_EQ(test, 2, n);
	KUNIT_EXPECT_STREQ(test, "db", g[0].name);
	KUNIT_EXPECT_EQ(test, 2, g[0].nr_nets);
	KUNIT_EXPECT_EQ(test, AF_INET, g[0].nets[0].family);
	KUNIT_EXPECT_EQ(test, 16, g[0].nets[0].plen);
	KUNIT_EXPECT_EQ(test, 0x7f010000U, ntohl(g[0].nets[0].addr.s6_addr32[0]));
	KUNIT_EXPECT_EQ(test, AF_INET6, g[0].nets[1].family);
	KUNIT_EXPECT_EQ(test, 64, g[0].nets[1].plen);
	KUNIT_EXPECT_EQ(test, 2, g[0].nr_ports);
	KUNIT_EXPECT_EQ(test, 5433, g[0].ports[1]);
	KUNIT_EXPECT_STREQ(test, "cache", g[1].name);
	KUNIT_EXPECT_EQ(test, 32, g[1].nets[0].plen);
	KUNIT_EXPECT_EQ(test, 0, g[1].nr_ports);

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    seqstate_parse_peer_groups(bad[i], strlen(bad[i]), g),
				    "'%s'", bad[i]);
}

static struct kunit_case seqstate_parse_cases[] = {
	KUNIT_CASE(seqstate_test_parse_uint),
	KUNIT_CASE(seqstate_test_parse_tuple),
	KUNIT_CASE(seqstate_test_parse_peer_groups),
	{}
};

static struct kunit_suite seqstate_parse_suite = {
	.name = "seqstate_parse",
	.test_cases = seqstate_parse_cases,
};

kunit_test_suites(&seqstate_parse_suite);
