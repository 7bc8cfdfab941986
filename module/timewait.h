/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_TIMEWAIT_H
#define _SEQSTATE_TIMEWAIT_H

struct sock;

int seqstate_timewait_init(void);
void seqstate_timewait_start(void);
void seqstate_timewait_exit(void);

/* From the tracepoint: the timewait substate @sk just turned into, or 0. */
int seqstate_timewait_take(const struct sock *sk);

#endif /* _SEQSTATE_TIMEWAIT_H */
