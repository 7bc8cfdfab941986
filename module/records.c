// SPDX-License-Identifier: GPL-2.0
/*
 * A record per TCP socket: when it entered its state. The probes find it by the socket's
 * address, time the state the socket leaves into the histograms (durations.c), and keep it
 * on the age lists of the state it enters, from which the age of the oldest socket in each
 * state is read in O(CPUs).
 *
 *   table	a fixed array of buckets, as many as the kernel's established hash has, so
 *		chains are as long as the kernel's own; each bucket under one of
 *		SEQSTATE_REC_LOCKS raw spinlocks, taken with interrupts off: the probes run in
 *		process and softirq context, on PREEMPT_RT too.
 *   ages	per CPU, per state, for the host and for each namespace: records entered on
 *		that CPU, oldest first. Only a CPU adds to its own lists, with interrupts off
 *		and the time read under its lock, so each list is in order of entry; any CPU
 *		removes. Lock order: bucket, then a CPU's age lock.
 *
 * A record is allocated when a socket enters its first state and freed when it leaves its
 * last (CLOSE, or a timewait socket's death). Where none could be had, the socket is
 * counted as missed now and as untimed when it leaves its state: never a wrong duration.
 *
 * A record also names the entries of the breakdowns (tallies.c) it is counted in: its
 * socket's cgroup (cgroups.c) and listening port (ports.c), read when the socket enters its
 * first state, or its port when it has one; and the namespace's peer groups it matches
 * (peers.c). Records are kept whenever durations or a breakdown is on; with durations=0
 * they are on no age list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/hash.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>
#include "cgroups.h"
#include "compat.h"
#include "counters.h"
#include "parse.h"
#include "peers.h"
#include "ports.h"
#include "records.h"
#include "tallies.h"

static bool durations = true;

module_param_cb(durations, &seqstate_param_switch, &durations, 0444);
MODULE_PARM_DESC(durations, "Time sockets in each state (histograms, oldest ages): 1 (default) or 0");

static DEFINE_STATIC_KEY_FALSE(seqstate_timing_key);
static DEFINE_STATIC_KEY_FALSE(seqstate_records_key);

bool seqstate_timing_on(void)
{
	return static_branch_likely(&seqstate_timing_key);
}

bool seqstate_records_on(void)
{
	return static_branch_likely(&seqstate_records_key);
}

/* The entries of the breakdowns a record is counted in, in its state; NULL: in none. */
enum {
	SEQSTATE_BY_CGROUP,
	SEQSTATE_BY_PORT,
	SEQSTATE_NR_BY
};

/* A record's entries while it is made. */
struct seqstate_rec_by {
	struct seqstate_tally *t[SEQSTATE_NR_BY];
	bool port_pending;
};

struct seqstate_rec {
	struct hlist_node hash;		/* in its bucket, by sk */
	const void *sk;			/* a full socket or a timewait socket */
	struct seqstate_tally *by[SEQSTATE_NR_BY];
	struct list_head host;		/* on its CPU's host age list for its state */
	struct list_head net;		/* on its namespace's, or empty */
	u64 since;			/* ktime_get_ns() when it entered its state */
	u64 peer_mask;			/* the peer groups it is counted in, ... */
	u16 peer_gen;			/* ... of this set; 0: in none yet */
	u16 cpu;			/* whose age lists it is on */
	u8 state;			/* 0 until it enters its first */
	u8 unknown_since;		/* there before us, or lost track: since is a bound */
	u8 port_pending;		/* no local port yet: look again at the next state */
};

#define SEQSTATE_REC_LOCKS	256

static struct kmem_cache *seqstate_rec_cache;
static struct hlist_head *seqstate_rec_table;
static unsigned int seqstate_rec_bits;
static raw_spinlock_t seqstate_rec_locks[SEQSTATE_REC_LOCKS];
static DEFINE_PER_CPU(raw_spinlock_t, seqstate_age_lock);
static struct seqstate_timing seqstate_host;
static u64 seqstate_load_ns;		/* before the probes: older than any record */

