// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 6528 ISN generator (include/seqstate/isn.h), its keys, and the switch that makes
 * it the generator TCP uses: an ftrace hook with IPMODIFY, as livepatch does, redirects the
 * kernel's secure_tcp[v6]_seq_and_ts_off() to ours while /sys/kernel/seqstate/isn/active
 * is 1. The hook is attached at the first activation and stays until unload; switching is
 * then a flag the hook reads, instant at any moment. Attaching and detaching patch kernel
 * text and wait for RCU-tasks grace periods: far too slow to do per switch.
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

#include <linux/capability.h>
#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/secure_seq.h>
#include <seqstate/isn.h>
#include "compat.h"
#include "counters.h"
#include "isn.h"
#include "netns.h"
#include "parse.h"

static struct seqstate_isn_key __rcu *seqstate_key;	/* the host's */
static DEFINE_MUTEX(seqstate_isn_lock);	/* keys, active, the guard's times */
static u64 seqstate_key_epoch;			/* key changes since load, all keys */
static time64_t seqstate_key_changed_at;	/* the last one, wall clock, for people */
static u64 seqstate_switched;		/* monotonic ns: the last switch, or the load */
static u64 seqstate_tcp_rekeyed;	/* monotonic ns: the last change of a key in use */
static bool seqstate_isn_on;		/* TCP uses our ISNs */
static bool seqstate_isn_hooked;	/* the ftrace hook is attached */
static bool seqstate_isn_pending;	/* isn_active=1 waits for the guard */
static DEFINE_PER_CPU(struct seqstate_isn_counts, seqstate_answered);

static bool isn_active;
module_param(isn_active, bool, 0444);
MODULE_PARM_DESC(isn_active, "Make seqstate TCP's ISN generator once rekey_guard_s after load allows (default: no)");

static bool isn_netns_keys;
module_param(isn_netns_keys, bool, 0444);
MODULE_PARM_DESC(isn_netns_keys, "A key of its own for every network namespace (default: one host key)");

bool seqstate_isn_netns_keys(void)
{
	return isn_netns_keys;
}

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

/*
 * F's IPv4 input is 12 bytes, which SipHash reads as one little-endian word and a 4-byte
 * tail: siphash_3u32() of the same bytes as little-endian words, the kernel's fast path.
 */
static inline u64 seqstate_f4(const siphash_key_t *key, __be32 laddr, __be32 raddr,
			      __be16 lport, __be16 rport)
{
	const __be16 ports[2] = { lport, rport };

	return siphash_3u32(get_unaligned_le32(&laddr), get_unaligned_le32(&raddr),
			    get_unaligned_le32(ports), key);
}

u64 seqstate_isn_hash_v4(const siphash_key_t *key, __be32 laddr, __be32 raddr,
			 __be16 lport, __be16 rport)
{
	return seqstate_f4(key, laddr, raddr, lport, rport);
}
EXPORT_SYMBOL_GPL(seqstate_isn_hash_v4);

static inline u64 seqstate_f6(const siphash_key_t *key, const struct in6_addr *laddr,
			      const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	const struct {
		struct in6_addr laddr, raddr;
		__be16 lport, rport;
	} __aligned(SIPHASH_ALIGNMENT) in = { *laddr, *raddr, lport, rport };

	return siphash(&in, offsetofend(typeof(in), rport), key);
}

u64 seqstate_isn_hash_v6(const siphash_key_t *key, const struct in6_addr *laddr,
			 const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	return seqstate_f6(key, laddr, raddr, lport, rport);
}
EXPORT_SYMBOL_GPL(seqstate_isn_hash_v6);

static inline u32 seqstate_m(void)
{
	return (u32)div_u64(ktime_get_ns(), SEQSTATE_ISN_TICK_NS);
}

u32 seqstate_isn_clock(void)
{
	return seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_clock);

/*
 * @net's own key with isn_netns_keys, else the host's. Caller holds rcu_read_lock_sched():
 * on the ISN path that is a preempt count, where rcu_read_lock() is two calls on
 * preemptible-RCU kernels; synchronize_rcu() waits for either reader.
 */
