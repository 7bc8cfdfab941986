// SPDX-License-Identifier: GPL-2.0
/*
 * The ring that carries listener changes from the tracepoint to listeners.c's work item:
 * lock-free, bounded, in order. Vyukov's bounded queue with one consumer: slot i is free
 * for the producer at position pos when its seq is pos, and published when it is pos + 1.
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <net/sock.h>
#include "listener_ring.h"

#define SEQSTATE_RING_SIZE	1024

struct seqstate_change {
	unsigned long seq;
	struct sock *sk;
	bool listen;	/* entered LISTEN, else left it */
};

static struct seqstate_change seqstate_ring[SEQSTATE_RING_SIZE];
static atomic_long_t seqstate_ring_head;
static unsigned long seqstate_ring_tail;	/* the consumer's */

void seqstate_ring_init(void)
{
	int i;

	for (i = 0; i < SEQSTATE_RING_SIZE; i++)
		seqstate_ring[i].seq = i;
	atomic_long_set(&seqstate_ring_head, 0);
	seqstate_ring_tail = 0;
}

/* @sk enters LISTEN (@listen) or leaves it; the ring holds a reference until it is popped. */
bool seqstate_ring_push(struct sock *sk, bool listen)
{
	long pos = atomic_long_read(&seqstate_ring_head);
	struct seqstate_change *c;
	long seq;

	for (;;) {
		c = &seqstate_ring[pos & (SEQSTATE_RING_SIZE - 1)];
		/* Pairs with the consumer's release: the slot's last reader is done with it. */
		seq = smp_load_acquire(&c->seq);
		if (seq == pos) {
			if (atomic_long_try_cmpxchg(&seqstate_ring_head, &pos, pos + 1))
				break;	/* the slot is ours */
			continue;	/* another producer took it; pos is the new head */
		}
		if (seq - pos < 0)
			return false;	/* full */
		pos = atomic_long_read(&seqstate_ring_head);	/* taken meanwhile: catch up */
	}
	sock_hold(sk);
	c->sk = sk;
	c->listen = listen;
	/* Publish: pairs with the acquire in seqstate_ring_pop(). */
	smp_store_release(&c->seq, pos + 1);
	return true;
}

/*
 * The oldest published change, or false: the ring is empty, or its oldest slot's producer
 * is between claim and publish. The reference passes to the caller.
 */
bool seqstate_ring_pop(struct sock **sk, bool *listen)
{
	struct seqstate_change *c;

	c = &seqstate_ring[seqstate_ring_tail & (SEQSTATE_RING_SIZE - 1)];
	/* Pairs with the producer's publish: sk and listen are written. */
	if (smp_load_acquire(&c->seq) != seqstate_ring_tail + 1)
		return false;
	*sk = c->sk;
	*listen = c->listen;
	/* Free the slot for the producer one lap ahead, once sk and listen are read. */
	smp_store_release(&c->seq, seqstate_ring_tail + SEQSTATE_RING_SIZE);
	seqstate_ring_tail++;
	return true;
}

/* The oldest slot is no longer free for the producer at the tail's position. */
bool seqstate_ring_tail_taken(void)
{
	struct seqstate_change *c = &seqstate_ring[seqstate_ring_tail & (SEQSTATE_RING_SIZE - 1)];

	/* Pairs with the producer's publish, as in seqstate_ring_pop(). */
	return smp_load_acquire(&c->seq) != seqstate_ring_tail;
}