struct seqstate_timing *seqstate_host_timing(void)
{
	return &seqstate_host;
}

size_t seqstate_record_bytes(void)
{
	return seqstate_rec_cache ? kmem_cache_size(seqstate_rec_cache) : 0;
}

/* Allocating and freeing records, counted in memory_bytes. */
static struct seqstate_rec *seqstate_rec_new(gfp_t gfp)
{
	struct seqstate_rec *rec = kmem_cache_alloc(seqstate_rec_cache, gfp | __GFP_NOWARN);

	if (rec)
		seqstate_memory_add(seqstate_record_bytes());
	return rec;
}

static void seqstate_rec_delete(struct seqstate_rec *rec)
{
	kmem_cache_free(seqstate_rec_cache, rec);
	seqstate_memory_add(-(long)seqstate_record_bytes());
}

#ifdef CONFIG_PREEMPT_RT
/*
 * On PREEMPT_RT the slab allocator sleeps, and the probes may not: they take records from
 * a reserve per CPU, which a worker refills, and give them back to it; what does not fit
 * goes to the worker to free.
 */
#define SEQSTATE_RESERVE	256

struct seqstate_reserve {
	unsigned int n;
	struct seqstate_rec *rec[SEQSTATE_RESERVE];
	struct work_struct refill;
};

static DEFINE_PER_CPU(struct seqstate_reserve, seqstate_reserve);
static LLIST_HEAD(seqstate_rec_spill);
static struct work_struct seqstate_spill_work;
static bool seqstate_reserve_stopping;

static void seqstate_reserve_refill(struct work_struct *work)
{
	struct seqstate_reserve *r;
	struct seqstate_rec *rec;
	unsigned long flags;
	bool full;

	do {
		rec = seqstate_rec_new(GFP_KERNEL);
		if (!rec)
			return;
		local_irq_save(flags);
		r = this_cpu_ptr(&seqstate_reserve);	/* where this worker runs */
		full = r->n == SEQSTATE_RESERVE;
		if (!full)
			r->rec[r->n++] = rec;
		local_irq_restore(flags);
	} while (!full && !READ_ONCE(seqstate_reserve_stopping));
	if (full)
		seqstate_rec_delete(rec);
}

static void seqstate_reserve_spill(struct work_struct *work)
{
	struct llist_node *n = llist_del_all(&seqstate_rec_spill), *next;

	for (; n; n = next) {
		next = n->next;
		seqstate_rec_delete((void *)n);
	}
}

static struct seqstate_rec *seqstate_rec_alloc(void)
{
	struct seqstate_rec *rec = NULL;
	struct seqstate_reserve *r;
	unsigned long flags;

	local_irq_save(flags);
	r = this_cpu_ptr(&seqstate_reserve);
	if (r->n)
		rec = r->rec[--r->n];
	if (r->n < SEQSTATE_RESERVE / 2 && !READ_ONCE(seqstate_reserve_stopping))
		queue_work_on(smp_processor_id(), system_highpri_wq, &r->refill);
	local_irq_restore(flags);
	return rec;
}

static void seqstate_rec_free(struct seqstate_rec *rec)
{
	struct seqstate_reserve *r;
	unsigned long flags;

	local_irq_save(flags);
	r = this_cpu_ptr(&seqstate_reserve);
	if (r->n < SEQSTATE_RESERVE) {
		r->rec[r->n++] = rec;
		rec = NULL;
	}
	local_irq_restore(flags);
	if (rec && llist_add((struct llist_node *)rec, &seqstate_rec_spill) &&
	    !READ_ONCE(seqstate_reserve_stopping))
		queue_work(seqstate_wq, &seqstate_spill_work);
}

