/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_RECORDS_H
#define _SEQSTATE_RECORDS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include "durations.h"

struct net;
struct sock;
struct seqstate_peers;

/* Per CPU: the records on this CPU in each state, oldest first. */
struct seqstate_ages {
	struct list_head oldest[SEQSTATE_NR_STATES];
};

/* What a namespace, or the host, has of the timing: its histograms and its age lists. */
struct seqstate_timing {
	struct seqstate_durations __percpu *durations;
	struct seqstate_ages __percpu *ages;
	bool host;
};

/* The module parameter "durations", set at load: histograms and age lists kept at all. */
bool seqstate_timing_on(void);
/* Records kept at all: for durations, or for a breakdown (cgroups, ports). */
bool seqstate_records_on(void);

int seqstate_records_init(void);
void seqstate_records_exit(void);
int seqstate_timing_alloc(struct seqstate_timing *t);
void seqstate_timing_free(struct seqstate_timing *t);
size_t seqstate_record_bytes(void);

/*
 * From the probes, under rcu_read_lock(): @sk (a full or a timewait socket) of @net (NULL:
 * a namespace not counted), timed by @t (NULL: host only), changed from @oldstate to
 * @newstate.
 */
void seqstate_records_change(const void *sk, const struct net *net, struct seqstate_timing *t,
			     struct seqstate_peers *peers, int oldstate, int newstate);
/* The full socket @sk hands its record to the timewait socket @tw, in @newstate. */
void seqstate_records_move(const void *sk, const void *tw, const struct net *net,
			   struct seqstate_timing *t, struct seqstate_peers *peers, int oldstate,
			   int newstate);
/* At load: @sk was in @state before us; it is aged from the load. Process context. */
void seqstate_records_found(const void *sk, const struct net *net, struct seqstate_timing *t,
			    int state);
/*
 * A replacement of @peers' groups walks the socket tables: @sk, in them, is counted in the
 * new set unless a probe already did. Under @sk's table bucket lock.
 */
void seqstate_records_recount_peers(const void *sk, struct seqstate_peers *peers);
/*
 * listeners.c sees @sk listening in @net: a listener that listen()ed without bind() had no
 * port at its event, and joins its port's entry now. Process context.
 */
void seqstate_records_listening(const struct sock *sk, const struct net *net);
/* A namespace goes: its records leave its age lists (they stay the host's). */
void seqstate_records_forget(struct seqstate_timing *t);

/* @t's histograms, and the age of its oldest socket in each state. */
void seqstate_timing_read(struct seqstate_timing *t, struct seqstate_durations_snapshot *snap);
struct seqstate_timing *seqstate_host_timing(void);

#endif /* _SEQSTATE_RECORDS_H */
