// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 6528 ISN generator (include/seqstate/isn.h), its key, and the switch that makes
 * it the generator TCP uses: an ftrace hook with IPMODIFY, as livepatch does, redirects the
 * kernel's secure_tcp[v6]_seq_and_ts_off() to ours while /sys/kernel/seqstate/isn/active
 * is 1. The hook is attached at the first activation and stays until unload; switching is
 * then a flag the hook reads, instant and safe at any moment. Attaching and detaching
 * patch kernel text and wait for RCU-tasks grace periods: far too slow to do per switch.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>
#include <net/secure_seq.h>
#include <seqstate/isn.h>
#include "compat.h"
#include "isn.h"
#include "netns.h"
#include "parse.h"

static struct seqstate_isn_key __rcu *seqstate_key;
static DEFINE_MUTEX(seqstate_isn_lock);		/* key changes, active, query */
static u64 seqstate_key_epoch;
static time64_t seqstate_key_changed_at;	/* wall clock, for people */
static u64 seqstate_key_changed_mono;		/* monotonic ns, for the guard */
static bool seqstate_isn_on;		/* TCP uses our ISNs */
static bool seqstate_isn_hooked;	/* the ftrace hook is attached */
static DEFINE_PER_CPU(u64, seqstate_issued_v4);
static DEFINE_PER_CPU(u64, seqstate_issued_v6);

static bool isn_active;
module_param(isn_active, bool, 0444);
MODULE_PARM_DESC(isn_active, "Make seqstate TCP's ISN generator at load (default: no)");

static bool isn_netns_keys;
module_param(isn_netns_keys, bool, 0444);
MODULE_PARM_DESC(isn_netns_keys, "A key of its own for every network namespace (default: one host key)");

bool seqstate_isn_netns_keys(void)
{
	return isn_netns_keys;
}

/* RFC 6528: a new key breaks per-tuple monotonicity; 60 s is Linux's TIME-WAIT (2*MSL). */
static unsigned int rekey_guard_s = 60;

/* Decimal seconds and nothing else: param_set_uint() would take "+60" and " 60". */
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

module_param_cb(rekey_guard_s, &rekey_guard_ops, &rekey_guard_s, 0644);
MODULE_PARM_DESC(rekey_guard_s, "Refuse key changes this soon after the last one (0: never refuse)");

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
 * preemptible-RCU kernels; call_rcu() waits for either reader.
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

/* @key, or a random one when NULL. */
struct seqstate_isn_key *seqstate_isn_key_new(const siphash_key_t *key)
{
	struct seqstate_isn_key *k = kzalloc(sizeof(*k), GFP_KERNEL);

	if (!k)
		return NULL;
	if (key)
		k->key = *key;
	else
		get_random_bytes(&k->key, sizeof(k->key));
	return k;
}

void seqstate_isn_key_free(struct seqstate_isn_key *k)
{
	kfree_sensitive(k);
}

/*
 * With seqstate_isn_lock held; @key NULL draws a random one. With isn_netns_keys the
 * change is the key of @net (the writer's namespace), else the host's.
 */
static int seqstate_set_key(const struct net *net, const siphash_key_t *key, bool initial)
{
	struct seqstate_isn_key *k, *old;
	u64 now = ktime_get_ns();
	int err;

	if (!initial && rekey_guard_s &&
	    now - seqstate_key_changed_mono < (u64)rekey_guard_s * NSEC_PER_SEC) {
		pr_info_ratelimited("key changed less than %u s ago; refusing (see rekey_guard_s)\n",
				    rekey_guard_s);
		return -EBUSY;
	}
	k = seqstate_isn_key_new(key);
	if (!k)
		return -ENOMEM;
	if (net && isn_netns_keys) {
		err = seqstate_netns_set_isn_key(net, k);
		if (err) {
			seqstate_isn_key_free(k);
			return err;
		}
	} else {
		old = rcu_replace_pointer(seqstate_key, k, lockdep_is_held(&seqstate_isn_lock));
		if (old) {
			synchronize_rcu();	/* ISNs being made with it */
			seqstate_isn_key_free(old);
		}
	}
	if (!initial)
		seqstate_key_epoch++;
	seqstate_key_changed_at = ktime_get_real_seconds();
	seqstate_key_changed_mono = now;
	return 0;
}