/*
 * Full reserves before the probes may take from them: a worker queued at load may not run
 * before the first connections come (on a debug kernel under load, it did not), and then
 * their sockets went untimed.
 */
static void seqstate_reserve_init(void)
{
	struct seqstate_reserve *r;
	int cpu;

	INIT_WORK(&seqstate_spill_work, seqstate_reserve_spill);
	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(&seqstate_reserve, cpu);
		INIT_WORK(&r->refill, seqstate_reserve_refill);
		while (r->n < SEQSTATE_RESERVE) {
			r->rec[r->n] = seqstate_rec_new(GFP_KERNEL);
			if (!r->rec[r->n])
				break;
			r->n++;
		}
	}
}

/* Once no probe runs. */
static void seqstate_reserve_exit(void)
{
	struct seqstate_reserve *r;
	int cpu;

	WRITE_ONCE(seqstate_reserve_stopping, true);
	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(&seqstate_reserve, cpu);
		cancel_work_sync(&r->refill);
		while (r->n)
			seqstate_rec_delete(r->rec[--r->n]);
	}
	cancel_work_sync(&seqstate_spill_work);
	seqstate_reserve_spill(NULL);
}
#else
static struct seqstate_rec *seqstate_rec_alloc(void)
{
	return seqstate_rec_new(GFP_ATOMIC);
}

static void seqstate_rec_free(struct seqstate_rec *rec)
{
	seqstate_rec_delete(rec);
}

static void seqstate_reserve_init(void)
{
}

static void seqstate_reserve_exit(void)
{
}
#endif

static u32 seqstate_rec_bucket(const void *sk)
{
	return hash_ptr(sk, seqstate_rec_bits);
}

static raw_spinlock_t *seqstate_rec_lock(u32 bucket)
{
	return &seqstate_rec_locks[bucket % SEQSTATE_REC_LOCKS];
}

static struct seqstate_rec *seqstate_rec_find(u32 bucket, const void *sk)
{
	struct seqstate_rec *rec;

	lockdep_assert_held(seqstate_rec_lock(bucket));
	hlist_for_each_entry(rec, &seqstate_rec_table[bucket], hash)
		if (rec->sk == sk)
			return rec;
	return NULL;
}

static struct list_head *seqstate_ages_list(struct seqstate_timing *t, int cpu, int state)
{
	return &per_cpu_ptr(t->ages, cpu)->oldest[state];
}

/* Off the age lists of the state it leaves. */
static void seqstate_rec_unlink(struct seqstate_rec *rec)
{
	raw_spinlock_t *lock = per_cpu_ptr(&seqstate_age_lock, rec->cpu);

	if (!seqstate_timing_on())
		return;
	raw_spin_lock(lock);
	list_del_init(&rec->host);
	list_del_init(&rec->net);
	raw_spin_unlock(lock);
}

/*
 * The entries for a new record of @sk (a full socket, or a timewait one: cgroup (other)),
 * entering @state. @may_alloc: not from a probe.
 */
static void seqstate_by_get(struct seqstate_rec_by *by, const struct net *net, const void *sk,
			    int state, bool may_alloc)
{
	by->t[SEQSTATE_BY_CGROUP] = seqstate_cg_get(net, sk, may_alloc);
	by->t[SEQSTATE_BY_PORT] = seqstate_port_get(net, sk, state, may_alloc,
						    &by->port_pending);
}

static void seqstate_by_put(struct seqstate_tally **by)
{
	int i;

	for (i = 0; i < SEQSTATE_NR_BY; i++) {
		seqstate_tally_put(by[i]);
		by[i] = NULL;
	}
}

static void seqstate_by_count(struct seqstate_tally *const *by, int from, int to)
{
	int i;

	for (i = 0; i < SEQSTATE_NR_BY; i++)
		seqstate_tally_count(by[i], from, to);
}

static void seqstate_by_found(struct seqstate_tally *const *by, int state)
{
	int i;

	for (i = 0; i < SEQSTATE_NR_BY; i++)
		seqstate_tally_found(by[i], state);
}

