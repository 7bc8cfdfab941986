/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_HOOK_H
#define _SEQSTATE_ISN_HOOK_H

#include <linux/ftrace.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include "isn_key.h"

/*
 * One kernel function, sent to ours while active. Found by name: the older trees do not
 * export secure_tcp_ts_off().
 */
struct seqstate_hook {
	struct ftrace_ops ops;
	const char *target;
	void *ours;
};

void seqstate_isn_redirect(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			   struct ftrace_regs *fregs);

/*
 * As livepatch: where ftrace passes the arguments (ftrace_regs), its lighter trampoline
 * can change the instruction pointer too; full pt_regs are needed only elsewhere.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define SEQSTATE_HOOK_FLAGS	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)
#else
#define SEQSTATE_HOOK_FLAGS	(FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY |	\
				 FTRACE_OPS_FL_PERMANENT)
#endif

#define SEQSTATE_HOOK(kernel, seqstate) {					\
	.ops = { .func = seqstate_isn_redirect, .flags = SEQSTATE_HOOK_FLAGS },	\
	.target = #kernel, .ours = (seqstate) }

/*
 * The kernel's ISN API, as Kbuild found it in the target tree: isn_union.c or isn_split.c
 * defines these. seqstate_isn_netns_counts: the kernel's functions tell us the namespace,
 * so calls are counted per namespace too.
 */
extern struct seqstate_hook seqstate_isn_hooks[];
extern const unsigned int seqstate_isn_nr_hooks;
extern const bool seqstate_isn_netns_counts;

/* Calls answered, host-wide. */
DECLARE_PER_CPU(struct seqstate_isn_counts, seqstate_isn_answered);

/* The TCP timestamp offset: the hash's high half, 0 unless tcp_timestamps is 1. */
static inline u32 seqstate_ts_off(const struct net *net, u64 hash)
{
	return READ_ONCE(net->ipv4.sysctl_tcp_timestamps) == 1 ? hash >> 32 : 0;
}

/* The writable sysfs files: isn/active and isn/rekey_guard_s. */
int seqstate_isn_set_active(bool on, const char *what);
void seqstate_isn_set_rekey_guard(unsigned int s);

/* The hook's targets, and isn_active=1; exit unhooks. */
int seqstate_isn_hook_init(void);
void seqstate_isn_hook_exit(void);

#endif /* _SEQSTATE_ISN_HOOK_H */
