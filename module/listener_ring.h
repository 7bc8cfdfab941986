/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_LISTENER_RING_H
#define _SEQSTATE_LISTENER_RING_H

#include <linux/types.h>

struct sock;

void seqstate_ring_init(void);

/* From the tracepoint: no lock, no allocation. False when the ring is full. */
bool seqstate_ring_push(struct sock *sk, bool listen);

/* The consumer's side: one caller at a time. */
bool seqstate_ring_pop(struct sock **sk, bool *listen);
bool seqstate_ring_tail_taken(void);

#endif /* _SEQSTATE_LISTENER_RING_H */
