// SPDX-License-Identifier: GPL-2.0
/*
 * Timewait sockets, which the tracepoint never sees. ss shows them by substate: FIN-WAIT-2
 * or TIME-WAIT. Four function-entry hooks follow them:
 *
 *   birth       inet_twsk_hashdance[_schedule](tw, sk, ...): the full socket sk is replaced
 *               by tw; the tracepoint reports sk's state -> CLOSE soon after and counts it
 *               as sk's state -> tw's substate instead (seqstate_timewait_take()). Between
 *               the two the task may be preempted or migrated (tcp_done() runs with bottom
 *               halves enabled, e.g. from the socket backlog), so the note is per socket.
 *   segment     tcp_timewait_state_process(tw, ...): a segment for tw (see adoption below).
 *   FIN-WAIT-2  __inet_twsk_schedule(tw, ...) finding tw in TIME-WAIT: the kernel re-arms
 *   -> TIME-WAIT  the timer right after a FIN moved tw on (tcp_timewait_state_process()).
 *   death       inet_twsk_kill(tw): unhashed, gone from ss. Called once per timewait socket,
 *               by its timer or by whoever stopped the timer.
 *
 * The hooks are ftrace_ops callbacks, not kprobes. A kprobe's handler is skipped (only
 * nmissed counts it) whenever another kprobe handler is running on the CPU, and a softirq
 * (a FIN arriving, TIME-WAIT timers expiring in a batch) interrupts other users' kprobe
 * handlers all the time. An ftrace_ops without FTRACE_OPS_FL_RECURSION is called straight
 * from its trampoline; where several ops share a function, ftrace's list function guards
 * recursion per task and per context (normal, softirq, irq, NMI), so a softirq interrupting
 * another tracer's callback still runs ours. PERMANENT: kernel.ftrace_enabled=0 cannot
 * switch them off behind our back (the sysctl write fails while we are loaded).
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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "counters.h"
#include "netns.h"
#include "timewait.h"

/*
 * Births in flight, each a full socket's address with the new substate in its low bits
 * (full sockets are cache-line aligned). An entry lives from the hashdance to the
 * tracepoint, microseconds: the table is nearly empty and a few probes find a slot.
 */
#define SEQSTATE_TW_BIRTHS		1024
#define SEQSTATE_TW_BIRTH_PROBES	32
#define SEQSTATE_TW_BIRTH_MASK		15UL

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

static struct seqstate_tw_table *seqstate_tw;

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
EXPORT_SYMBOL_GPL(seqstate_tw_table_alloc);	/* for the KUnit suites, as below */

void seqstate_tw_table_free(struct seqstate_tw_table *t)
{
	if (!t)
		return;
	seqstate_memory_add(-(long)struct_size(t, claims, 1U << t->claim_bits));
	kvfree(t);
}
EXPORT_SYMBOL_GPL(seqstate_tw_table_free);

/* From now on, births are noted for the tracepoint to take. */
void seqstate_tw_table_arm(struct seqstate_tw_table *t)
{
	WRITE_ONCE(t->armed, true);
}
EXPORT_SYMBOL_GPL(seqstate_tw_table_arm);

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
		    !cmpxchg(slot, 0, (unsigned long)sk | (substate & SEQSTATE_TW_BIRTH_MASK)))
			return;
	}
	/* The tracepoint counts sk's change as a close: tw's gauge stays short by one. */
	seqstate_miss(SEQSTATE_MISS_TW_BIRTH);
}
EXPORT_SYMBOL_GPL(seqstate_tw_born);