static const siphash_key_t *seqstate_key_of(const struct net *net)
{
	const siphash_key_t *key = isn_netns_keys ? seqstate_netns_isn_key(net) : NULL;

	return key ?: &rcu_dereference_sched(seqstate_key)->key;
}

static u64 seqstate_hash4(const struct net *net, __be32 laddr, __be32 raddr, __be16 lport,
			  __be16 rport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f4(seqstate_key_of(net), laddr, raddr, lport, rport);
	rcu_read_unlock_sched();
	return h;
}

static u64 seqstate_hash6(const struct net *net, const struct in6_addr *laddr,
			  const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f6(seqstate_key_of(net), laddr, raddr, lport, rport);
	rcu_read_unlock_sched();
	return h;
}

u32 seqstate_isn_v4(const struct net *net, __be32 laddr, __be32 raddr, __be16 lport,
		    __be16 rport)
{
	return (u32)seqstate_hash4(net, laddr, raddr, lport, rport) + seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_v4);

u32 seqstate_isn_v6(const struct net *net, const struct in6_addr *laddr,
		    const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	return (u32)seqstate_hash6(net, laddr, raddr, lport, rport) + seqstate_m();
}
EXPORT_SYMBOL_GPL(seqstate_isn_v6);

int seqstate_isn_parse_key(const char *buf, size_t len, siphash_key_t *key)
{
	__le64 words[2];

	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 2 * sizeof(words) || hex2bin((u8 *)words, buf, sizeof(words)))
		return -EINVAL;
	/* Byte i of the key is hex pair i; SipHash reads its key as two little-endian words. */
	key->key[0] = le64_to_cpu(words[0]);
	key->key[1] = le64_to_cpu(words[1]);
	memzero_explicit(words, sizeof(words));
	return 0;
}
EXPORT_SYMBOL_GPL(seqstate_isn_parse_key);

/* @key, or a random one when NULL: epoch 0, set now, not yet used by TCP. */
struct seqstate_isn_key *seqstate_isn_key_new(const siphash_key_t *key)
{
	struct seqstate_isn_key *k = kzalloc(sizeof(*k), GFP_KERNEL);

	if (!k)
		return NULL;
	if (key)
		k->key = *key;
	else
		get_random_bytes(&k->key, sizeof(k->key));
	k->changed_at = ktime_get_real_seconds();
	return k;
}

void seqstate_isn_key_free(struct seqstate_isn_key *k)
{
	kfree_sensitive(k);
}

#define SEQSTATE_ISN_COUNTS_BYTES	(sizeof(struct seqstate_isn_counts) * num_possible_cpus())

struct seqstate_isn_counts __percpu *seqstate_isn_counts_alloc(void)
{
	struct seqstate_isn_counts __percpu *c = alloc_percpu(struct seqstate_isn_counts);

	if (c)
		seqstate_memory_add(SEQSTATE_ISN_COUNTS_BYTES);
	return c;
}

void seqstate_isn_counts_free(struct seqstate_isn_counts __percpu *c)
{
	if (c)
		seqstate_memory_add(-(long)SEQSTATE_ISN_COUNTS_BYTES);
	free_percpu(c);
}

static struct seqstate_isn_counts seqstate_isn_counts_sum(struct seqstate_isn_counts __percpu *c)
{
	struct seqstate_isn_counts n = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		n.v4 += READ_ONCE(per_cpu_ptr(c, cpu)->v4);
		n.v6 += READ_ONCE(per_cpu_ptr(c, cpu)->v6);
	}
	return n;
}

/* --- the rekey guard (see the top of this file) ------------------------------------ */

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

/*
 * With seqstate_isn_lock held; @key NULL draws a random one. With isn_netns_keys the
 * change is the key of @net (the writer's namespace), else the host's.
 */
