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
 *   segment     tcp_timewait_state_process(tw, ...): a segment for tw, which may adopt it.
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
 * The table behind them (timewait_table.c) makes each FIN-WAIT-2 -> TIME-WAIT step count
 * once, and says what adoption is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "netns.h"
#include "records.h"
#include "timewait.h"
#include "timewait_table.h"

static struct seqstate_tw_table *seqstate_tw;	/* the host's */

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
		if (sk->sk_protocol != IPPROTO_TCP)
			break;
		seqstate_tw_born(seqstate_tw, tw, sk);
		if (seqstate_records_on())
			seqstate_netns_timewait_born(sock_net(sk), sk, tw, READ_ONCE(sk->sk_state),
						     READ_ONCE(tw->tw_substate));
		break;
	case SEQSTATE_TW_SEGMENT:	/* (tw, skb, th, ...) */
		if (READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 && seqstate_tw_is_tcp(tw))
			seqstate_tw_adopt(seqstate_tw, tw);
		break;
	case SEQSTATE_TW_REARM:		/* (tw, timeo, rearm) */
		if (seqstate_tw_is_tcp(tw) && seqstate_tw_fin(seqstate_tw, tw))
			seqstate_netns_count(twsk_net(tw), tw, TCP_FIN_WAIT2, TCP_TIME_WAIT);
		break;
	case SEQSTATE_TW_DEATH:		/* (tw) */
		if (seqstate_tw_is_tcp(tw))
			seqstate_netns_count(twsk_net(tw), tw, seqstate_tw_gone(seqstate_tw, tw),
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
