// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU TCP state counters and the rules that turn state changes into counts.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include "compat.h"
#include "counters.h"

static const char *const seqstate_state_names[SEQSTATE_NR_STATES] = {
	[TCP_ESTABLISHED]	= "established",
	[TCP_SYN_SENT]		= "syn_sent",
	[TCP_SYN_RECV]		= "syn_recv",
	[TCP_FIN_WAIT1]		= "fin_wait1",
	[TCP_FIN_WAIT2]		= "fin_wait2",
	[TCP_TIME_WAIT]		= "time_wait",
	[TCP_CLOSE]		= "close",
	[TCP_CLOSE_WAIT]	= "close_wait",
	[TCP_LAST_ACK]		= "last_ack",
	[TCP_LISTEN]		= "listen",
	[TCP_CLOSING]		= "closing",
};

const u8 seqstate_state_order[SEQSTATE_NR_REPORTED] = {
	TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_FIN_WAIT2,
	TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK, TCP_TIME_WAIT, TCP_CLOSE,
};

static bool seqstate_state_valid(int state)
{
	return state > 0 && state < SEQSTATE_NR_STATES;
}

const char *seqstate_state_name(int state)
{
	return seqstate_state_valid(state) ? seqstate_state_names[state] : NULL;
}
EXPORT_SYMBOL_GPL(seqstate_state_name);

/*
 * Bytes the module allocated and still holds, for /sys/kernel/seqstate/memory_bytes. Per
 * CPU: the probes allocate and free a record per socket (records.c).
 */
static DEFINE_PER_CPU(long, seqstate_memory);

void seqstate_memory_add(long bytes)
{
	this_cpu_add(seqstate_memory, bytes);
}

long seqstate_memory_bytes(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(seqstate_memory, cpu));
	return n;
}

/* alloc_percpu() and free_percpu(), counted in memory_bytes. */
void __percpu *seqstate_percpu_alloc(size_t size, size_t align)
{
	void __percpu *p = __alloc_percpu(size, align);

	if (p)
		seqstate_memory_add(size * num_possible_cpus());
	return p;
}

void seqstate_percpu_free(void __percpu *p, size_t size)
{
	if (p)
		seqstate_memory_add(-(long)(size * num_possible_cpus()));
	free_percpu(p);
}

static DEFINE_PER_CPU(u64, seqstate_misses[SEQSTATE_NR_MISS]);

static const char *const seqstate_miss_names[SEQSTATE_NR_MISS] = {
	[SEQSTATE_MISS_TW_BIRTH]	= "timewait_birth",
	[SEQSTATE_MISS_TW_CLAIM]	= "timewait_claim",
	[SEQSTATE_MISS_LISTENER_QUEUE]	= "listener_queue_full",
	[SEQSTATE_MISS_LISTENER]	= "listener",
	[SEQSTATE_MISS_RECORD]		= "record",
	[SEQSTATE_MISS_CGROUP]		= "cgroup",
	[SEQSTATE_MISS_PORT]		= "port",
};

/* Any context. */
void seqstate_miss(enum seqstate_miss what)
{
	this_cpu_inc(seqstate_misses[what]);
}

u64 seqstate_missed(enum seqstate_miss what)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(seqstate_misses[what], cpu));
	return n;
}

const char *seqstate_miss_name(enum seqstate_miss what)
{
	return seqstate_miss_names[what];
}

struct seqstate_counters __percpu *seqstate_counters_alloc(void)
{
	return seqstate_percpu_alloc(sizeof(struct seqstate_counters),
				     __alignof__(struct seqstate_counters));
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_counters_alloc);

void seqstate_counters_free(struct seqstate_counters __percpu *c)
{
	seqstate_percpu_free(c, sizeof(*c));
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_counters_free);

/*
 * The counting rule, for every change a socket makes as ss sees it: full sockets through
 * the tracepoint, timewait sockets through the timewait hooks. Any context, preemptible
 * from 7.0 on, so only this_cpu_*() operations, which are safe against both.
 *
 * Gauges leave CLOSE out: a socket in CLOSE is in no table, ss never shows it, and sockets
 * are born and freed in CLOSE without an event. An accepted child is reported as
 * LISTEN -> SYN_RECV, LISTEN being the listener's state copied into it: the listener does
 * not leave LISTEN. So, for every gauged state, now = at_load + entered - left, where
 * the departures are the transitions out of it (for LISTEN, less those to SYN_RECV).
 */
void seqstate_counters_count(struct seqstate_counters __percpu *c, int oldstate, int newstate)
{
	if (!seqstate_state_valid(oldstate) || !seqstate_state_valid(newstate))
		return;
	this_cpu_inc(c->entered[newstate]);
	this_cpu_inc(c->transitions[oldstate][newstate]);
	if (oldstate != TCP_CLOSE && !(oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV)) {
		this_cpu_inc(c->left[oldstate]);
		this_cpu_dec(c->now[oldstate]);
	}
	if (newstate != TCP_CLOSE)
		this_cpu_inc(c->now[newstate]);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_counters_count);

/* Sockets found in @state by a walk of the tables, which no event counted. */
void seqstate_counters_add(struct seqstate_counters __percpu *c, int state, s64 n)
{
	if (seqstate_state_valid(state) && state != TCP_CLOSE) {
		this_cpu_add(c->at_load[state], n);
		this_cpu_add(c->now[state], n);
	}
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_counters_add);

void seqstate_counters_sum(struct seqstate_counters __percpu *c, struct seqstate_snapshot *snap)
{
	int cpu, s, t;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct seqstate_counters *pc = per_cpu_ptr(c, cpu);

		for (s = 0; s < SEQSTATE_NR_STATES; s++) {
			snap->entered[s] += READ_ONCE(pc->entered[s]);
			snap->left[s] += READ_ONCE(pc->left[s]);
			snap->now[s] += READ_ONCE(pc->now[s]);
			snap->at_load[s] += READ_ONCE(pc->at_load[s]);
			for (t = 0; t < SEQSTATE_NR_STATES; t++)
				snap->transitions[s][t] += READ_ONCE(pc->transitions[s][t]);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_counters_sum);
