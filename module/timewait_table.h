/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_TIMEWAIT_TABLE_H
#define _SEQSTATE_TIMEWAIT_TABLE_H

#include <linux/types.h>

struct inet_timewait_sock;
struct sock;

/* The bookkeeping behind the timewait hooks, on a table of its own (for the KUnit suites). */
struct seqstate_tw_table;
struct seqstate_tw_table *seqstate_tw_table_alloc(unsigned int claim_slots);
void seqstate_tw_table_free(struct seqstate_tw_table *t);
void seqstate_tw_table_arm(struct seqstate_tw_table *t);
void seqstate_tw_born(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw,
		      const struct sock *sk);
int seqstate_tw_take(struct seqstate_tw_table *t, const struct sock *sk);
bool seqstate_tw_fin(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw);
int seqstate_tw_gone(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw);
void seqstate_tw_adopt(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw);

#endif /* _SEQSTATE_TIMEWAIT_TABLE_H */
