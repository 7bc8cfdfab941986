// SPDX-License-Identifier: GPL-2.0
/*
 * The gauges by peer group, per namespace: groups of remote prefixes and ports that root
 * writes to /proc/net/seqstate/peer_groups, and for each group the sockets whose remote end
 * matches it, as ss -tan dst CIDR dport = :P counts them (a socket counts in every group it
 * matches). A socket's record keeps the groups it matched (a mask) and the generation of
 * the set they belong to, so a timewait socket stays in its full socket's groups and the
 * match costs nothing after the socket's first state.
 *
 * A write replaces the whole set: the new one is published with zeroed counts, then every
 * socket of the namespace is counted in it once, from the socket tables (a walk, as
 * verify's), by stamping its record with the new generation. A probe that meets a record
 * of an older generation does the same for it under the same bucket lock, so no socket is
 * counted twice or missed and no gauge mixes two sets. The walk costs O(sockets of the
 * host's tables): one replacement per second per namespace (else -EBUSY), and one walk at
 * a time host-wide, ten per second at most (writers wait their turn).
 *
 * A child socket has no remote end yet at its first event (inet_csk_clone_lock() sets the
 * state first): its groups are matched at its next state. Half-open connections (request
 * socks) are in no group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include "counters.h"
#include "peers.h"
#include "records.h"
#include "walk.h"

static bool peers = true;

module_param_cb(peers, &seqstate_param_switch, &peers, 0444);
MODULE_PARM_DESC(peers, "Count sockets by peer group (peer_groups): 1 (default) or 0");

static DEFINE_STATIC_KEY_FALSE(seqstate_peers_key);

bool seqstate_peers_on(void)
{
	return static_branch_likely(&seqstate_peers_key);
}

/* Per CPU and group; now[] as the tallies' (tallies.c). */
struct seqstate_peer_counts {
	u64 entered[SEQSTATE_NR_STATES];
	u32 now[SEQSTATE_NR_STATES];
};

struct seqstate_peer_set {
	u16 gen;
	int n;
	struct seqstate_peer_counts __percpu *counts;	/* n of them */
	struct seqstate_peer_group groups[];
};

static DEFINE_MUTEX(seqstate_peers_walk_lock);	/* one recount at a time, host-wide */
static unsigned long seqstate_peers_walked;	/* jiffies of the last; under the lock */
static u16 seqstate_peers_gen;			/* of the last set made; under the lock */

/* Walks of the tables per second host-wide, whatever the namespaces: each is O(sockets). */
#define SEQSTATE_PEERS_WALKS_PER_S	10

static size_t seqstate_peer_set_bytes(int n)
{
	return sizeof(struct seqstate_peer_set) + sizeof(struct seqstate_peer_group) * n;
}

/* A set of the @n @groups, counting nothing yet, or NULL. */
static struct seqstate_peer_set *seqstate_peer_set_new(const struct seqstate_peer_group *groups,
						       int n)
{
	struct seqstate_peer_set *set = kvzalloc(seqstate_peer_set_bytes(n), GFP_KERNEL);

	if (!set)
		return NULL;
	set->counts = seqstate_percpu_alloc(sizeof(struct seqstate_peer_counts) * n,
					    __alignof__(struct seqstate_peer_counts));
	if (!set->counts) {
		kvfree(set);
		return NULL;
	}
	set->n = n;
	memcpy(set->groups, groups, sizeof(*groups) * n);
	seqstate_memory_add(seqstate_peer_set_bytes(n));
	return set;
}

static void seqstate_peer_set_free(struct seqstate_peer_set *set)
{
	if (!set)
		return;
	seqstate_percpu_free(set->counts, sizeof(struct seqstate_peer_counts) * set->n);
	seqstate_memory_add(-(long)seqstate_peer_set_bytes(set->n));
	kvfree(set);
}

const struct seqstate_peer_set *seqstate_peers_current(struct seqstate_peers *p)
{
	return rcu_dereference(p->set);
}

u16 seqstate_peer_set_gen(const struct seqstate_peer_set *set)
{
	return set->gen;
}

