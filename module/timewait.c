// SPDX-License-Identifier: GPL-2.0
/*
 * Timewait sockets, which the tracepoint never sees. ss shows them by substate: FIN-WAIT-2
 * or TIME-WAIT. Three kprobes, all on function entry (ftrace-based, no return probes that
 * could run out of instances):
 *
 *   birth       inet_twsk_hashdance[_schedule](tw, sk, ...): the full socket sk is replaced
 *               by tw; the tracepoint reports sk's state -> CLOSE right after, on this CPU,
 *               and counts it as sk's state -> tw's substate instead (timewait_take()).
 *   FIN-WAIT-2  tcp_timewait_state_process(tw, ...) notes tw's substate on entry; when it
 *   -> TIME-WAIT  then re-arms the timer of that same tw (__inet_twsk_schedule(.., rearm))
 *               and the substate has become TIME-WAIT, a FIN moved it on.
 *   death       inet_twsk_kill(tw): unhashed, gone from ss.
 *
 * All three run with bottom halves disabled, so a CPU's notes cannot be interleaved.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <net/inet_timewait_sock.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "netns.h"
#include "timewait.h"

struct seqstate_tw_note {
	const void *sk;		/* full socket turning into a timewait socket */
	int substate;		/* ... with this substate */
	const void *tw;		/* timewait socket handling a segment */
	int tw_substate;	/* ... with this substate on entry */
};

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

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	this_cpu_write(seqstate_tw_note.substate, READ_ONCE(tw->tw_substate));
	this_cpu_write(seqstate_tw_note.sk, sk);
	return 0;
}

/* The tracepoint's side of a birth: the timewait substate @sk turned into, or 0. */
int seqstate_timewait_take(const struct sock *sk)
{
	if (this_cpu_read(seqstate_tw_note.sk) != sk)
		return 0;
	this_cpu_write(seqstate_tw_note.sk, NULL);
	return this_cpu_read(seqstate_tw_note.substate);
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