/*
 * @rec had no local port when it entered its first state: its port's entry now, if it has
 * one, in its state. From a probe, under its bucket lock and rcu_read_lock().
 */
static void seqstate_rec_port_again(struct seqstate_rec *rec, const struct net *net)
{
	struct seqstate_tally *t;
	bool pending;

	t = seqstate_port_get(net, rec->sk, rec->state, false, &pending);
	rec->port_pending = pending;
	if (t) {
		rec->by[SEQSTATE_BY_PORT] = t;
		seqstate_tally_found(t, rec->state);
	}
}

/*
 * @rec moves from its state to @state (0: it leaves its last) in @peers' groups, matched
 * now if they were replaced since, or not yet matched. @found: there before the load.
 */
static void seqstate_rec_peers(struct seqstate_rec *rec, struct seqstate_peers *peers,
			       int state, bool found)
{
	const struct seqstate_peer_set *set = peers ? seqstate_peers_current(peers) : NULL;
	int from = rec->state;
	u16 gen;

	if (!set)
		return;
	gen = seqstate_peer_set_gen(set);
	if (rec->peer_gen != gen) {
		/* Not in this set: a child's remote end is set after its first event. */
		if (!state || (!rec->state && state == TCP_SYN_RECV))
			return;
		rec->peer_mask = seqstate_peers_match(set, rec->sk);
		rec->peer_gen = gen;
		from = 0;
	}
	seqstate_peers_count(set, rec->peer_mask, from, state, found);
}

/* A new record for @sk, in @by's entries (references it now holds), on no list yet. */
static void seqstate_rec_init(struct seqstate_rec *rec, const void *sk,
			      const struct seqstate_rec_by *by)
{
	rec->sk = sk;
	memcpy(rec->by, by->t, sizeof(rec->by));
	rec->port_pending = by->port_pending;
	rec->peer_gen = 0;
	rec->state = 0;
	rec->cpu = raw_smp_processor_id();	/* a hint: seqstate_rec_enter() settles it */
	INIT_LIST_HEAD(&rec->host);
	INIT_LIST_HEAD(&rec->net);
}

/*
 * Into @state at @since, on this CPU's lists: at their young end, or (@since_load) at their
 * old end, aged from the load. Interrupts off since @since was read: nothing else adds to
 * this CPU's lists meanwhile, so each stays in order of entry.
 */
static void seqstate_rec_enter(struct seqstate_rec *rec, struct seqstate_timing *t,
			       struct seqstate_peers *peers, int state, u64 since, bool since_load)
{
	int cpu = smp_processor_id();
	raw_spinlock_t *lock = per_cpu_ptr(&seqstate_age_lock, cpu);
	struct list_head *host;

	if (since_load && !rec->state)
		seqstate_by_found(rec->by, state);
	else
		seqstate_by_count(rec->by, rec->state, state);
	seqstate_rec_peers(rec, peers, state, since_load && !rec->state);
	rec->state = state;
	rec->unknown_since = since_load;
	if (!seqstate_timing_on())
		return;
	host = seqstate_ages_list(&seqstate_host, cpu, state);
	if (rec->cpu != cpu)
		seqstate_rec_unlink(rec);
	raw_spin_lock(lock);
	list_del_init(&rec->host);
	list_del_init(&rec->net);
	rec->cpu = cpu;
	rec->since = since;
	if (since_load) {
		list_add(&rec->host, host);
		if (t)
			list_add(&rec->net, seqstate_ages_list(t, cpu, state));
	} else {
		list_add_tail(&rec->host, host);
		if (t)
			list_add_tail(&rec->net, seqstate_ages_list(t, cpu, state));
	}
	raw_spin_unlock(lock);
}

/*
 * @rec (or no record) leaves @oldstate for @newstate: time it, if the counters count a
 * departure. A record in another state, or one whose entry time is unknown, is untimed.
 */
