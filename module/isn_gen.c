// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 6528 ISN generator (include/seqstate/isn.h), its keys, and the guard on changing
 * the generator TCP uses. isn_hook.c switches it into TCP.
 *
 * The rekey guard. TCP's generator for a tuple is the kernel's while active is 0, and ours
 * with the key of the tuple's namespace (or the host key) while it is 1. Every change of it
 * breaks the per-tuple monotonicity RFC 6528 relies on (a new SYN into a peer's TIME-WAIT,
 * PAWS for tcp_tw_reuse clients: the timestamp offset changes too) and makes SYN-cookie
 * ACKs in flight decode their timestamp with the other generator. So within rekey_guard_s
 * seconds of a change, nothing changes it again:
 *  - a switch of active, either way, waits for the last switch and for the last change of
 *    any key TCP was using;
 *  - a key change while active waits for the last switch and for that key's own last
 *    change: keys are guarded one by one, one namespace's rekey never blocks another's;
 *  - a key change while inactive changes nothing TCP uses and is never refused;
 *  - the load counts as a switch: the module cannot know when an earlier instance was
 *    unloaded (an unload while active hands TCP back to the kernel's generator, and a
 *    module exit cannot refuse), so isn_active=1 switches in once the guard allows it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include "isn_gen.h"
#include "isn_key.h"
#include "netns.h"
#include "parse.h"

DEFINE_MUTEX(seqstate_isn_lock);	/* keys, seqstate_isn_on, the guard's times */
bool seqstate_isn_on;
static struct seqstate_isn_key __rcu *seqstate_key;	/* the host's */
static u64 seqstate_key_epoch;			/* key changes since load, all keys */
static time64_t seqstate_key_changed_at;	/* the last one, wall clock, for people */
static u64 seqstate_switched;		/* monotonic ns: the last switch, or the load */
static u64 seqstate_tcp_rekeyed;	/* monotonic ns: the last change of a key in use */

/* RFC 6528: a new key breaks per-tuple monotonicity; 60 s is Linux's TIME-WAIT (2*MSL). */
static unsigned int rekey_guard_s = 60;

/*
 * Decimal seconds and nothing else: param_set_uint() would take "+60" and " 60". Load
 * time only (0444): an argument of insmod or modprobe is a C string, so strlen() is all
 * of it. At run time a parameter's set() gets no length, and "60\0junk" would read as
 * "60"; isn/rekey_guard_s, which gets the write's length, takes run-time changes.
 */