static int seqstate_set_key(struct net *net, const siphash_key_t *key, const char *what)
{
	struct seqstate_isn_key *k, *old;
	bool own = isn_netns_keys, live = seqstate_isn_on;
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

/* --- switched into TCP ------------------------------------------------------------- */

static u32 seqstate_ts_off(const struct net *net, u64 hash)
{
	return READ_ONCE(net->ipv4.sysctl_tcp_timestamps) == 1 ? hash >> 32 : 0;
}

#ifdef SEQSTATE_HAVE_SECURE_SEQ_UNION
/*
 * 6.1.191 and later (CVE-2026-23247): one call gives the ISN and the timestamp offset, and
 * TCP asks for both wherever it needs either, so a call is not always an ISN issued:
 *
 *	tcp_v4/v6_connect()		ISN, unless the socket took a TIME-WAIT socket's
 *					sequence space (tcp_tw_reuse) or connects again
 *					after a disconnect; the timestamp offset always
 *	tcp_conn_request() (SYN-ACK)	ISN, unless the SYN-ACK carries a SYN cookie or
 *					answers a SYN that reopens a TIME-WAIT tuple; then
 *					only the offset, and only if the SYN has timestamps
 *	cookie_v4/v6_check()		the offset alone, to decode a cookie ACK's timestamp
 *
 * We count every call we answer (answered_v4/v6), host-wide and per namespace. One lookup
 * gives the namespace's key and counters.
 */
#define SEQSTATE_ISN_NETNS_COUNTS	true
static const siphash_key_t *seqstate_tcp_key(const struct net *net,
					     struct seqstate_isn_counts __percpu **counts)
{
	const siphash_key_t *key;

	*counts = seqstate_netns_isn(net, &key);
	return key ?: &rcu_dereference_sched(seqstate_key)->key;
}

static union tcp_seq_and_ts_off seqstate_tcp_seq(const struct net *net, __be32 saddr,
						 __be32 daddr, __be16 sport, __be16 dport)
{
	struct seqstate_isn_counts __percpu *counts;
	union tcp_seq_and_ts_off st;
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f4(seqstate_tcp_key(net, &counts), saddr, daddr, sport, dport);
	if (counts)
		this_cpu_inc(counts->v4);
	rcu_read_unlock_sched();
	this_cpu_inc(seqstate_answered.v4);
	st.seq = (u32)h + seqstate_m();
	st.ts_off = seqstate_ts_off(net, h);
	return st;
}

static union tcp_seq_and_ts_off seqstate_tcpv6_seq(const struct net *net, const __be32 *saddr,
						   const __be32 *daddr, __be16 sport,
						   __be16 dport)
{
	struct seqstate_isn_counts __percpu *counts;
	union tcp_seq_and_ts_off st;
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f6(seqstate_tcp_key(net, &counts), (const struct in6_addr *)saddr,
			(const struct in6_addr *)daddr, sport, dport);
	if (counts)
		this_cpu_inc(counts->v6);
	rcu_read_unlock_sched();
	this_cpu_inc(seqstate_answered.v6);
	st.seq = (u32)h + seqstate_m();
	st.ts_off = seqstate_ts_off(net, h);
	return st;
}
#else
/*
 * Older trees: the ISN functions get no namespace (so the host key applies, and the calls
 * are counted host-wide only) and are called only for ISNs TCP uses: every answered call
 * is an ISN issued. The timestamp offset is computed apart, from the addresses alone: our
 * F's hash of the addresses with both ports 0; those calls are not counted.
 */
#define SEQSTATE_ISN_NETNS_COUNTS	false
static u32 seqstate_tcp_seq(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	this_cpu_inc(seqstate_answered.v4);
	return (u32)seqstate_hash4(&init_net, saddr, daddr, sport, dport) + seqstate_m();
}

static u32 seqstate_tcp_ts_off(const struct net *net, __be32 saddr, __be32 daddr)
{
	return seqstate_ts_off(net, seqstate_hash4(net, saddr, daddr, 0, 0));
}

static u32 seqstate_tcpv6_seq(const __be32 *saddr, const __be32 *daddr, __be16 sport,
			      __be16 dport)
{
	this_cpu_inc(seqstate_answered.v6);
	return (u32)seqstate_hash6(&init_net, (const struct in6_addr *)saddr,
				   (const struct in6_addr *)daddr, sport, dport) +
	       seqstate_m();
}

static u32 seqstate_tcpv6_ts_off(const struct net *net, const __be32 *saddr,
				 const __be32 *daddr)
{
	return seqstate_ts_off(net, seqstate_hash6(net, (const struct in6_addr *)saddr,
						   (const struct in6_addr *)daddr, 0, 0));
}
#endif

/*
 * One kernel function, sent to ours while active. Found by name: the older trees do not
 * export secure_tcp_ts_off().
 */
struct seqstate_hook {
	struct ftrace_ops ops;
	const char *target;
	void *ours;
};

static void notrace seqstate_redirect(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (READ_ONCE(seqstate_isn_on))
		seqstate_ftrace_set_ip(fregs, (unsigned long)
				       container_of(op, struct seqstate_hook, ops)->ours);
}

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
	.ops = { .func = seqstate_redirect, .flags = SEQSTATE_HOOK_FLAGS },	\
	.target = #kernel, .ours = (seqstate) }

static struct seqstate_hook seqstate_hooks[] = {
#ifdef SEQSTATE_HAVE_SECURE_SEQ_UNION
	SEQSTATE_HOOK(secure_tcp_seq_and_ts_off, seqstate_tcp_seq),
	SEQSTATE_HOOK(secure_tcpv6_seq_and_ts_off, seqstate_tcpv6_seq),
#else
	SEQSTATE_HOOK(secure_tcp_seq, seqstate_tcp_seq),
	SEQSTATE_HOOK(secure_tcp_ts_off, seqstate_tcp_ts_off),
	SEQSTATE_HOOK(secure_tcpv6_seq, seqstate_tcpv6_seq),
	SEQSTATE_HOOK(secure_tcpv6_ts_off, seqstate_tcpv6_ts_off),
#endif
};

static void seqstate_unregister(int n)
{
	while (n--)
		unregister_ftrace_function(&seqstate_hooks[n].ops);
}

static int seqstate_isn_hook(void)
{
	int i, err;

	lockdep_assert_held(&seqstate_isn_lock);
	if (seqstate_isn_hooked)
		return 0;
	for (i = 0; i < ARRAY_SIZE(seqstate_hooks); i++) {
		err = register_ftrace_function(&seqstate_hooks[i].ops);
		if (err) {
			seqstate_unregister(i);
			pr_err("cannot hook the kernel's ISN functions: %d\n", err);
			return err;
		}
	}
	seqstate_isn_hooked = true;
	return 0;
}

/* Only at unload. */
static void seqstate_isn_unhook(void)
{
	lockdep_assert_held(&seqstate_isn_lock);
	WRITE_ONCE(seqstate_isn_on, false);
	if (!seqstate_isn_hooked)
		return;
	seqstate_unregister(ARRAY_SIZE(seqstate_hooks));
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
	err = seqstate_guard(now, max(seqstate_switched, seqstate_tcp_rekeyed), what);
	if (!err && on)
		err = seqstate_isn_hook();
	if (err)
		return err;
	WRITE_ONCE(seqstate_isn_on, on);
	seqstate_switched = now;
	return 0;
}

/*
 * isn_active=1: the switch, once the guard allows it. The work looks again whenever it
 * runs (rekey_guard_s may have changed since it was scheduled) and goes back to sleep for
 * what is left.
 */
static void seqstate_isn_activate(struct work_struct *work);
static DECLARE_DELAYED_WORK(seqstate_isn_activation, seqstate_isn_activate);

static unsigned long seqstate_ns_to_jiffies(u64 ns)
{
	return min_t(u64, nsecs_to_jiffies64(ns) + 1, MAX_JIFFY_OFFSET);
}

static void seqstate_isn_activate(struct work_struct *work)
{
	u64 left;

	mutex_lock(&seqstate_isn_lock);
	if (!seqstate_isn_pending)
		goto out;
	left = seqstate_guard_left(ktime_get_ns(), seqstate_switched);
	if (left) {
		schedule_delayed_work(&seqstate_isn_activation, seqstate_ns_to_jiffies(left));
		goto out;
	}
	seqstate_isn_pending = false;
	if (!seqstate_isn_switch(true, "isn_active"))
		pr_info("isn_active: TCP uses seqstate's ISNs now\n");
out:
	mutex_unlock(&seqstate_isn_lock);
}

/* --- /proc/net/seqstate/isn and query: per namespace --------------------------------- */

/*
 * What this namespace may know: whether TCP uses our ISNs, the calls answered for its
 * sockets, and its own key's history if it has one. Host-wide values (every namespace's
 * connection rate, the host key's changes) are in /sys/kernel/seqstate/isn/ only.
 */
static int seqstate_isn_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct seqstate_isn_counts __percpu *counts;
	const struct seqstate_isn_key *k;
	struct seqstate_isn_counts n = {};
	const siphash_key_t *key;
	time64_t changed_at = 0;
	u64 epoch = 0;
	bool own;

	rcu_read_lock();
	counts = seqstate_netns_isn(net, &key);
	if (counts)
		n = seqstate_isn_counts_sum(counts);
	own = key;
	if (own) {
		k = container_of(key, struct seqstate_isn_key, key);
		epoch = k->epoch;
		changed_at = k->changed_at;
	}
	rcu_read_unlock();

	seq_printf(seq, "active          %d\n", READ_ONCE(seqstate_isn_on));
	seq_printf(seq, "tick_ns         %d\n", SEQSTATE_ISN_TICK_NS);
	if (SEQSTATE_ISN_NETNS_COUNTS) {	/* older trees do not tell us the namespace */
		seq_printf(seq, "answered_v4     %llu\n", n.v4);
		seq_printf(seq, "answered_v6     %llu\n", n.v6);
	}
	if (own) {
		seq_printf(seq, "key_epoch       %llu\n", epoch);
		seq_printf(seq, "key_changed_at  %lld\n", (long long)changed_at);
	}
	return 0;
}

