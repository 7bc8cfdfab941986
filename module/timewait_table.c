// SPDX-License-Identifier: GPL-2.0
/*
 * The bookkeeping behind the timewait hooks (timewait.c), on a table the KUnit suites can
 * make their own of.
 *
 * The FIN-WAIT-2 -> TIME-WAIT step is claimed once per timewait socket: a socket born in
 * FIN-WAIT-2 gets a claim (its address in a fixed table) before anyone can find it, and
 * exactly one of its re-arms in TIME-WAIT or its death takes the claim, with cmpxchg. Two
 * copies of a FIN on two CPUs count once; a FIN that races the socket's own timer counts
 * either before the death (which then leaves TIME-WAIT) or not at all (the death leaves
 * FIN-WAIT-2). A death that finds no claim reads the substate: every claim taken by a
 * re-arm was taken after TIME-WAIT was stored, so it reads TIME-WAIT.
 *
 * Timewait sockets in FIN-WAIT-2 without a claim (there before the hooks, or their birth
 * found no free slot) are adopted by the first segment that comes for them, before it can
 * move them on. Whatever finds no free slot is counted as missed; its FIN-WAIT-2 ->
 * TIME-WAIT step may then go uncounted.
 *
 * Every hook runs in softirq or process context, preemptible on 7.x: no allocation, no
 * lock, bounded loops over fixed tables.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/export.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "counters.h"
#include "timewait_table.h"

/*
 * Births in flight, each a full socket's address with the new substate in its low bits,
 * SEQSTATE_TW_BIRTH_SUBSTATE: full sockets are cache-line aligned, and every TCP state fits.
 * An entry lives from the hashdance to the tracepoint, microseconds: the table is nearly
 * empty and a few probes find a slot.
 */
#define SEQSTATE_TW_BIRTHS		1024
#define SEQSTATE_TW_BIRTH_PROBES	32
#define SEQSTATE_TW_BIRTH_SUBSTATE	GENMASK(3, 0)
static_assert(SEQSTATE_TW_BIRTH_SUBSTATE + 1 >= SEQSTATE_NR_STATES);
static_assert(SMP_CACHE_BYTES > SEQSTATE_TW_BIRTH_SUBSTATE);

/*
 * Claims: the address of a timewait socket in FIN-WAIT-2, one slot per socket, within a
 * window of 16 slots (two cache lines) from its hash. Timewait sockets are only 8-byte
 * aligned: bit 0 marks a claim still being adopted (seqstate_tw_adopt()): nobody takes it.
 */
#define SEQSTATE_TW_CLAIM_PROBES	16
#define SEQSTATE_TW_ADOPTING		1UL

struct seqstate_tw_table {
	bool armed;			/* the tracepoint takes births: note them */
	unsigned int claim_bits;
	unsigned long births[SEQSTATE_TW_BIRTHS];
	unsigned long claims[];
};

static unsigned long *seqstate_tw_birth_slot(struct seqstate_tw_table *t, const void *sk,
					     unsigned int i)
{
	return &t->births[(hash_ptr(sk, ilog2(SEQSTATE_TW_BIRTHS)) + i) % SEQSTATE_TW_BIRTHS];
}

static unsigned long *seqstate_tw_claim_slot(struct seqstate_tw_table *t, const void *tw,
					     unsigned int i)
{
	return &t->claims[(hash_ptr(tw, t->claim_bits) + i) & ((1U << t->claim_bits) - 1)];
}

/* @claim_slots: a power of two, at least SEQSTATE_TW_CLAIM_PROBES. */
struct seqstate_tw_table *seqstate_tw_table_alloc(unsigned int claim_slots)
{
	struct seqstate_tw_table *t;

	if (!is_power_of_2(claim_slots) || claim_slots < SEQSTATE_TW_CLAIM_PROBES)
		return NULL;
	t = kvzalloc(struct_size(t, claims, claim_slots), GFP_KERNEL);
	if (!t)
		return NULL;
	t->claim_bits = ilog2(claim_slots);
	seqstate_memory_add(struct_size(t, claims, claim_slots));
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_table_alloc);

void seqstate_tw_table_free(struct seqstate_tw_table *t)
{
	if (!t)
		return;
	seqstate_memory_add(-(long)struct_size(t, claims, 1U << t->claim_bits));
	kvfree(t);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_table_free);

/* From now on, births are noted for the tracepoint to take. */
void seqstate_tw_table_arm(struct seqstate_tw_table *t)
{
	WRITE_ONCE(t->armed, true);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_table_arm);

/* Put @val in a free slot of @tw's window: its index there, or -1 (counted as missed). */
static int seqstate_tw_claim_put(struct seqstate_tw_table *t, const void *tw, unsigned long val)
{
	unsigned long *slot;
	unsigned int i;

	for (i = 0; i < SEQSTATE_TW_CLAIM_PROBES; i++) {
		slot = seqstate_tw_claim_slot(t, tw, i);
		if (!READ_ONCE(*slot) && !cmpxchg(slot, 0, val))
			return i;
	}
	seqstate_miss(SEQSTATE_MISS_TW_CLAIM);
	return -1;
}

/* Take @tw's claim, if it has one and nobody took it first. */
static bool seqstate_tw_claim_take(struct seqstate_tw_table *t, const void *tw)
{
	unsigned long *slot;
	unsigned int i;

	for (i = 0; i < SEQSTATE_TW_CLAIM_PROBES; i++) {
		slot = seqstate_tw_claim_slot(t, tw, i);
		if (READ_ONCE(*slot) == (unsigned long)tw)
			return cmpxchg(slot, (unsigned long)tw, 0) == (unsigned long)tw;
	}
	return false;
}