static int rekey_guard_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (seqstate_parse_uint(val, strlen(val), UINT_MAX, &v)) {
		pr_info_ratelimited("rekey_guard_s takes decimal seconds\n");
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops rekey_guard_ops = {
	.set = rekey_guard_set,
	.get = param_get_uint,
};

module_param_cb(rekey_guard_s, &rekey_guard_ops, &rekey_guard_s, 0444);
MODULE_PARM_DESC(rekey_guard_s, "Refuse changes of TCP's ISN generator this soon after the last one (0: never refuse); at run time: /sys/kernel/seqstate/isn/rekey_guard_s");

u64 seqstate_isn_hash_v4(const siphash_key_t *key, __be32 laddr, __be32 raddr,
			 __be16 lport, __be16 rport)
{
	return seqstate_f4(key, laddr, raddr, lport, rport);
}
EXPORT_SYMBOL_GPL(seqstate_isn_hash_v4);

u64 seqstate_isn_hash_v6(const siphash_key_t *key, const struct in6_addr *laddr,
			 const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	return seqstate_f6(key, laddr, raddr, lport, rport);
}
EXPORT_SYMBOL_GPL(seqstate_isn_hash_v6);

u32 seqstate_isn_clock(void)
{
	return seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_clock);

/*
 * rcu_read_lock_sched(): on the ISN path that is a preempt count, where rcu_read_lock() is
 * two calls on preemptible-RCU kernels; synchronize_rcu() waits for either reader.
 */
const siphash_key_t *seqstate_isn_host_key(void)
{
	return &rcu_dereference_sched(seqstate_key)->key;
}

/* @net's own key with isn_netns_keys, else the host's. */
const siphash_key_t *seqstate_isn_key_of(const struct net *net)
{
	const siphash_key_t *key = seqstate_isn_netns_keys() ? seqstate_netns_isn_key(net) : NULL;

	return key ?: seqstate_isn_host_key();
}

u64 seqstate_isn_net_hash_v4(const struct net *net, __be32 laddr, __be32 raddr,
			     __be16 lport, __be16 rport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f4(seqstate_isn_key_of(net), laddr, raddr, lport, rport);
	rcu_read_unlock_sched();
	return h;
}

u64 seqstate_isn_net_hash_v6(const struct net *net, const struct in6_addr *laddr,
			     const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f6(seqstate_isn_key_of(net), laddr, raddr, lport, rport);
	rcu_read_unlock_sched();
	return h;
}

u32 seqstate_isn_v4(const struct net *net, __be32 laddr, __be32 raddr, __be16 lport,
		    __be16 rport)
{
	return (u32)seqstate_isn_net_hash_v4(net, laddr, raddr, lport, rport) + seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_v4);

u32 seqstate_isn_v6(const struct net *net, const struct in6_addr *laddr,
		    const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	return (u32)seqstate_isn_net_hash_v6(net, laddr, raddr, lport, rport) + seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_v6);

/* --- the rekey guard (see the top of this file) ------------------------------------ */

unsigned int seqstate_rekey_guard_s(void)
{
	return READ_ONCE(rekey_guard_s);
}

void seqstate_rekey_guard_update(unsigned int s)
{
	lockdep_assert_held(&seqstate_isn_lock);
	WRITE_ONCE(rekey_guard_s, s);
}

/* ns until TCP's generator, last changed at @last (monotonic ns), may change again; 0: now. */
static u64 seqstate_guard_left(u64 now, u64 last)
{
	u64 guard = (u64)READ_ONCE(rekey_guard_s) * NSEC_PER_SEC;

	return now - last < guard ? guard - (now - last) : 0;
}

static int seqstate_guard(u64 now, u64 last, const char *what)
{
	if (!seqstate_guard_left(now, last))
		return 0;
	pr_info_ratelimited("%s: TCP's ISN generator changed less than %u s ago; refusing (see rekey_guard_s)\n",
			    what, READ_ONCE(rekey_guard_s));
	return -EBUSY;
}

/* ns until the guard lets a switch follow the last one. */
u64 seqstate_isn_switch_wait(u64 now)
{
	lockdep_assert_held(&seqstate_isn_lock);
	return seqstate_guard_left(now, seqstate_switched);
}

int seqstate_isn_may_switch(u64 now, const char *what)
{
	lockdep_assert_held(&seqstate_isn_lock);
	return seqstate_guard(now, max(seqstate_switched, seqstate_tcp_rekeyed), what);
}

/* TCP's generator became ours (@on) or the kernel's at @now. */
void seqstate_isn_switched(bool on, u64 now)
{
	lockdep_assert_held(&seqstate_isn_lock);
	WRITE_ONCE(seqstate_isn_on, on);
	seqstate_switched = now;
}

/* --- keys ----------------------------------------------------------------------------- */

static int seqstate_set_key(struct net *net, const siphash_key_t *key, const char *what)
{
	struct seqstate_isn_key *k, *old;
	bool own = seqstate_isn_netns_keys(), live = seqstate_isn_on;
	u64 now = ktime_get_ns(), epoch = 0, since = 0;
	const siphash_key_t *cur;
	int err;

	lockdep_assert_held(&seqstate_isn_lock);
	/* Keys are replaced only under our lock, and the writer's namespace outlives us. */
	rcu_read_lock();
	cur = own ? seqstate_netns_isn_key(net) :
		    &rcu_dereference_check(seqstate_key, lockdep_is_held(&seqstate_isn_lock))->key;
	if (cur) {
		epoch = container_of(cur, struct seqstate_isn_key, key)->epoch + 1;
		since = container_of(cur, struct seqstate_isn_key, key)->tcp_since;
	}
	rcu_read_unlock();
	if (live) {
		err = seqstate_guard(now, max(seqstate_switched, since), what);
		if (err)
			return err;
	}
	k = seqstate_isn_key_new(key);
	if (!k)
		return -ENOMEM;
	k->epoch = epoch;
	k->tcp_since = live ? now : 0;
	if (own) {
		err = seqstate_netns_set_isn_key(net, k);
		if (err) {
			seqstate_isn_key_free(k);
			return err;
		}
	} else {
		old = rcu_replace_pointer(seqstate_key, k, lockdep_is_held(&seqstate_isn_lock));
		synchronize_rcu();	/* ISNs being made with it */
		seqstate_isn_key_free(old);
	}
	seqstate_key_epoch++;
	WRITE_ONCE(seqstate_key_changed_at, k->changed_at);
	if (live)
		seqstate_tcp_rekeyed = now;
	return 0;
}

int seqstate_isn_set_key(struct net *net, const siphash_key_t *key, const char *what)
{
	int err;

	mutex_lock(&seqstate_isn_lock);
	err = seqstate_set_key(net, key, what);
	mutex_unlock(&seqstate_isn_lock);
	return err;
}

u64 seqstate_isn_key_epoch(void)
{
	return READ_ONCE(seqstate_key_epoch);
}

time64_t seqstate_isn_key_changed_at(void)
{
	return READ_ONCE(seqstate_key_changed_at);
}

int seqstate_isn_keys_init(void)
{
	struct seqstate_isn_key *k;
	int err;

	err = wait_for_random_bytes();
	if (err)
		return err;
	k = seqstate_isn_key_new(NULL);
	if (!k)
		return -ENOMEM;
	mutex_lock(&seqstate_isn_lock);
	rcu_assign_pointer(seqstate_key, k);
	seqstate_key_changed_at = k->changed_at;
	seqstate_isn_switched(false, ktime_get_ns());	/* the load counts as a switch */
	mutex_unlock(&seqstate_isn_lock);
	return 0;
}

/* Once nothing can use the key: the hook, the query and sysfs are gone (main.c). */
void seqstate_isn_keys_exit(void)
{
	struct seqstate_isn_key *k;

	mutex_lock(&seqstate_isn_lock);
	k = rcu_replace_pointer(seqstate_key, NULL, lockdep_is_held(&seqstate_isn_lock));
	mutex_unlock(&seqstate_isn_lock);
	seqstate_isn_key_free(k);
}