/* --- switched into TCP ------------------------------------------------------------- */

static u32 seqstate_ts_off(const struct net *net, u64 hash)
{
	return READ_ONCE(net->ipv4.sysctl_tcp_timestamps) == 1 ? hash >> 32 : 0;
}

#ifdef SEQSTATE_HAVE_SECURE_SEQ_UNION
/* 6.1.191 and later (CVE-2026-23247): one call gives the ISN and the timestamp offset. */
static union tcp_seq_and_ts_off seqstate_tcp_seq(const struct net *net, __be32 saddr,
						 __be32 daddr, __be16 sport, __be16 dport)
{
	u64 h = seqstate_hash4(net, saddr, daddr, sport, dport);
	union tcp_seq_and_ts_off st;

	st.seq = (u32)h + seqstate_m();
	st.ts_off = seqstate_ts_off(net, h);
	this_cpu_inc(seqstate_issued_v4);
	return st;
}

static union tcp_seq_and_ts_off seqstate_tcpv6_seq(const struct net *net, const __be32 *saddr,
						   const __be32 *daddr, __be16 sport,
						   __be16 dport)
{
	u64 h = seqstate_hash6(net, (const struct in6_addr *)saddr,
			       (const struct in6_addr *)daddr, sport, dport);
	union tcp_seq_and_ts_off st;

	st.seq = (u32)h + seqstate_m();
	st.ts_off = seqstate_ts_off(net, h);
	this_cpu_inc(seqstate_issued_v6);
	return st;
}
#else
/*
 * Older trees: the ISN functions get no namespace (so the host key applies) and the
 * timestamp offset is computed apart, from the addresses alone: our F's hash of the
 * addresses with both ports 0.
 */
static u32 seqstate_tcp_seq(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	this_cpu_inc(seqstate_issued_v4);
	return (u32)seqstate_hash4(&init_net, saddr, daddr, sport, dport) + seqstate_m();
}

static u32 seqstate_tcp_ts_off(const struct net *net, __be32 saddr, __be32 daddr)
{
	return seqstate_ts_off(net, seqstate_hash4(net, saddr, daddr, 0, 0));
}

static u32 seqstate_tcpv6_seq(const __be32 *saddr, const __be32 *daddr, __be16 sport,
			      __be16 dport)
{
	this_cpu_inc(seqstate_issued_v6);
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

/* With seqstate_isn_lock held. */
static int seqstate_isn_hook(void)
{
	int i, err;

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

/* With seqstate_isn_lock held; only at unload. */
static void seqstate_isn_unhook(void)
{
	WRITE_ONCE(seqstate_isn_on, false);
	if (!seqstate_isn_hooked)
		return;
	seqstate_unregister(ARRAY_SIZE(seqstate_hooks));
	/* A task preempted inside one of our functions must have left it. */
	synchronize_rcu_tasks();
	seqstate_isn_hooked = false;
}

/* With seqstate_isn_lock held. */
static int seqstate_isn_switch(bool on)
{
	int err = on ? seqstate_isn_hook() : 0;

	if (!err)
		WRITE_ONCE(seqstate_isn_on, on);
	return err;
}

static u64 seqstate_sum(u64 __percpu *c);

/* /proc/net/seqstate/isn: the same, for people. */
int seqstate_isn_show(struct seq_file *seq, void *v)
{
	seq_printf(seq, "active          %d\n", READ_ONCE(seqstate_isn_on));
	seq_printf(seq, "tick_ns         %d\n", SEQSTATE_ISN_TICK_NS);
	seq_printf(seq, "key_epoch       %llu\n", READ_ONCE(seqstate_key_epoch));
	seq_printf(seq, "key_changed_at  %lld\n", (long long)READ_ONCE(seqstate_key_changed_at));
	seq_printf(seq, "issued_v4       %llu\n", seqstate_sum(&seqstate_issued_v4));
	seq_printf(seq, "issued_v6       %llu\n", seqstate_sum(&seqstate_issued_v6));
	return 0;
}

/* --- /sys/kernel/seqstate/isn/ ----------------------------------------------------- */

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
	err = seqstate_set_key(current->nsproxy->net_ns, &key, false);
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
	err = seqstate_set_key(current->nsproxy->net_ns, NULL, false);
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
	err = seqstate_isn_switch(on);
	mutex_unlock(&seqstate_isn_lock);
	return err ?: len;
}

static ssize_t key_epoch_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(seqstate_key_epoch));
}

