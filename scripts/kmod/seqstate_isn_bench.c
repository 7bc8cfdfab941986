// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: nanoseconds per ISN. At load, times the kernel's own
 * secure_tcp[v6]_seq_and_ts_off() and seqstate's exported generator, interleaved in
 * batches so that any drift of the machine's speed hits both alike, and leaves the result
 * in /sys/module/seqstate_isn_bench/parameters/result:
 *
 *	kernel_v4=NS seqstate_v4=NS kernel_v6=NS seqstate_v6=NS	(ns per call, 3 decimals)
 *
 * With seqstate's isn/active=1 the kernel's functions are redirected to seqstate's, so
 * "kernel" then measures what TCP pays per ISN with the hook in place. Needs a tree with
 * the union API (6.1.191 and later).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <net/net_namespace.h>
#include <net/secure_seq.h>
#include <seqstate/isn.h>

static unsigned int calls = 100000;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "Calls per function and family (default 100000)");

static char result[160];
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "What the run measured (read-only)");

#define BATCH 1000

/* Every call gets another tuple: the ports walk through the batch. */
static const struct in6_addr bench_l6 = { { { 0xfd, [15] = 1 } } };
static const struct in6_addr bench_r6 = { { { 0xfd, [15] = 2 } } };
static const __be32 bench_l4 = cpu_to_be32(0x0a000001), bench_r4 = cpu_to_be32(0x0a000002);

static u64 bench_kernel_v4(u32 n)
{
	u64 t = ktime_get_ns(), sink = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sink += secure_tcp_seq_and_ts_off(&init_net, bench_l4, bench_r4,
						  htons(1024 + i), htons(80)).seq;
	barrier_data(&sink);
	return ktime_get_ns() - t;
}

static u64 bench_seqstate_v4(u32 n)
{
	u64 t = ktime_get_ns(), sink = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sink += seqstate_isn_v4(&init_net, bench_l4, bench_r4, htons(1024 + i), htons(80));
	barrier_data(&sink);
	return ktime_get_ns() - t;
}

static u64 bench_kernel_v6(u32 n)
{
	u64 t = ktime_get_ns(), sink = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sink += secure_tcpv6_seq_and_ts_off(&init_net, bench_l6.s6_addr32,
						    bench_r6.s6_addr32, htons(1024 + i),
						    htons(80)).seq;
	barrier_data(&sink);
	return ktime_get_ns() - t;
}

static u64 bench_seqstate_v6(u32 n)
{
	u64 t = ktime_get_ns(), sink = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sink += seqstate_isn_v6(&init_net, &bench_l6, &bench_r6, htons(1024 + i),
					htons(80));
	barrier_data(&sink);
	return ktime_get_ns() - t;
}

static u64 (*const bench_fns[])(u32 n) = {
	bench_kernel_v4, bench_seqstate_v4, bench_kernel_v6, bench_seqstate_v6,
};

/* ns per call with 3 decimals, from a total over @n calls */
static void bench_print(char **p, const char *end, const char *name, u64 ns, u32 n)
{
	u64 ps = div_u64(ns * 1000, n);

	*p += scnprintf(*p, end - *p, "%s%s=%llu.%03llu", *p == result ? "" : " ", name,
			div_u64(ps, 1000), ps % 1000);
}

static int __init bench_init(void)
{
	static const char * const names[] = {
		"kernel_v4", "seqstate_v4", "kernel_v6", "seqstate_v6",
	};
	u64 total[ARRAY_SIZE(bench_fns)] = {};
	char *p = result;
	u32 done, n;
	int i;

	if (calls < BATCH || calls % BATCH) {
		pr_err("calls must be a multiple of %d\n", BATCH);
		return -EINVAL;
	}
	for (done = 0; done < calls; done += n) {
		n = BATCH;
		for (i = 0; i < ARRAY_SIZE(bench_fns); i++) {
			preempt_disable();
			total[i] += bench_fns[i](n);
			preempt_enable();
		}
		cond_resched();
	}
	for (i = 0; i < ARRAY_SIZE(bench_fns); i++)
		bench_print(&p, result + sizeof(result), names[i], total[i], calls);
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("seqstate: ns per ISN, seqstate's and the kernel's");
MODULE_LICENSE("GPL");
