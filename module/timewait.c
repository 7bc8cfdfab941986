// SPDX-License-Identifier: GPL-2.0
/*
 * Timewait sockets, which the tracepoint never sees. ss shows them by substate: FIN-WAIT-2
 * or TIME-WAIT. Three kprobes, all on function entry (ftrace-based, no return probes that
 * could run out of instances):
 *
 *   birth       inet_twsk_hashdance[_schedule](tw, sk, ...): the full socket sk is replaced
 *               by tw; the tracepoint reports sk's state -> CLOSE soon after and counts it
 *               as sk's state -> tw's substate instead (timewait_take()). Between the two
 *               the task may be preempted or migrated (tcp_done() runs with bottom halves
 *               enabled, e.g. from the socket backlog), so the note is kept per socket.
 *   FIN-WAIT-2  tcp_timewait_state_process(tw, ...) notes tw's substate on entry; when it
 *   -> TIME-WAIT  then re-arms the timer of that same tw (__inet_twsk_schedule(.., rearm))
 *               and the substate has become TIME-WAIT, a FIN moved it on.
 *   death       inet_twsk_kill(tw): unhashed, gone from ss.
 *
 * The FIN-WAIT-2 -> TIME-WAIT pair runs in one softirq, so its note can be per CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "netns.h"
#include "timewait.h"

struct seqstate_tw_note {
	const void *tw;		/* timewait socket handling a segment */
	int tw_substate;	/* ... with this substate on entry */
};

/*
 * Births in flight, each a full socket's address with the new substate in its low bits
 * (sockets are aligned far beyond 16 bytes). An entry lives from the hashdance to the
 * tracepoint, microseconds: the table is nearly empty and a few probes find a slot.
 */
#define SEQSTATE_TW_SLOTS	1024
#define SEQSTATE_TW_PROBES	32
static unsigned long seqstate_tw_births[SEQSTATE_TW_SLOTS];

static unsigned int seqstate_tw_slot(const void *sk, unsigned int i)
{
	return (hash_ptr(sk, ilog2(SEQSTATE_TW_SLOTS)) + i) % SEQSTATE_TW_SLOTS;
}

static DEFINE_PER_CPU(struct seqstate_tw_note, seqstate_tw_note);

static void *seqstate_arg(struct pt_regs *regs, unsigned int n)
{
	return (void *)regs_get_kernel_argument(regs, n);
}

static bool seqstate_tw_is_tcp(const struct inet_timewait_sock *tw)
{
	/* DCCP keeps its own death row. */
	return tw->tw_dr == &twsk_net(tw)->ipv4.tcp_death_row;
}

static int seqstate_tw_birth(struct kprobe *p, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw = seqstate_arg(regs, 0);
	const struct sock *sk = seqstate_arg(regs, 1);

	unsigned long val = (unsigned long)sk | (READ_ONCE(tw->tw_substate) & 15);
	unsigned int i;

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	for (i = 0; i < SEQSTATE_TW_PROBES; i++)
		if (!cmpxchg(&seqstate_tw_births[seqstate_tw_slot(sk, i)], 0, val))
			return 0;
	return 0;	/* never seen: it counts as a close, and verify shows the drift */
}

/* The tracepoint's side of a birth: the timewait substate @sk turned into, or 0. */
int seqstate_timewait_take(const struct sock *sk)
{
	unsigned long *slot, val;
	unsigned int i;

	for (i = 0; i < SEQSTATE_TW_PROBES; i++) {
		slot = &seqstate_tw_births[seqstate_tw_slot(sk, i)];
		val = READ_ONCE(*slot);
		if ((val & ~15UL) == (unsigned long)sk && cmpxchg(slot, val, 0) == val)
			return val & 15;
	}
	return 0;
}

static int seqstate_tw_process(struct kprobe *p, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw = seqstate_arg(regs, 0);

	this_cpu_write(seqstate_tw_note.tw_substate, READ_ONCE(tw->tw_substate));
	this_cpu_write(seqstate_tw_note.tw, tw);
	return 0;
}

static int seqstate_tw_rearm(struct kprobe *p, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw = seqstate_arg(regs, 0);
	bool rearm = regs_get_kernel_argument(regs, 2);

	if (!rearm || this_cpu_read(seqstate_tw_note.tw) != tw)
		return 0;
	this_cpu_write(seqstate_tw_note.tw, NULL);
	if (this_cpu_read(seqstate_tw_note.tw_substate) == TCP_FIN_WAIT2 &&
	    READ_ONCE(tw->tw_substate) == TCP_TIME_WAIT)
		seqstate_netns_count(twsk_net(tw), TCP_FIN_WAIT2, TCP_TIME_WAIT);
	return 0;
}

static int seqstate_tw_death(struct kprobe *p, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw = seqstate_arg(regs, 0);

	if (seqstate_tw_is_tcp(tw))
		seqstate_netns_count(twsk_net(tw), READ_ONCE(tw->tw_substate), TCP_CLOSE);
	return 0;
}

static struct kprobe seqstate_tw_probes[] = {
	{ .symbol_name = SEQSTATE_TWSK_HASHDANCE, .pre_handler = seqstate_tw_birth },
	{ .symbol_name = "tcp_timewait_state_process", .pre_handler = seqstate_tw_process },
	{ .symbol_name = "__inet_twsk_schedule", .pre_handler = seqstate_tw_rearm },
	{ .symbol_name = "inet_twsk_kill", .pre_handler = seqstate_tw_death },
};

static struct kprobe *seqstate_tw_kprobes[ARRAY_SIZE(seqstate_tw_probes)];

int seqstate_timewait_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(seqstate_tw_probes); i++)
		seqstate_tw_kprobes[i] = &seqstate_tw_probes[i];
	err = register_kprobes(seqstate_tw_kprobes, ARRAY_SIZE(seqstate_tw_kprobes));
	if (err)
		pr_err("cannot probe the timewait functions (%d): is one of %s, %s inlined?\n",
		       err, SEQSTATE_TWSK_HASHDANCE, "inet_twsk_kill");
	return err;
}

void seqstate_timewait_exit(void)
{
	/* Waits for running handlers. */
	unregister_kprobes(seqstate_tw_kprobes, ARRAY_SIZE(seqstate_tw_kprobes));
}
