// SPDX-License-Identifier: GPL-2.0
/*
 * The gauges by cgroup (v2), per namespace: an entry (tallies.c) for each cgroup its
 * sockets were made in. The cgroup is read once, when the socket enters its first state:
 * so a timewait socket, which has no cgroup of its own, stays in its full socket's, and a
 * socket stays in the cgroup it was made in, as ss --cgroup shows it.
 *
 * (other), the namespace's anchor entry, counts the sockets whose cgroup is unknown
 * (timewait sockets there at load) or found no entry (the namespace at its cap, or no
 * memory; both counted). Entries of live cgroups stay, idle or not; a removed cgroup's
 * goes with its last socket.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/sock.h>
#include "cgroups.h"
#include "counters.h"
#include "parse.h"
#include "tallies.h"

static bool cgroups = true;
static unsigned int cgroups_max = 256;

module_param_cb(cgroups, &seqstate_param_switch, &cgroups, 0444);
MODULE_PARM_DESC(cgroups, "Count sockets by the cgroup (v2) they were made in: 1 (default) or 0");

static int cgroups_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (seqstate_parse_uint(val, strlen(val), 65536, &v) || !v) {
		pr_info_ratelimited("cgroups_max takes 1 to 65536\n");
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops cgroups_max_ops = {
	.set = cgroups_max_set,
	.get = param_get_uint,
};

module_param_cb(cgroups_max, &cgroups_max_ops, &cgroups_max, 0444);
MODULE_PARM_DESC(cgroups_max, "Cgroups counted per namespace; the rest count as (other) (256)");

#ifdef CONFIG_SOCK_CGROUP_DATA
static struct cgroup *seqstate_sk_cgroup(const struct sock *sk)
{
	return sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);
}

static void seqstate_cgroup_hold(unsigned long key)
{
	cgroup_get((struct cgroup *)key);
}

static void seqstate_cgroup_release(unsigned long key)
{
	cgroup_put((struct cgroup *)key);
}

/*
 * rmdir kills the reference of the cgroup's own css on every version; css_is_dying()
 * reads CSS_DYING from 6.10 on, which only the controllers' css get.
 */
static bool seqstate_cgroup_live(unsigned long key)
{
	return !percpu_ref_is_dying(&((struct cgroup *)key)->self.refcnt);
}

static u64 seqstate_cgroup_id(unsigned long key)
{
	return cgroup_id((struct cgroup *)key);
}
#else
static struct cgroup *seqstate_sk_cgroup(const struct sock *sk)
{
	return NULL;
}

static void seqstate_cgroup_hold(unsigned long key)
{
}

static void seqstate_cgroup_release(unsigned long key)
{
}

static bool seqstate_cgroup_live(unsigned long key)
{
	return true;
}

static u64 seqstate_cgroup_id(unsigned long key)
{
	return 0;
}
#endif

static DEFINE_STATIC_KEY_FALSE(seqstate_cgroups_key);

bool seqstate_cgroups_on(void)
{
	return static_branch_likely(&seqstate_cgroups_key);
}

static unsigned long seqstate_cgroup_of_listener(const struct sock *sk)
{
	return (unsigned long)seqstate_sk_cgroup(sk);
}

static const struct seqstate_tally_kind seqstate_cgroup_kind = {
	.max = &cgroups_max,
	.miss = SEQSTATE_MISS_CGROUP,
	.hold = seqstate_cgroup_hold,
	.release = seqstate_cgroup_release,
	.keep = seqstate_cgroup_live,
	.id = seqstate_cgroup_id,
	.key_of_listener = seqstate_cgroup_of_listener,
};

struct seqstate_tally *seqstate_cg_get(const struct net *net, const struct sock *sk,
				       bool may_alloc)
{
	unsigned long key = sk && sk_fullsock(sk) ? (unsigned long)seqstate_sk_cgroup(sk) : 0;
	struct seqstate_tally *t;

	if (!seqstate_cgroups_on())
		return NULL;
	t = seqstate_tally_get(&seqstate_cgroup_kind, net, key, true, may_alloc);
	return t ?: seqstate_tally_get(&seqstate_cgroup_kind, net, 0, false, false);
}

int seqstate_cgroups_netns_init(const struct net *net)
{
	return seqstate_cgroups_on() ? seqstate_tallies_netns_init(&seqstate_cgroup_kind, net) : 0;
}

void seqstate_cgroups_netns_exit(const struct net *net)
{
	if (seqstate_cgroups_on())
		seqstate_tallies_netns_exit(&seqstate_cgroup_kind, net);
}

int seqstate_cgroups_read(const struct net *net, struct seqstate_tally_row **rows)
{
	if (!seqstate_cgroups_on())
		return -ENODATA;
	return seqstate_tallies_read(&seqstate_cgroup_kind, net, rows);
}

void seqstate_cgroups_init(void)
{
#ifndef CONFIG_SOCK_CGROUP_DATA
	if (cgroups)
		pr_info("no cgroups: this kernel keeps no cgroup per socket (CONFIG_SOCK_CGROUP_DATA)\n");
	cgroups = false;
#endif
	if (cgroups)
		static_branch_enable(&seqstate_cgroups_key);
}

void seqstate_cgroups_exit(void)
{
	static_branch_disable(&seqstate_cgroups_key);
}