static void seqstate_rec_leave(struct seqstate_rec *rec, struct seqstate_timing *t,
			       int oldstate, int newstate, u64 now)
{
	u64 ns;

	if (!seqstate_timing_on() || oldstate == TCP_CLOSE ||
	    (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV))
		return;
	if (rec && rec->state == oldstate && !rec->unknown_since) {
		ns = now - rec->since;
		seqstate_durations_add(seqstate_host.durations, oldstate, ns);
		if (t)
			seqstate_durations_add(t->durations, oldstate, ns);
	} else {
		seqstate_durations_untimed(seqstate_host.durations, oldstate);
		if (t)
			seqstate_durations_untimed(t->durations, oldstate);
	}
}

/* @rec leaves its last state: off the lists and the table, out of its entries' counts. */
static void seqstate_rec_done(struct seqstate_rec *rec, struct seqstate_peers *peers)
{
	seqstate_rec_unlink(rec);
	hlist_del(&rec->hash);
	seqstate_by_count(rec->by, rec->state, 0);
	seqstate_by_put(rec->by);
	seqstate_rec_peers(rec, peers, 0, false);
}

void seqstate_records_change(const void *sk, const struct net *net, struct seqstate_timing *t,
			     struct seqstate_peers *peers, int oldstate, int newstate)
{
	u32 bucket = seqstate_rec_bucket(sk);
	raw_spinlock_t *lock = seqstate_rec_lock(bucket);
	bool first = oldstate == TCP_CLOSE || (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV);
	struct seqstate_rec *rec, *spare = NULL, *gone = NULL;
	struct seqstate_rec_by by = {};
	bool have_by = false;
	unsigned long flags;
	u64 now;

	/* A socket entering its first state needs a record: get it before the lock. */
	if (newstate != TCP_CLOSE && first) {
		spare = seqstate_rec_alloc();
		seqstate_by_get(&by, net, sk, newstate, false);
		have_by = true;
	}
again:
	raw_spin_lock_irqsave(lock, flags);
	rec = seqstate_rec_find(bucket, sk);
	if (!rec && !spare && newstate != TCP_CLOSE) {
		raw_spin_unlock_irqrestore(lock, flags);
		spare = seqstate_rec_alloc();
		if (spare) {
			if (!have_by)
				seqstate_by_get(&by, net, sk, newstate, false);
			have_by = true;
			goto again;
		}
		seqstate_miss(SEQSTATE_MISS_RECORD);
		raw_spin_lock_irqsave(lock, flags);
		rec = seqstate_rec_find(bucket, sk);
	}
	now = ktime_get_ns();
	seqstate_rec_leave(rec, t, oldstate, newstate, now);
	if (newstate == TCP_CLOSE) {
		if (rec)
			seqstate_rec_done(rec, peers);
		gone = rec;
	} else {
		if (!rec && spare) {
			rec = spare;
			spare = NULL;
			seqstate_rec_init(rec, sk, &by);
			memset(&by, 0, sizeof(by));
			hlist_add_head(&rec->hash, &seqstate_rec_table[bucket]);
		} else if (rec && first) {
			/*
			 * Left by an earlier socket at this address whose end went unseen: out
			 * of that one's entries, into this one's.
			 */
			seqstate_by_count(rec->by, rec->state, 0);
			seqstate_by_put(rec->by);
			seqstate_rec_peers(rec, peers, 0, false);
			memcpy(rec->by, by.t, sizeof(rec->by));
			rec->port_pending = by.port_pending;
			memset(&by, 0, sizeof(by));
			rec->peer_gen = 0;
			rec->state = 0;
		} else if (rec && unlikely(rec->port_pending)) {
			seqstate_rec_port_again(rec, net);
		}
		if (rec)
			seqstate_rec_enter(rec, t, peers, newstate, now, false);
	}
	raw_spin_unlock_irqrestore(lock, flags);
	seqstate_by_put(by.t);
	if (gone)
		seqstate_rec_free(gone);
	if (spare)
		seqstate_rec_free(spare);
}