static bool seqstate_peer_net_match(const struct seqstate_peer_net *n, int family,
				    const struct in6_addr *a6, __be32 a4)
{
	if (n->family == AF_INET6)
		return family == AF_INET6 && ipv6_prefix_equal(a6, &n->addr, n->plen);
	/* An IPv4 prefix matches v4-mapped IPv6 sockets too, as inet_diag's filter does. */
	if (family == AF_INET6) {
		if (!ipv6_addr_v4mapped(a6))
			return false;
		a4 = a6->s6_addr32[3];
	}
	return !n->plen || !((a4 ^ n->addr.s6_addr32[0]) & inet_make_mask(n->plen));
}

u64 seqstate_peers_match(const struct seqstate_peer_set *set, const void *sk)
{
	const struct sock_common *skc = sk;
	struct in6_addr any = {};
	const struct in6_addr *a6 = &any;
	u16 port = ntohs(READ_ONCE(skc->skc_dport));
	int family = READ_ONCE(skc->skc_family), i, k;
	const struct seqstate_peer_group *g;
	__be32 a4 = READ_ONCE(skc->skc_daddr);
	u64 mask = 0;
	bool hit;

#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6)
		a6 = &skc->skc_v6_daddr;
#endif
	for (i = 0; i < set->n; i++) {
		g = &set->groups[i];
		hit = false;
		for (k = 0; k < g->nr_nets && !hit; k++)
			hit = seqstate_peer_net_match(&g->nets[k], family, a6, a4);
		if (hit && g->nr_ports) {
			hit = false;
			for (k = 0; k < g->nr_ports && !hit; k++)
				hit = g->ports[k] == port;
		}
		if (hit)
			mask |= BIT_ULL(i);
	}
	return mask;
}

void seqstate_peers_count(const struct seqstate_peer_set *set, u64 mask, int from, int to,
			  bool found)
{
	struct seqstate_peer_counts __percpu *c;
	int i;

	for (; mask; mask &= mask - 1) {
		i = __ffs64(mask);
		c = set->counts + i;
		if (from)
			this_cpu_dec(c->now[from]);
		if (to) {
			this_cpu_inc(c->now[to]);
			if (!found)
				this_cpu_inc(c->entered[to]);
		}
	}
}

void seqstate_peers_netns_init(struct seqstate_peers *p)
{
	RCU_INIT_POINTER(p->set, NULL);
	mutex_init(&p->lock);
	p->last = jiffies - HZ;
	p->gen = 0;
}

void seqstate_peers_netns_exit(struct seqstate_peers *p)
{
	seqstate_peer_set_free(rcu_dereference_protected(p->set, true));
	mutex_destroy(&p->lock);
}

struct seqstate_peers_snapshot *seqstate_peers_read(struct seqstate_peers *p)
{
	struct seqstate_peers_snapshot *snap = NULL;
	const struct seqstate_peer_counts *c;
	const struct seqstate_peer_set *set;
	int cpu, i, s;

	mutex_lock(&p->lock);
	set = rcu_dereference_protected(p->set, lockdep_is_held(&p->lock));
	if (!set)
		goto out;
	snap = kvzalloc(struct_size(snap, rows, set->n), GFP_KERNEL);
	if (!snap)
		goto out;
	snap->gen = set->gen;
	snap->n = set->n;
	for (i = 0; i < set->n; i++) {
		struct seqstate_peer_row *row = &snap->rows[i];

		strscpy(row->name, set->groups[i].name, sizeof(row->name));
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(set->counts + i, cpu);
			for (s = 0; s < SEQSTATE_NR_STATES; s++) {
				row->now[s] += READ_ONCE(c->now[s]);
				row->entered[s] += READ_ONCE(c->entered[s]);
			}
		}
		for (s = 0; s < SEQSTATE_NR_STATES; s++)
			row->now[s] = (s32)(u32)row->now[s];
	}
out:
	mutex_unlock(&p->lock);
	return snap;
}

