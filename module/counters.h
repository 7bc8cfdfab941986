/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_COUNTERS_H
#define _SEQSTATE_COUNTERS_H

#include <linux/percpu.h>
#include <seqstate/seqstate.h>

/* The eleven states of RFC 9293 as Linux names them, in the order a connection meets them. */
#define SEQSTATE_NR_REPORTED	11
extern const u8 seqstate_state_order[SEQSTATE_NR_REPORTED];

/*
 * One set per CPU, for each network namespace and for the host. Writers only ever touch
 * their own CPU's set with this_cpu_*(); readers sum every possible CPU. A gauge's per-CPU
 * parts are deltas and may be negative; only their sum means something.
 */
struct seqstate_counters {
	u64 entered[SEQSTATE_NR_STATES];
	u64 left[SEQSTATE_NR_STATES];
	u64 transitions[SEQSTATE_NR_STATES][SEQSTATE_NR_STATES];
	s64 now[SEQSTATE_NR_STATES];
	s64 at_load[SEQSTATE_NR_STATES];
};

struct seqstate_counters __percpu *seqstate_counters_alloc(void);
void seqstate_counters_free(struct seqstate_counters __percpu *c);
void seqstate_counters_count(struct seqstate_counters __percpu *c, int oldstate, int newstate);
void seqstate_counters_add(struct seqstate_counters __percpu *c, int state, s64 n);
void seqstate_memory_add(long bytes);
long seqstate_memory_bytes(void);
void __percpu *seqstate_percpu_alloc(size_t size, size_t align);
void seqstate_percpu_free(void __percpu *p, size_t size);
void seqstate_counters_sum(struct seqstate_counters __percpu *c, struct seqstate_snapshot *snap);

/*
 * Events seqstate could not follow, host-wide. Each one may leave a gauge off by one until
 * the sockets concerned are gone; metrics, verify and sysfs show them, so nothing is silent.
 */
enum seqstate_miss {
	SEQSTATE_MISS_TW_BIRTH,		/* a timewait birth found no free slot */
	SEQSTATE_MISS_TW_CLAIM,		/* no free claim slot for a FIN-WAIT-2 timewait socket */
	SEQSTATE_MISS_LISTENER_QUEUE,	/* a listener change found the queue full (recovered) */
	SEQSTATE_MISS_LISTENER,		/* a listener could not be tracked (no memory) */
	SEQSTATE_MISS_RECORD,		/* no record for a socket: untimed when it leaves */
	SEQSTATE_MISS_CGROUP,		/* no entry for a socket's cgroup: counted in (other) */
	SEQSTATE_MISS_PORT,		/* no entry for a listening port: its sockets uncounted */
	SEQSTATE_NR_MISS
};

void seqstate_miss(enum seqstate_miss what);
u64 seqstate_missed(enum seqstate_miss what);
const char *seqstate_miss_name(enum seqstate_miss what);

#endif /* _SEQSTATE_COUNTERS_H */