/*
 * query: write "LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT" (IPv4 or IPv6), read back
 * "isn=... f=... m=..." for it from the same open file, computed at the write with this
 * namespace's key. The answer is the open file's own: concurrent users never see each
 * other's.
 */
struct seqstate_query {
	struct seq_net_private p;	/* first: seq_file_net() */
	bool answered;
	u32 f, m;
};

static void *seqstate_query_start(struct seq_file *seq, loff_t *pos)
{
	struct seqstate_query *q = seq->private;

	return !*pos && q->answered ? q : NULL;
}

static void *seqstate_query_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void seqstate_query_stop(struct seq_file *seq, void *v)
{
}

static int seqstate_query_show(struct seq_file *seq, void *v)
{
	const struct seqstate_query *q = v;

	seq_printf(seq, "isn=%u f=%u m=%u\n", q->f + q->m, q->f, q->m);
	return 0;
}

static const struct seq_operations seqstate_query_ops = {
	.start	= seqstate_query_start,
	.next	= seqstate_query_next,
	.stop	= seqstate_query_stop,
	.show	= seqstate_query_show,
};

/*
 * The answer is an oracle of the key: F for any tuple lets anyone predict every ISN made
 * with it. So only those who may set keys (root of the initial user namespace, through
 * sysfs) may ask, judged by the opener's credentials: the owner of an unprivileged
 * namespace can open this file (it owns its /proc/net) but not ask, not even about its
 * own namespace's key, which it could not set either.
 */