/* The tracepoint's side of a birth: the timewait substate @sk turned into, or 0. */
int seqstate_tw_take(struct seqstate_tw_table *t, const struct sock *sk)
{
	unsigned long *slot, val;
	unsigned int i;

	for (i = 0; i < SEQSTATE_TW_BIRTH_PROBES; i++) {
		slot = seqstate_tw_birth_slot(t, sk, i);
		val = READ_ONCE(*slot);
		if ((val & ~SEQSTATE_TW_BIRTH_MASK) == (unsigned long)sk &&
		    cmpxchg(slot, val, 0) == val)
			return val & SEQSTATE_TW_BIRTH_MASK;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(seqstate_tw_take);

/*
 * The re-arm hook. True when this call is the one that counts @tw's FIN-WAIT-2 -> TIME-WAIT:
 * tw is in TIME-WAIT and its claim was still there. A later FIN, a copy of the same FIN on
 * another CPU, or one that comes after the death, finds the claim gone.
 */
bool seqstate_tw_fin(struct seqstate_tw_table *t, const struct inet_timewait_sock *tw)
{
	return READ_ONCE(tw->tw_substate) == TCP_TIME_WAIT && seqstate_tw_claim_take(t, tw);
}
EXPORT_SYMBOL_GPL(seqstate_tw_fin);

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
EXPORT_SYMBOL_GPL(seqstate_tw_gone);

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
EXPORT_SYMBOL_GPL(seqstate_tw_adopt);

/* ---- the hooks ---- */

static bool seqstate_tw_is_tcp(const struct inet_timewait_sock *tw)
{
	/* DCCP keeps its own death row. */
	return tw->tw_dr == &twsk_net(tw)->ipv4.tcp_death_row;
}

enum seqstate_tw_site {
	SEQSTATE_TW_BIRTH,
	SEQSTATE_TW_SEGMENT,
	SEQSTATE_TW_REARM,
	SEQSTATE_TW_DEATH,
	SEQSTATE_TW_SITES
};

static const char *const seqstate_tw_targets[SEQSTATE_TW_SITES] = {
	[SEQSTATE_TW_BIRTH]	= SEQSTATE_TWSK_HASHDANCE,
	[SEQSTATE_TW_SEGMENT]	= "tcp_timewait_state_process",
	[SEQSTATE_TW_REARM]	= "__inet_twsk_schedule",
	[SEQSTATE_TW_DEATH]	= "inet_twsk_kill",
};

/*
 * One ftrace_ops for the four functions: unregistering one waits for two RCU-tasks grace
 * periods, which add up at every unload. The callback tells the functions apart by the
 * address ftrace reports; the kernel exports none of them to modules on 7.x, so each
 * address is learnt from kallsyms at the function's first call.
 */
static unsigned long seqstate_tw_ips[SEQSTATE_TW_SITES];

static noinline int seqstate_tw_learn(unsigned long ip)
{
	char name[KSYM_SYMBOL_LEN];
	int i;

	sprint_symbol_no_offset(name, ip);
	for (i = 0; i < SEQSTATE_TW_SITES; i++) {
		if (!strcmp(name, seqstate_tw_targets[i])) {
			WRITE_ONCE(seqstate_tw_ips[i], ip);
			return i;
		}
	}
	return -1;
}

static int seqstate_tw_site(unsigned long ip)
{
	int i;

	for (i = 0; i < SEQSTATE_TW_SITES; i++)
		if (READ_ONCE(seqstate_tw_ips[i]) == ip)
			return i;
	return seqstate_tw_learn(ip);
}

static void notrace seqstate_tw_hook(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	/* FTRACE_OPS_FL_SAVE_REGS: the arguments are in the registers. */
	struct pt_regs *regs = ftrace_get_regs(fregs);
	const struct inet_timewait_sock *tw;
	const struct sock *sk;

	if (WARN_ON_ONCE(!regs))
		return;
	tw = (const void *)regs_get_kernel_argument(regs, 0);
	switch (seqstate_tw_site(ip)) {
	case SEQSTATE_TW_BIRTH:		/* (tw, sk, hashinfo[, timeo]) */
		sk = (const void *)regs_get_kernel_argument(regs, 1);
		if (sk->sk_protocol == IPPROTO_TCP)
			seqstate_tw_born(seqstate_tw, tw, sk);
		break;
	case SEQSTATE_TW_SEGMENT:	/* (tw, skb, th, ...) */
		if (READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 && seqstate_tw_is_tcp(tw))
			seqstate_tw_adopt(seqstate_tw, tw);
		break;
	case SEQSTATE_TW_REARM:		/* (tw, timeo, rearm) */
		if (seqstate_tw_is_tcp(tw) && seqstate_tw_fin(seqstate_tw, tw))
			seqstate_netns_count(twsk_net(tw), TCP_FIN_WAIT2, TCP_TIME_WAIT);
		break;
	case SEQSTATE_TW_DEATH:		/* (tw) */
		if (seqstate_tw_is_tcp(tw))
			seqstate_netns_count(twsk_net(tw), seqstate_tw_gone(seqstate_tw, tw),
					     TCP_CLOSE);
		break;
	default:
		WARN_ONCE(1, "seqstate: hooked %pS, which is none of ours\n", (void *)ip);
	}
}

static struct ftrace_ops seqstate_tw_ops = {
	.func = seqstate_tw_hook,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_PERMANENT,
};

/*
 * One claim slot per timewait socket the host may hold (the init namespace's
 * tcp_max_tw_buckets), twice over for short probe windows; 8 KiB to 2 MiB.
 */
static unsigned int seqstate_tw_claim_slots(void)
{
	unsigned int n = READ_ONCE(init_net.ipv4.tcp_death_row.sysctl_max_tw_buckets);

	n = clamp_t(unsigned int, n, 512, 1U << 17);
	return roundup_pow_of_two(2 * n);
}

int seqstate_timewait_init(void)
{
	char name[KSYM_NAME_LEN];
	int i, err;

	seqstate_tw = seqstate_tw_table_alloc(seqstate_tw_claim_slots());
	if (!seqstate_tw)
		return -ENOMEM;
	for (i = 0; i < SEQSTATE_TW_SITES; i++) {
		strscpy(name, seqstate_tw_targets[i], sizeof(name));
		err = ftrace_set_filter(&seqstate_tw_ops, name, strlen(name), 0);
		if (err) {
			pr_err("cannot trace %s (%d): inlined, or not traceable in this kernel?\n",
			       seqstate_tw_targets[i], err);
			goto err_filter;
		}
	}
	err = register_ftrace_function(&seqstate_tw_ops);
	if (err) {
		pr_err("cannot hook the timewait functions: %d\n", err);
		goto err_filter;
	}
	return 0;

err_filter:
	ftrace_free_filter(&seqstate_tw_ops);
	seqstate_tw_table_free(seqstate_tw);
	return err;
}

/* Once the tracepoint is attached: from now on it takes every birth noted. */
void seqstate_timewait_start(void)
{
	seqstate_tw_table_arm(seqstate_tw);
}

void seqstate_timewait_exit(void)
{
	/* Waits for callbacks under way: the ops is dynamic (module data). */
	unregister_ftrace_function(&seqstate_tw_ops);
	ftrace_free_filter(&seqstate_tw_ops);
	seqstate_tw_table_free(seqstate_tw);
}

int seqstate_timewait_take(const struct sock *sk)
{
	return seqstate_tw_take(seqstate_tw, sk);
}