/*
 * The hashdance hook: @sk becomes @tw. Runs before tw is hashed, so before anyone can find
 * it and before its timer can fire.
 */
void seqstate_tw_born(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw,
		      const struct sock *sk)
{
	int substate = READ_ONCE(tw->tw_substate);
	unsigned long *slot;
	unsigned int i;

	if (substate == TCP_FIN_WAIT2)
		seqstate_tw_claim_put(t, tw, (unsigned long)tw);

	/*
	 * Only once the tracepoint is attached: a note it never takes would stay, and be
	 * taken by whatever socket reuses the address later.
	 */
	if (!READ_ONCE(t->armed))
		return;
	for (i = 0; i < SEQSTATE_TW_BIRTH_PROBES; i++) {
		slot = seqstate_tw_birth_slot(t, sk, i);
		if (!READ_ONCE(*slot) &&
		    !cmpxchg(slot, 0, (unsigned long)sk | (substate & SEQSTATE_TW_BIRTH_SUBSTATE)))
			return;
	}
	/* The tracepoint counts sk's change as a close: tw's gauge stays short by one. */
	seqstate_miss(SEQSTATE_MISS_TW_BIRTH);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_born);

/* The tracepoint's side of a birth: the timewait substate @sk turned into, or 0. */
int seqstate_tw_take(struct seqstate_tw_table *t, const struct sock *sk)
{
	unsigned long *slot, val;
	unsigned int i;

	for (i = 0; i < SEQSTATE_TW_BIRTH_PROBES; i++) {
		slot = seqstate_tw_birth_slot(t, sk, i);
		val = READ_ONCE(*slot);
		if ((val & ~SEQSTATE_TW_BIRTH_SUBSTATE) == (unsigned long)sk &&
		    cmpxchg(slot, val, 0) == val)
			return val & SEQSTATE_TW_BIRTH_SUBSTATE;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_take);

/*
 * The re-arm hook. True when this call is the one that counts @tw's FIN-WAIT-2 -> TIME-WAIT:
 * tw is in TIME-WAIT and its claim was still there. A later FIN, a copy of the same FIN on
 * another CPU, or one that comes after the death, finds the claim gone.
 */
bool seqstate_tw_fin(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw)
{
	return READ_ONCE(tw->tw_substate) == TCP_TIME_WAIT && seqstate_tw_claim_take(t, tw);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_fin);

/* The death hook: the substate @tw leaves for CLOSE, as seqstate counted it. */
int seqstate_tw_gone(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw)
{
	unsigned long *slot, val;
	unsigned int i;

	/*
	 * The timer was stopped or has fired before we came. Pairs with the barrier in
	 * seqstate_tw_adopt(): either the adopter sees the timer stopped, or we see its claim.
	 */
	smp_mb();
	for (i = 0; i < SEQSTATE_TW_CLAIM_PROBES; i++) {
		slot = seqstate_tw_claim_slot(t, tw, i);
		val = READ_ONCE(*slot);
		/* An adoption under way stops here (tw stays untracked), unless it just ended. */
		if (val == ((unsigned long)tw | SEQSTATE_TW_ADOPTING)) {
			val = cmpxchg(slot, val, 0);
			if (val == ((unsigned long)tw | SEQSTATE_TW_ADOPTING))
				continue;
		}
		if (val == (unsigned long)tw) {
			/* Still in FIN-WAIT-2 as counted; the FIN, if any, now counts nothing. */
			if (cmpxchg(slot, val, 0) == val)
				return TCP_FIN_WAIT2;
			break;
		}
	}
	/*
	 * No claim, or a re-arm took it after storing TIME-WAIT: the substate is what was
	 * counted. Pairs with the full barrier of the re-arm's cmpxchg.
	 */
	smp_rmb();
	return READ_ONCE(tw->tw_substate);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_gone);

/*
 * A segment for @tw, which is in FIN-WAIT-2: if tw has no claim (it was there before the
 * hooks, or its birth found no slot), give it one now, before the segment can move it on.
 * The claim is tentative until tw is seen still in FIN-WAIT-2 with its timer pending: a
 * death in between removes it, and so does a FIN that came first. Of two adopters (copies
 * of one segment on two CPUs), the one in the lower slot wins.
 */
void seqstate_tw_adopt(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw)
{
	unsigned long mine = (unsigned long)tw | SEQSTATE_TW_ADOPTING;
	unsigned long *slot, val;
	unsigned int i;
	bool keep;
	int at;

	for (i = 0; i < SEQSTATE_TW_CLAIM_PROBES; i++)
		if ((READ_ONCE(*seqstate_tw_claim_slot(t, tw, i)) & ~SEQSTATE_TW_ADOPTING) ==
		    (unsigned long)tw)
			return;
	at = seqstate_tw_claim_put(t, tw, mine);
	if (at < 0)
		return;
	/*
	 * The cmpxchg was a full barrier. It pairs with the one in seqstate_tw_gone() (we see
	 * the timer stopped, or the death sees us), with a re-arm's (which took the claim after
	 * storing TIME-WAIT), and with another adopter's (one of us sees the other).
	 */
	keep = READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 && timer_pending(&tw->tw_timer);
	for (i = 0; keep && i < SEQSTATE_TW_CLAIM_PROBES; i++) {
		if (i == at)
			continue;
		slot = seqstate_tw_claim_slot(t, tw, i);
		val = READ_ONCE(*slot);
		if (val == mine && i > at) {
			val = cmpxchg(slot, mine, 0);
			if (val == mine)
				continue;
		}
		if ((val & ~SEQSTATE_TW_ADOPTING) == (unsigned long)tw)
			keep = false;
	}
	cmpxchg(seqstate_tw_claim_slot(t, tw, at), mine, keep ? (unsigned long)tw : 0);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_tw_adopt);