static int seqstate_query_write(struct file *file, char *buf, size_t len)
{
	struct seq_file *seq = file->private_data;
	struct seqstate_query *q = seq->private;
	struct net *net = seq_file_net(seq);
	const struct seqstate_isn_key *host;
	const siphash_key_t *key;
	struct seqstate_tuple t;
	u64 h = 0;
	u32 m;

	if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (seqstate_parse_tuple(buf, len, &t)) {
		pr_info_ratelimited("query takes LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT\n");
		return -EINVAL;
	}
	m = seqstate_m();
	/*
	 * At unload the host key goes before the namespaces' files (module/main.c): a write
	 * in between finds none. Hence no seqstate_key_of() here.
	 */
	rcu_read_lock_sched();
	key = isn_netns_keys ? seqstate_netns_isn_key(net) : NULL;
	host = rcu_dereference_sched(seqstate_key);
	if (!key && host)
		key = &host->key;
	if (key && t.family == AF_INET)
		h = seqstate_f4(key, t.laddr.s6_addr32[0], t.raddr.s6_addr32[0], t.lport, t.rport);
	else if (key)
		h = seqstate_f6(key, &t.laddr, &t.raddr, t.lport, t.rport);
	rcu_read_unlock_sched();
	if (!key)
		return -ENODEV;
	mutex_lock(&seq->lock);		/* what seq_read() holds while it shows */
	q->f = (u32)h;
	q->m = m;
	q->answered = true;
	mutex_unlock(&seq->lock);
	return 0;
}