static ssize_t key_changed_at_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", (long long)READ_ONCE(seqstate_key_changed_at));
}

static u64 seqstate_sum(u64 __percpu *c)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(*per_cpu_ptr(c, cpu));
	return n;
}

static ssize_t issued_v4_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_sum(&seqstate_issued_v4));
}

static ssize_t issued_v6_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", seqstate_sum(&seqstate_issued_v6));
}

static ssize_t tick_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", SEQSTATE_ISN_TICK_NS);
}

static ssize_t clock_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", seqstate_isn_clock());
}

/*
 * query: write "LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT" (IPv4 or IPv6), read back
 * "isn=... f=... m=..." for it, computed at the write with the writer's namespace's key.
 */
static char seqstate_query_result[64];

static int seqstate_query(const char *buf, size_t len, char *out, size_t outlen)
{
	struct net *net = current->nsproxy->net_ns;
	struct seqstate_tuple t;
	u32 m;
	u64 h;

	if (seqstate_parse_tuple(buf, len, &t)) {
		pr_info_ratelimited("isn/query takes LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT\n");
		return -EINVAL;
	}
	m = seqstate_m();
	if (t.family == AF_INET)
		h = seqstate_hash4(net, t.laddr.s6_addr32[0], t.raddr.s6_addr32[0], t.lport,
				   t.rport);
	else
		h = seqstate_hash6(net, &t.laddr, &t.raddr, t.lport, t.rport);
	snprintf(out, outlen, "isn=%u f=%u m=%u\n", (u32)h + m, (u32)h, m);
	return 0;
}

static ssize_t query_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t len)
{
	char out[sizeof(seqstate_query_result)];
	int err = seqstate_query(buf, len, out, sizeof(out));

	if (err)
		return err;
	mutex_lock(&seqstate_isn_lock);
	strscpy(seqstate_query_result, out, sizeof(seqstate_query_result));
	mutex_unlock(&seqstate_isn_lock);
	return len;
}

static ssize_t query_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	ssize_t n;

	mutex_lock(&seqstate_isn_lock);
	n = sysfs_emit(buf, "%s", seqstate_query_result);
	mutex_unlock(&seqstate_isn_lock);
	return n;
}

static struct kobj_attribute seqstate_isn_attrs[] = {
	__ATTR_WO(key),
	__ATTR_WO(rekey),
	__ATTR_RW(active),
	__ATTR_RO(key_epoch),
	__ATTR_RO(key_changed_at),
	__ATTR_RO(issued_v4),
	__ATTR_RO(issued_v6),
	__ATTR_RO(tick_ns),
	__ATTR_RO(clock),
	__ATTR(query, 0600, query_show, query_store),
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
	mutex_lock(&seqstate_isn_lock);
	err = seqstate_set_key(NULL, NULL, true);
	if (!err && isn_active)
		err = seqstate_isn_switch(true);
	mutex_unlock(&seqstate_isn_lock);
	if (err)
		goto err_key;
	return 0;

err_key:
	kfree_sensitive(rcu_dereference_protected(seqstate_key, 1));
err_filter:
	seqstate_free_filters();
	return err;
}

void seqstate_isn_exit(void)
{
	mutex_lock(&seqstate_isn_lock);
	seqstate_isn_unhook();
	mutex_unlock(&seqstate_isn_lock);
	seqstate_free_filters();
	kfree_sensitive(rcu_dereference_protected(seqstate_key, 1));
}