/*
 * A socket that stays in its state (FIN-WAIT-2 going on as a timewait socket) keeps its
 * entry time; without a record, its time there is unknown. Its record keeps its entries.
 */
void seqstate_records_move(const void *sk, const void *tw, const struct net *net,
			   struct seqstate_timing *t, struct seqstate_peers *peers, int oldstate,
			   int newstate)
{
	u32 bucket = seqstate_rec_bucket(sk);
	raw_spinlock_t *lock = seqstate_rec_lock(bucket);
	bool stays = oldstate == newstate;
	struct seqstate_rec *rec, *stale;
	struct seqstate_rec_by by;
	unsigned long flags;

	raw_spin_lock_irqsave(lock, flags);
	rec = seqstate_rec_find(bucket, sk);
	if (rec)
		hlist_del(&rec->hash);
	stays = stays && rec && rec->state == oldstate;
	if (!stays && oldstate != newstate)
		seqstate_rec_leave(rec, t, oldstate, newstate, ktime_get_ns());
	raw_spin_unlock_irqrestore(lock, flags);
	if (!rec) {
		rec = seqstate_rec_alloc();
		if (!rec) {
			seqstate_miss(SEQSTATE_MISS_RECORD);
			return;
		}
		/* @sk is still whole: its cgroup and port are there to read. */
		seqstate_by_get(&by, net, sk, newstate, false);
		seqstate_rec_init(rec, tw, &by);
	}
	/* Nobody can find @tw before it is hashed, after this. */
	rec->sk = tw;
	bucket = seqstate_rec_bucket(tw);
	lock = seqstate_rec_lock(bucket);
	raw_spin_lock_irqsave(lock, flags);
	/* A record left by a timewait socket at this address whose death we missed. */
	stale = seqstate_rec_find(bucket, tw);
	if (stale)
		seqstate_rec_done(stale, peers);
	hlist_add_head(&rec->hash, &seqstate_rec_table[bucket]);
	if (!stays) {
		seqstate_rec_enter(rec, t, peers, newstate, ktime_get_ns(), false);
		rec->unknown_since = oldstate == newstate;
	}
	raw_spin_unlock_irqrestore(lock, flags);
	if (stale)
		seqstate_rec_free(stale);
}

/*
 * At the old end of the lists, since the load: every record the probes made has a later
 * time. Allocated before the lock: the caller may sleep on PREEMPT_RT, never under it.
 */
void seqstate_records_found(const void *sk, const struct net *net, struct seqstate_timing *t,
			    int state)
{
	u32 bucket = seqstate_rec_bucket(sk);
	raw_spinlock_t *lock = seqstate_rec_lock(bucket);
	struct seqstate_rec *rec = seqstate_rec_new(GFP_ATOMIC);
	struct seqstate_rec_by by;
	unsigned long flags;

	if (!rec) {
		seqstate_miss(SEQSTATE_MISS_RECORD);
		return;
	}
	rcu_read_lock();
	seqstate_by_get(&by, net, sk, state, true);
	rcu_read_unlock();
	raw_spin_lock_irqsave(lock, flags);
	if (!seqstate_rec_find(bucket, sk)) {
		seqstate_rec_init(rec, sk, &by);
		memset(&by, 0, sizeof(by));
		hlist_add_head(&rec->hash, &seqstate_rec_table[bucket]);
		seqstate_rec_enter(rec, t, NULL, state, seqstate_load_ns, true);
		rec = NULL;
	}
	raw_spin_unlock_irqrestore(lock, flags);
	seqstate_by_put(by.t);
	if (rec)
		seqstate_rec_delete(rec);
}