int seqstate_isn_proc_create(struct proc_dir_entry *dir)
{
	if (!proc_create_net_single("isn", 0444, dir, seqstate_isn_show, NULL) ||
	    !proc_create_net_data_write("query", 0600, dir, &seqstate_query_ops,
					seqstate_query_write, sizeof(struct seqstate_query), NULL))
		return -ENOMEM;
	return 0;
}

/* --- /sys/kernel/seqstate/isn/: host-wide ------------------------------------------ */

static ssize_t key_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			 size_t len)
{
	siphash_key_t key;
	int err;

	err = seqstate_isn_parse_key(buf, len, &key);
	if (err) {
		pr_info_ratelimited("isn/key takes 32 hex digits\n");
		return err;
	}
	mutex_lock(&seqstate_isn_lock);
	err = seqstate_set_key(current->nsproxy->net_ns, &key, "isn/key");
	mutex_unlock(&seqstate_isn_lock);
	memzero_explicit(&key, sizeof(key));
	return err ?: len;
}

static ssize_t rekey_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t len)
{
	unsigned int one;
	int err;

	if (seqstate_parse_uint(buf, len, 1, &one) || !one) {
		pr_info_ratelimited("isn/rekey takes 1\n");
		return -EINVAL;
	}
	mutex_lock(&seqstate_isn_lock);
	err = seqstate_set_key(current->nsproxy->net_ns, NULL, "isn/rekey");
	mutex_unlock(&seqstate_isn_lock);
	return err ?: len;
}

static ssize_t active_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(seqstate_isn_on));
}

static ssize_t active_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			    size_t len)
{
	unsigned int on;
	int err;

	if (seqstate_parse_uint(buf, len, 1, &on)) {
		pr_info_ratelimited("isn/active takes 0 or 1\n");
		return -EINVAL;
	}
	mutex_lock(&seqstate_isn_lock);
	err = seqstate_isn_switch(on, "isn/active");
	/* Written by hand, 0 or 1, it supersedes isn_active's switch still to come. */
	if (!err && seqstate_isn_pending) {
		seqstate_isn_pending = false;
		cancel_delayed_work(&seqstate_isn_activation);
	}
	mutex_unlock(&seqstate_isn_lock);
	return err ?: len;
}

static ssize_t rekey_guard_s_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(rekey_guard_s));
}

static ssize_t rekey_guard_s_store(struct kobject *kobj, struct kobj_attribute *attr,
				   const char *buf, size_t len)
{
	unsigned int v;

	if (seqstate_parse_uint(buf, len, UINT_MAX, &v)) {
		pr_info_ratelimited("isn/rekey_guard_s takes decimal seconds\n");
		return -EINVAL;
	}
	mutex_lock(&seqstate_isn_lock);
	WRITE_ONCE(rekey_guard_s, v);
	if (seqstate_isn_pending)	/* a shorter guard may let it switch in now */
		mod_delayed_work(system_wq, &seqstate_isn_activation, 0);
	mutex_unlock(&seqstate_isn_lock);
	return len;
}

