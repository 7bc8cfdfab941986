// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: seqstate's state names and the counts a real loopback connection leaves.
 * Runs against the loaded seqstate module; the oracle is TCP itself: a handshake
 * takes each side through a known sequence of states.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <seqstate/seqstate.h>

static void seqstate_test_state_names(struct kunit *test)
{
	static const struct {
		int state;
		const char *name;
	} want[] = {
		{ TCP_ESTABLISHED, "established" }, { TCP_SYN_SENT, "syn_sent" },
		{ TCP_SYN_RECV, "syn_recv" },	    { TCP_FIN_WAIT1, "fin_wait1" },
		{ TCP_FIN_WAIT2, "fin_wait2" },	    { TCP_TIME_WAIT, "time_wait" },
		{ TCP_CLOSE, "close" },		    { TCP_CLOSE_WAIT, "close_wait" },
		{ TCP_LAST_ACK, "last_ack" },	    { TCP_LISTEN, "listen" },
		{ TCP_CLOSING, "closing" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_STREQ(test, seqstate_state_name(want[i].state), want[i].name);
	KUNIT_EXPECT_NULL(test, seqstate_state_name(0));
	KUNIT_EXPECT_NULL(test, seqstate_state_name(TCP_NEW_SYN_RECV));
	KUNIT_EXPECT_NULL(test, seqstate_state_name(-1));
}

static struct socket *seqstate_test_socket(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
						  IPPROTO_TCP, &sock));
	return sock;
}

/* One IPv4 loopback connection: listener, client and accepted child. */
static void seqstate_test_loopback_connection(struct kunit *test)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct seqstate_snapshot *before, *after;
	struct socket *lsock, *csock, *child;
	int len = sizeof(addr);

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	lsock = seqstate_test_socket(test);
	csock = seqstate_test_socket(test);

	KUNIT_ASSERT_EQ(test, 0, seqstate_read(&init_net, before));
	KUNIT_ASSERT_EQ(test, 0, kernel_bind(lsock, (struct sockaddr *)&addr, sizeof(addr)));
	KUNIT_ASSERT_EQ(test, 0, kernel_listen(lsock, 1));
	KUNIT_ASSERT_EQ(test, len, kernel_getsockname(lsock, (struct sockaddr *)&addr));
	KUNIT_ASSERT_EQ(test, 0, kernel_connect(csock, (struct sockaddr *)&addr, len, 0));
	KUNIT_ASSERT_EQ(test, 0, kernel_accept(lsock, &child, 0));
	/* The child may still be finishing the handshake under its lock on another CPU. */
	lock_sock(child->sk);
	release_sock(child->sk);
	KUNIT_EXPECT_EQ(test, child->sk->sk_state, TCP_ESTABLISHED);
	KUNIT_ASSERT_EQ(test, 0, seqstate_read(&init_net, after));

	/* listener: CLOSE -> LISTEN; client: CLOSE -> SYN_SENT -> ESTABLISHED;
	 * child: LISTEN (copied) -> SYN_RECV -> ESTABLISHED.
	 */
	KUNIT_EXPECT_EQ(test, after->entered[TCP_LISTEN] - before->entered[TCP_LISTEN], 1);
	KUNIT_EXPECT_EQ(test, after->entered[TCP_SYN_SENT] - before->entered[TCP_SYN_SENT], 1);
	KUNIT_EXPECT_EQ(test, after->entered[TCP_SYN_RECV] - before->entered[TCP_SYN_RECV], 1);
	KUNIT_EXPECT_EQ(test,
			after->entered[TCP_ESTABLISHED] - before->entered[TCP_ESTABLISHED], 2);
	KUNIT_EXPECT_EQ(test, after->entered[TCP_CLOSE] - before->entered[TCP_CLOSE], 0);

	/* The host-wide view holds at least what init_net does. */
	KUNIT_ASSERT_EQ(test, 0, seqstate_read(NULL, before));
	KUNIT_EXPECT_GE(test, before->entered[TCP_ESTABLISHED], after->entered[TCP_ESTABLISHED]);

	sock_release(child);
	sock_release(csock);
	sock_release(lsock);
}

static struct kunit_case seqstate_states_cases[] = {
	KUNIT_CASE(seqstate_test_state_names),
	KUNIT_CASE(seqstate_test_loopback_connection),
	{}
};

static struct kunit_suite seqstate_states_suite = {
	.name = "seqstate_states",
	.test_cases = seqstate_states_cases,
};

kunit_test_suites(&seqstate_states_suite);

MODULE_DESCRIPTION("KUnit suites for seqstate");
MODULE_LICENSE("GPL");
/*
 * seqstate's internals are exported to this namespace, and only on kernels with KUnit
 * (EXPORT_SYMBOL_IF_KUNIT). The string is what MODULE_IMPORT_NS() makes of its argument
 * both before 6.13 (a bare name) and after (a string).
 */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