void seqstate_records_recount_peers(const void *sk, struct seqstate_peers *peers)
{
	u32 bucket = seqstate_rec_bucket(sk);
	raw_spinlock_t *lock = seqstate_rec_lock(bucket);
	const struct seqstate_peer_set *set;
	struct seqstate_rec *rec;
	unsigned long flags;

	rcu_read_lock();
	raw_spin_lock_irqsave(lock, flags);
	rec = seqstate_rec_find(bucket, sk);
	set = seqstate_peers_current(peers);
	/* Not counted in this set yet: in its state, as a socket found at the load is. */
	if (rec && rec->state && set && rec->peer_gen != seqstate_peer_set_gen(set)) {
		rec->peer_mask = seqstate_peers_match(set, sk);
		rec->peer_gen = seqstate_peer_set_gen(set);
		seqstate_peers_count(set, rec->peer_mask, 0, rec->state, true);
	}
	raw_spin_unlock_irqrestore(lock, flags);
	rcu_read_unlock();
}

void seqstate_records_listening(const struct sock *sk, const struct net *net)
{
	u32 bucket = seqstate_rec_bucket(sk);
	raw_spinlock_t *lock = seqstate_rec_lock(bucket);
	struct seqstate_tally *t = NULL;
	struct seqstate_rec *rec;
	unsigned long flags;
	bool pending;

	if (!seqstate_ports_on())
		return;
	rcu_read_lock();
	raw_spin_lock_irqsave(lock, flags);
	rec = seqstate_rec_find(bucket, sk);
	pending = rec && rec->port_pending && rec->state == TCP_LISTEN;
	raw_spin_unlock_irqrestore(lock, flags);
	/* Made outside the lock: this may allocate, on PREEMPT_RT too. */
	if (pending)
		t = seqstate_port_get(net, sk, TCP_LISTEN, true, &pending);
	if (t) {
		raw_spin_lock_irqsave(lock, flags);
		rec = seqstate_rec_find(bucket, sk);
		if (rec && rec->port_pending && rec->state == TCP_LISTEN) {
			rec->port_pending = false;
			rec->by[SEQSTATE_BY_PORT] = t;
			seqstate_tally_count(t, 0, TCP_LISTEN);
			t = NULL;
		}
		raw_spin_unlock_irqrestore(lock, flags);
	}
	seqstate_tally_put(t);
	rcu_read_unlock();
}

void seqstate_records_forget(struct seqstate_timing *t)
{
	struct seqstate_rec *rec, *next;
	raw_spinlock_t *lock;
	unsigned long flags;
	int cpu, s;

	for_each_possible_cpu(cpu) {
		lock = per_cpu_ptr(&seqstate_age_lock, cpu);
		raw_spin_lock_irqsave(lock, flags);
		for (s = 0; s < SEQSTATE_NR_STATES; s++)
			list_for_each_entry_safe(rec, next, seqstate_ages_list(t, cpu, s), net)
				list_del_init(&rec->net);
		raw_spin_unlock_irqrestore(lock, flags);
	}
}

/* The entry time of @t's oldest socket in @state, or U64_MAX: the first of each CPU's. */
static u64 seqstate_oldest_since(struct seqstate_timing *t, int state)
{
	struct list_head *head;
	raw_spinlock_t *lock;
	u64 since = U64_MAX;
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		lock = per_cpu_ptr(&seqstate_age_lock, cpu);
		head = seqstate_ages_list(t, cpu, state);
		raw_spin_lock_irqsave(lock, flags);
		if (!list_empty(head))
			since = min(since, t->host ?
				    list_first_entry(head, struct seqstate_rec, host)->since :
				    list_first_entry(head, struct seqstate_rec, net)->since);
		raw_spin_unlock_irqrestore(lock, flags);
	}
	return since;
}

