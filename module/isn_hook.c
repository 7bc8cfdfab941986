// SPDX-License-Identifier: GPL-2.0
/*
 * The switch that makes seqstate's generator the one TCP uses: an ftrace hook with
 * IPMODIFY, as livepatch does, redirects the kernel's ISN functions (isn_union.c or
 * isn_split.c) to ours while /sys/kernel/seqstate/isn/active is 1. The hook is attached at
 * the first activation and stays until unload; switching is then a flag the hook reads,
 * instant at any moment. Attaching and detaching patch kernel text and wait for RCU-tasks
 * grace periods: far too slow to do per switch. Every switch passes the rekey guard
 * (isn_gen.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "isn_gen.h"
#include "isn_hook.h"

static bool seqstate_isn_hooked;	/* the ftrace hook is attached */
static bool seqstate_isn_pending;	/* isn_active=1 waits for the guard */
DEFINE_PER_CPU(struct seqstate_isn_counts, seqstate_isn_answered);

static bool isn_active;
module_param(isn_active, bool, 0444);
MODULE_PARM_DESC(isn_active, "Make seqstate TCP's ISN generator once rekey_guard_s after load allows (default: no)");

void notrace seqstate_isn_redirect(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (seqstate_isn_active())
		seqstate_ftrace_set_ip(fregs, (unsigned long)
				       container_of(op, struct seqstate_hook, ops)->ours);
}

static void seqstate_unregister(unsigned int n)
{
	while (n--)
		unregister_ftrace_function(&seqstate_isn_hooks[n].ops);
}

static int seqstate_isn_attach(void)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&seqstate_isn_lock);
	if (seqstate_isn_hooked)
		return 0;
	for (i = 0; i < seqstate_isn_nr_hooks; i++) {
		err = register_ftrace_function(&seqstate_isn_hooks[i].ops);
		if (err) {
			seqstate_unregister(i);
			pr_err("cannot hook the kernel's ISN functions: %d\n", err);
			return err;
		}
	}
	seqstate_isn_hooked = true;
	return 0;
}

/* At unload: TCP goes back to the kernel's generator. */
static void seqstate_isn_detach(void)
{
	lockdep_assert_held(&seqstate_isn_lock);
	seqstate_isn_switched(false, ktime_get_ns());
	if (!seqstate_isn_hooked)
		return;
	seqstate_unregister(seqstate_isn_nr_hooks);
	/* A task preempted inside one of our functions must have left it. */
	synchronize_rcu_tasks();
	seqstate_isn_hooked = false;
}

/* Switch TCP's generator, if the guard lets us; writing the current value changes nothing. */
static int seqstate_isn_switch(bool on, const char *what)
{
	u64 now = ktime_get_ns();
	int err;

	lockdep_assert_held(&seqstate_isn_lock);
	if (on == seqstate_isn_on)
		return 0;
	err = seqstate_isn_may_switch(now, what);
	if (!err && on)
		err = seqstate_isn_attach();
	if (err)
		return err;
	seqstate_isn_switched(on, now);
	return 0;
}

static unsigned long seqstate_ns_to_jiffies(u64 ns)
{
	return min_t(u64, nsecs_to_jiffies64(ns) + 1, MAX_JIFFY_OFFSET);
}

/*
 * isn_active=1: the switch, once the guard allows it. The work looks again whenever it
 * runs (rekey_guard_s may have changed since it was scheduled) and goes back to sleep for
 * what is left.
 */
static void seqstate_isn_activate(struct work_struct *work)
{
	u64 left;

	mutex_lock(&seqstate_isn_lock);
	if (!seqstate_isn_pending)
		goto out;
	left = seqstate_isn_switch_wait(ktime_get_ns());
	if (left) {
		schedule_delayed_work(to_delayed_work(work), seqstate_ns_to_jiffies(left));
		goto out;
	}
	seqstate_isn_pending = false;
	if (!seqstate_isn_switch(true, "isn_active"))
		pr_info("isn_active: TCP uses seqstate's ISNs now\n");
out:
	mutex_unlock(&seqstate_isn_lock);
}

static DECLARE_DELAYED_WORK(seqstate_isn_activation, seqstate_isn_activate);

int seqstate_isn_set_active(bool on, const char *what)
{
	int err;

	mutex_lock(&seqstate_isn_lock);
	err = seqstate_isn_switch(on, what);
	/* Written by hand, 0 or 1, it supersedes isn_active's switch still to come. */
	if (!err && seqstate_isn_pending) {
		seqstate_isn_pending = false;
		cancel_delayed_work(&seqstate_isn_activation);
	}
	mutex_unlock(&seqstate_isn_lock);
	return err;
}

void seqstate_isn_set_rekey_guard(unsigned int s)
{
	mutex_lock(&seqstate_isn_lock);
	seqstate_rekey_guard_update(s);
	if (seqstate_isn_pending)	/* a shorter guard may let it switch in now */
		mod_delayed_work(seqstate_wq, &seqstate_isn_activation, 0);
	mutex_unlock(&seqstate_isn_lock);
}

static void seqstate_free_filters(void)
{
	unsigned int i;

	for (i = 0; i < seqstate_isn_nr_hooks; i++)
		ftrace_free_filter(&seqstate_isn_hooks[i].ops);
}

int seqstate_isn_hook_init(void)
{
	unsigned int i, guard_s;
	int err = 0;

	for (i = 0; i < seqstate_isn_nr_hooks; i++) {
		char name[KSYM_NAME_LEN];

		strscpy(name, seqstate_isn_hooks[i].target, sizeof(name));
		err = ftrace_set_filter(&seqstate_isn_hooks[i].ops, name, strlen(name), 0);
		if (err) {
			pr_err("cannot trace %s: %d\n", seqstate_isn_hooks[i].target, err);
			goto err_filter;
		}
	}

	mutex_lock(&seqstate_isn_lock);
	guard_s = seqstate_rekey_guard_s();
	if (isn_active && !guard_s) {
		err = seqstate_isn_switch(true, "isn_active");
	} else if (isn_active) {
		seqstate_isn_pending = true;
		schedule_delayed_work(&seqstate_isn_activation,
				      seqstate_ns_to_jiffies((u64)guard_s * NSEC_PER_SEC));
		pr_info("isn_active: TCP uses seqstate's ISNs in %u s, when rekey_guard_s allows (the load counts as a change)\n",
			guard_s);
	}
	mutex_unlock(&seqstate_isn_lock);
	if (err)
		goto err_filter;
	return 0;

err_filter:
	seqstate_free_filters();
	return err;
}

void seqstate_isn_hook_exit(void)
{
	/* Before the lock: the work takes it. It cannot be queued again once cancelled. */
	cancel_delayed_work_sync(&seqstate_isn_activation);
	mutex_lock(&seqstate_isn_lock);
	seqstate_isn_pending = false;
	seqstate_isn_detach();
	mutex_unlock(&seqstate_isn_lock);
	seqstate_free_filters();
}
