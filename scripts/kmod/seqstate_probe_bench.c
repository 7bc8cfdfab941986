// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: nanoseconds per TCP state change spent in the probes of
 * sock:inet_sock_set_state. At load, calls the probes attached to the tracepoint
 * (seqstate's in the bench VM; none for the baseline, which times the loop alone) the way
 * the tracepoint itself does (__DO_TRACE in 6.1), on a TCP socket of the network namespace
 * of the process that loads it, and leaves the result in
 * /sys/module/seqstate_probe_bench/parameters/result:
 *
 *	events=E ns_per_event=NS ns_per_event_mean=NS ref_ns=NS rel=R
 *	probes=P names=SYMBOL [MODULE],...	(on one line)
 *
 * ns_per_event is the median over batches of 2,000 changes, ns_per_event_mean their mean
 * (bench.h); names is "-" when no probe is attached. Each batch is followed by one of a
 * fixed reference workload (2,000 jhash() of 64 bytes, ref_ns per call): rel is the median over
 * the pairs of batch / reference, the cost of a change in reference calls, which compares
 * runs made at different times, whatever else the host did meanwhile.
 *
 * The reported changes alternate ESTABLISHED -> CLOSE_WAIT -> ESTABLISHED, so seqstate's
 * gauges end as they were (its entered/left and transition counters grow by E). Neither
 * LISTEN nor CLOSE is ever reported: their probes have side effects (listener tracking,
 * TIME-WAIT). The socket itself stays in CLOSE throughout. Needs no symbol of seqstate, so
 * that it loads without it; the probes' module cannot go away under a call, because the
 * array is read and called within one RCU-sched read section, which the unregistering
 * side's tracepoint_synchronize_unregister() waits for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <trace/events/sock.h>
#include "bench.h"

static unsigned int calls = 100000;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "Round trips (two state changes each) to time (default 100000)");

static char result[320];
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "What the run measured (read-only)");

#define BATCH 1000

/* The tracepoint's probe type; checked against its TP_PROTO in bench_init(). */
typedef void (*bench_probe_t)(void *data, const struct sock *sk, const int oldstate,
			      const int newstate);

static struct tracepoint *bench_tp;

static void bench_find_tracepoint(struct tracepoint *tp, void *priv)
{
	struct tracepoint **found = priv;

	if (!strcmp(tp->name, "inet_sock_set_state"))
		*found = tp;
}

/* Every probe of @it in turn, as __DO_TRACE does. */
static __always_inline void bench_call(struct tracepoint_func *it, struct sock *sk, int from,
				       int to)
{
	void *func;

	if (!it)
		return;
	while ((func = READ_ONCE(it->func))) {
		((bench_probe_t)func)(it->data, sk, from, to);
		it++;
	}
}

/* @n round trips: ns spent, with preemption disabled as for the tracepoint. */
static u64 bench_batch(struct sock *sk, u32 n)
{
	struct tracepoint_func *it;
	u64 t;
	u32 i;

	rcu_read_lock_sched();
	it = rcu_dereference_sched(bench_tp->funcs);
	t = ktime_get_ns();
	for (i = 0; i < n; i++) {
		bench_call(it, sk, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
		bench_call(it, sk, TCP_CLOSE_WAIT, TCP_ESTABLISHED);
	}
	t = ktime_get_ns() - t;
	rcu_read_unlock_sched();
	return t;
}

/* @n calls of the reference workload, which reads memory as a probe does: ns spent. */
static u32 bench_ref_data[16];

static u64 bench_reference(u32 n)
{
	u32 h = 0, i;
	u64 t;

	preempt_disable();
	t = ktime_get_ns();
	for (i = 0; i < n; i++)
		h = jhash(bench_ref_data, sizeof(bench_ref_data), h + i);
	barrier_data(&h);
	t = ktime_get_ns() - t;
	preempt_enable();
	return t;
}

/* " probes=P names=a,b" (names "-" when there is none), for the script to check. */
static void bench_print_probes(char **p, const char *end)
{
	struct tracepoint_func *it;
	int n = 0;

	rcu_read_lock_sched();
	it = rcu_dereference_sched(bench_tp->funcs);
	for (; it && it->func; it++)
		n++;
	*p += scnprintf(*p, end - *p, " probes=%d names=", n);
	it = rcu_dereference_sched(bench_tp->funcs);
	for (n = 0; it && it->func; it++, n++)
		*p += scnprintf(*p, end - *p, "%s%ps", n ? "," : "", it->func);
	rcu_read_unlock_sched();
	if (!n)
		*p += scnprintf(*p, end - *p, "-");
}

static int __init bench_init(void)
{
	char *p = result, *end = result + sizeof(result);
	struct socket *sock;
	u64 *t, *ref, *rel;
	u32 b, batches;
	int err;

	check_trace_callback_type_inet_sock_set_state((bench_probe_t)NULL);
	if (calls < BATCH || calls % BATCH) {
		pr_err("calls must be a multiple of %d\n", BATCH);
		return -EINVAL;
	}
	for_each_kernel_tracepoint(bench_find_tracepoint, &bench_tp);
	if (!bench_tp) {
		pr_err("tracepoint sock:inet_sock_set_state not found\n");
		return -ENOENT;
	}
	batches = calls / BATCH;
	t = kmalloc_array(3 * batches, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ref = t + batches;
	rel = ref + batches;
	/* A user socket of the caller's namespace: it holds a reference to the namespace. */
	err = sock_create(AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err) {
		pr_err("cannot create a TCP socket: %d\n", err);
		kfree(t);
		return err;
	}
	for (b = 0; b < batches; b++) {
		t[b] = bench_batch(sock->sk, BATCH);
		ref[b] = bench_reference(2 * BATCH);
		/* per mille, for bench_print_stats(): 1000 = a change costs one reference call */
		rel[b] = div64_u64(t[b] * 1000, ref[b] ?: 1);
		cond_resched();
	}
	sock_release(sock);

	p += scnprintf(p, end - p, "events=%llu", 2ULL * calls);
	bench_print_stats(&p, end, "ns_per_event", t, batches, 2 * BATCH);
	bench_print_stats(&p, end, "ref_ns", ref, batches, 2 * BATCH);
	bench_print_stats(&p, end, "rel", rel, batches, 1000);
	bench_print_probes(&p, end);
	kfree(t);
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("seqstate: ns per TCP state change in the probes of sock:inet_sock_set_state");
MODULE_LICENSE("GPL");