void seqstate_timing_read(struct seqstate_timing *t, struct seqstate_durations_snapshot *snap)
{
	u64 since, now;
	int s;

	seqstate_durations_sum(t->durations, snap);
	for (s = 0; s < SEQSTATE_NR_STATES; s++) {
		since = seqstate_oldest_since(t, s);
		now = ktime_get_ns();
		snap->oldest_ns[s] = since == U64_MAX ? 0 : now - min(since, now);
	}
}

int seqstate_timing_alloc(struct seqstate_timing *t)
{
	int cpu, s;

	t->durations = seqstate_durations_alloc();
	t->ages = seqstate_percpu_alloc(sizeof(struct seqstate_ages),
					__alignof__(struct seqstate_ages));
	if (!t->durations || !t->ages) {
		seqstate_timing_free(t);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		for (s = 0; s < SEQSTATE_NR_STATES; s++)
			INIT_LIST_HEAD(seqstate_ages_list(t, cpu, s));
	return 0;
}

void seqstate_timing_free(struct seqstate_timing *t)
{
	seqstate_durations_free(t->durations);
	seqstate_percpu_free(t->ages, sizeof(struct seqstate_ages));
	t->durations = NULL;
	t->ages = NULL;
}

/* As many buckets as the kernel's established hash: 1 Ki to 1 Mi. */
static unsigned int seqstate_rec_table_bits(void)
{
	unsigned int n = init_net.ipv4.tcp_death_row.hashinfo->ehash_mask + 1;

	return ilog2(roundup_pow_of_two(clamp(n, 1U << 10, 1U << 20)));
}

int seqstate_records_init(void)
{
	size_t bytes;
	int i, cpu;

	if (!durations && !seqstate_cgroups_on() && !seqstate_ports_on() && !seqstate_peers_on())
		return 0;
	seqstate_rec_cache = KMEM_CACHE(seqstate_rec, 0);
	if (!seqstate_rec_cache)
		return -ENOMEM;
	seqstate_rec_bits = seqstate_rec_table_bits();
	bytes = sizeof(*seqstate_rec_table) << seqstate_rec_bits;
	seqstate_rec_table = kvzalloc(bytes, GFP_KERNEL);
	if (!seqstate_rec_table)
		goto err_cache;
	seqstate_memory_add(bytes);
	for (i = 0; i < SEQSTATE_REC_LOCKS; i++)
		raw_spin_lock_init(&seqstate_rec_locks[i]);
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(per_cpu_ptr(&seqstate_age_lock, cpu));
	seqstate_host.host = true;
	if (durations && seqstate_timing_alloc(&seqstate_host))
		goto err_table;
	seqstate_reserve_init();
	seqstate_load_ns = ktime_get_ns();
	if (durations)
		static_branch_enable(&seqstate_timing_key);
	static_branch_enable(&seqstate_records_key);
	return 0;

err_table:
	kvfree(seqstate_rec_table);
	seqstate_memory_add(-(long)bytes);
err_cache:
	kmem_cache_destroy(seqstate_rec_cache);
	seqstate_rec_cache = NULL;
	return -ENOMEM;
}

/* Once no probe can run and every namespace forgot its records. */
void seqstate_records_exit(void)
{
	struct seqstate_rec *rec;
	struct hlist_node *next;
	unsigned int i;

	if (!seqstate_rec_cache)
		return;
	static_branch_disable(&seqstate_records_key);
	static_branch_disable(&seqstate_timing_key);
	seqstate_reserve_exit();
	for (i = 0; i < (1U << seqstate_rec_bits); i++) {
		hlist_for_each_entry_safe(rec, next, &seqstate_rec_table[i], hash)
			seqstate_rec_delete(rec);
		if (!(i % 4096))
			cond_resched();
	}
	kvfree(seqstate_rec_table);
	seqstate_memory_add(-(long)(sizeof(*seqstate_rec_table) << seqstate_rec_bits));
	seqstate_timing_free(&seqstate_host);
	kmem_cache_destroy(seqstate_rec_cache);
	seqstate_rec_cache = NULL;
}
