// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/isn and /proc/net/seqstate/query: the ISN generator as one network
 * namespace sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/socket.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include "isn_gen.h"
#include "isn_hook.h"
#include "isn_key.h"
#include "isn_proc.h"
#include "netns.h"
#include "parse.h"

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
	seqstate_netns_isn(net, &key, &counts);
	if (counts)
		n = seqstate_isn_counts_sum(counts);
	own = key;
	if (own) {
		k = container_of(key, struct seqstate_isn_key, key);
		epoch = k->epoch;
		changed_at = k->changed_at;
	}
	rcu_read_unlock();

	seq_printf(seq, "active          %d\n", seqstate_isn_active());
	seq_printf(seq, "tick_ns         %d\n", SEQSTATE_ISN_TICK_NS);
	if (seqstate_isn_netns_counts) {
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
	const siphash_key_t *key;
	struct seqstate_tuple t;
	u64 h;
	u32 m;

	if (!file_ns_capable(file, &init_user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (seqstate_parse_tuple(buf, len, &t)) {
		pr_info_ratelimited("query takes LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT\n");
		return -EINVAL;
	}
	m = seqstate_m();
	rcu_read_lock_sched();
	key = seqstate_isn_key_of(net);
	if (t.family == AF_INET)
		h = seqstate_f4(key, t.laddr.s6_addr32[0], t.raddr.s6_addr32[0], t.lport, t.rport);
	else
		h = seqstate_f6(key, &t.laddr, &t.raddr, t.lport, t.rport);
	rcu_read_unlock_sched();
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