void seqstate_peers_show_groups(struct seq_file *seq, struct seqstate_peers *p)
{
	const struct seqstate_peer_group *g;
	const struct seqstate_peer_set *set;
	int i, k;

	mutex_lock(&p->lock);
	set = rcu_dereference_protected(p->set, lockdep_is_held(&p->lock));
	for (i = 0; set && i < set->n; i++) {
		g = &set->groups[i];
		seq_printf(seq, "%s ", g->name);
		for (k = 0; k < g->nr_nets; k++) {
			const struct seqstate_peer_net *n = &g->nets[k];

			if (n->family == AF_INET)
				seq_printf(seq, "%s%pI4/%u", k ? "," : "", &n->addr.s6_addr32[0],
					   n->plen);
			else
				seq_printf(seq, "%s%pI6c/%u", k ? "," : "", &n->addr, n->plen);
		}
		for (k = 0; k < g->nr_ports; k++)
			seq_printf(seq, "%c%u", k ? ',' : ' ', g->ports[k]);
		seq_putc(seq, '\n');
	}
	mutex_unlock(&p->lock);
}

struct seqstate_peers_walk {
	struct seqstate_walk w;
	struct seqstate_peers *p;
};

static void seqstate_peers_found(const struct seqstate_walk *w, const struct sock *sk, int state)
{
	seqstate_records_recount_peers(sk, container_of(w, struct seqstate_peers_walk, w)->p);
}

int seqstate_peers_replace(struct net *net, struct seqstate_peers *p, const char *buf,
			   size_t len)
{
	struct seqstate_peer_set *set = NULL, *old;
	struct seqstate_peer_group *groups;
	struct seqstate_peers_walk *pw;
	long wait;
	int n, err = -ENOMEM;

	groups = kvmalloc_array(SEQSTATE_PEER_GROUPS, sizeof(*groups), GFP_KERNEL);
	pw = kzalloc(sizeof(*pw), GFP_KERNEL);
	if (!groups || !pw)
		goto out;
	n = seqstate_parse_peer_groups(buf, len, groups);
	if (n < 0) {
		pr_info_ratelimited("peer_groups: one group per line, NAME CIDR[,CIDR...] [PORT[,PORT...]]\n");
		err = n;
		goto out;
	}
	if (n) {
		set = seqstate_peer_set_new(groups, n);
		if (!set)
			goto out;
	}
	err = mutex_lock_killable(&p->lock);
	if (err)
		goto out;
	err = -EBUSY;
	if (time_before(jiffies, p->last + HZ))
		goto out_unlock;
	err = mutex_lock_killable(&seqstate_peers_walk_lock);
	if (err)
		goto out_unlock;
	/* Writers of many namespaces wait their turn rather than fail. */
	wait = (long)(seqstate_peers_walked + HZ / SEQSTATE_PEERS_WALKS_PER_S - jiffies);
	if (wait > 0 && schedule_timeout_killable(wait) && fatal_signal_pending(current)) {
		mutex_unlock(&seqstate_peers_walk_lock);
		err = -EINTR;
		goto out_unlock;
	}
	/*
	 * Host-wide, so that a record some other namespace left at a socket's address (its
	 * end unseen) is never taken for one of this set.
	 */
	seqstate_peers_gen = seqstate_peers_gen == U16_MAX ? 1 : seqstate_peers_gen + 1;
	p->gen = seqstate_peers_gen;
	if (set)
		set->gen = p->gen;
	old = rcu_replace_pointer(p->set, set, lockdep_is_held(&p->lock));
	set = NULL;
	/* The new set first, then every socket: what the probes count meanwhile is counted once. */
	pw->p = p;
	pw->w.found = seqstate_peers_found;
	if (rcu_access_pointer(p->set))
		seqstate_walk_net(net, &pw->w);
	seqstate_peers_walked = jiffies;
	mutex_unlock(&seqstate_peers_walk_lock);
	p->last = jiffies;
	mutex_unlock(&p->lock);
	synchronize_rcu();
	seqstate_peer_set_free(old);
	err = 0;
	goto out;

out_unlock:
	mutex_unlock(&p->lock);
out:
	seqstate_peer_set_free(set);
	kfree(pw);
	kvfree(groups);
	return err;
}

void seqstate_peers_init(void)
{
	seqstate_peers_walked = jiffies - HZ;
	if (peers)
		static_branch_enable(&seqstate_peers_key);
}

void seqstate_peers_exit(void)
{
	static_branch_disable(&seqstate_peers_key);
}
