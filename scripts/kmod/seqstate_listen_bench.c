// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the kernel's cost of listen() and close(), whatever probes are attached to
 * sock:inet_sock_set_state. At load, in the network namespace of the process that loads
 * it, times @calls rounds of what a server's listen()+close() does: a TCP socket, SO_REUSEADDR,
 * bind to 127.0.0.1:@port, listen, release. Rounds are timed in batches of 10 (bench.h) and
 * the result left in /sys/module/seqstate_listen_bench/parameters/result:
 *
 *	rounds=R ns_per_round=NS ns_per_round_mean=NS
 *
 * Preemption stays enabled: work that the rounds hand to a work item on this CPU (seqstate
 * tracks listeners from one) runs in between and is timed with them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "bench.h"

static unsigned int calls = 2000;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "Rounds to time, a multiple of 10 (default 2000)");

static ushort port = 5001;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "The port on 127.0.0.1 each round listens on (default 5001)");

static char result[160];
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "What the run measured (read-only)");

#define BATCH 10

static int bench_round(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(port),
	};
	struct socket *sock;
	int err;

	err = sock_create(AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	sock_set_reuseaddr(sock->sk);
	/* kernel_bind() takes a struct sockaddr_unsized * from 7.0 on: convert implicitly. */
	err = kernel_bind(sock, (void *)&addr, sizeof(addr));
	if (!err)
		err = kernel_listen(sock, 16);
	sock_release(sock);
	return err;
}

static int __init bench_init(void)
{
	char *p = result, *end = result + sizeof(result);
	u32 b, i, batches;
	int err = 0;
	u64 *t;

	if (calls < BATCH || calls % BATCH) {
		pr_err("calls must be a multiple of %d\n", BATCH);
		return -EINVAL;
	}
	batches = calls / BATCH;
	t = kmalloc_array(batches, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (b = 0; b < batches && !err; b++) {
		t[b] = ktime_get_ns();
		for (i = 0; i < BATCH && !err; i++)
			err = bench_round();
		t[b] = ktime_get_ns() - t[b];
	}
	if (err) {
		pr_err("listen on 127.0.0.1:%u failed: %d\n", port, err);
		kfree(t);
		return err;
	}
	p += scnprintf(p, end - p, "rounds=%u", calls);
	bench_print_stats(&p, end, "ns_per_round", t, batches, BATCH);
	kfree(t);
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("seqstate: ns per listen()+close() in the kernel");
MODULE_LICENSE("GPL");