static ssize_t key_epoch_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(seqstate_key_epoch));
}

static ssize_t key_changed_at_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", (long long)READ_ONCE(seqstate_key_changed_at));
}

static ssize_t answered_v4_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_isn_counts_sum(&seqstate_answered).v4);
}

static ssize_t answered_v6_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_isn_counts_sum(&seqstate_answered).v6);
}

static ssize_t tick_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", SEQSTATE_ISN_TICK_NS);
}

static ssize_t clock_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", seqstate_isn_clock());
}

static struct kobj_attribute seqstate_isn_attrs[] = {
	__ATTR_WO(key),
	__ATTR_WO(rekey),
	__ATTR_RW(active),
	__ATTR_RW(rekey_guard_s),
	__ATTR_RO(key_epoch),
	__ATTR_RO(key_changed_at),
	__ATTR_RO(answered_v4),
	__ATTR_RO(answered_v6),
	__ATTR_RO(tick_ns),
	__ATTR_RO(clock),
};

static struct attribute *seqstate_isn_attr_list[ARRAY_SIZE(seqstate_isn_attrs) + 1];

const struct attribute_group seqstate_isn_group = {
	.name = "isn",
	.attrs = seqstate_isn_attr_list,
};

static void seqstate_free_filters(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(seqstate_hooks); i++)
		ftrace_free_filter(&seqstate_hooks[i].ops);
}

int seqstate_isn_init(void)
{
	struct seqstate_isn_key *k;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(seqstate_isn_attrs); i++)
		seqstate_isn_attr_list[i] = &seqstate_isn_attrs[i].attr;

	for (i = 0; i < ARRAY_SIZE(seqstate_hooks); i++) {
		char name[KSYM_NAME_LEN];

		strscpy(name, seqstate_hooks[i].target, sizeof(name));
		err = ftrace_set_filter(&seqstate_hooks[i].ops, name, strlen(name), 0);
		if (err) {
			pr_err("cannot trace %s: %d\n", seqstate_hooks[i].target, err);
			goto err_filter;
		}
	}

	/* The key: from the kernel RNG, once it is ready. */
	err = wait_for_random_bytes();
	if (err)
		goto err_filter;
	err = -ENOMEM;
	k = seqstate_isn_key_new(NULL);
	if (!k)
		goto err_filter;
	mutex_lock(&seqstate_isn_lock);
	rcu_assign_pointer(seqstate_key, k);
	seqstate_key_changed_at = k->changed_at;
	seqstate_switched = ktime_get_ns();	/* the load counts as a switch */
	err = 0;
	if (isn_active && !rekey_guard_s) {
		err = seqstate_isn_switch(true, "isn_active");
	} else if (isn_active) {
		seqstate_isn_pending = true;
		schedule_delayed_work(&seqstate_isn_activation,
				      seqstate_ns_to_jiffies((u64)rekey_guard_s * NSEC_PER_SEC));
		pr_info("isn_active: TCP uses seqstate's ISNs in %u s, when rekey_guard_s allows (the load counts as a change)\n",
			rekey_guard_s);
	}
	mutex_unlock(&seqstate_isn_lock);
	if (err)
		goto err_key;
	return 0;

err_key:
	kfree_sensitive(rcu_dereference_protected(seqstate_key, 1));
	RCU_INIT_POINTER(seqstate_key, NULL);
err_filter:
	seqstate_free_filters();
	return err;
}

void seqstate_isn_exit(void)
{
	struct seqstate_isn_key *k;

	/* Before the lock: the work takes it. It cannot be queued again once cancelled. */
	cancel_delayed_work_sync(&seqstate_isn_activation);
	mutex_lock(&seqstate_isn_lock);
	seqstate_isn_pending = false;
	seqstate_isn_unhook();
	k = rcu_replace_pointer(seqstate_key, NULL, lockdep_is_held(&seqstate_isn_lock));
	mutex_unlock(&seqstate_isn_lock);
	seqstate_free_filters();
	synchronize_rcu();	/* a query may be using it (its file goes later) */
	seqstate_isn_key_free(k);
}
