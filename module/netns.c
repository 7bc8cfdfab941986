// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace counters and /proc/net/seqstate/.
 *
 * A namespace's counters are reached through an RCU pointer: sockets of a dying namespace
 * can still change state after our pernet exit has run (other subsystems' kernel sockets
 * are torn down later), so the exit unpublishes the counters and frees them after a grace
 * period; events that arrive in between are not counted for that namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "counters.h"
#include "netns.h"

struct seqstate_net_counters {
	struct seqstate_counters __percpu *pcpu;
	struct rcu_head rcu;
};

struct seqstate_net {
	struct seqstate_net_counters __rcu *counters;
};

static unsigned int seqstate_net_id __read_mostly;
static struct seqstate_counters __percpu *seqstate_host;

/*
 * Like net_generic(), but safe for a namespace that is still being set up: its generic
 * array may predate our id, or our slot may not be filled yet. Caller holds rcu_read_lock.
 */
static struct seqstate_net_counters *seqstate_net_counters(const struct net *net)
{
	const struct net_generic *ng = rcu_dereference(net->gen);
	const struct seqstate_net *sn;

	if (seqstate_net_id >= ng->s.len)
		return NULL;
	sn = ng->ptr[seqstate_net_id];
	return sn ? rcu_dereference(sn->counters) : NULL;
}

void seqstate_netns_count(struct net *net, int oldstate, int newstate)
{
	struct seqstate_net_counters *nc;

	seqstate_counters_count(seqstate_host, oldstate, newstate);
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	if (nc)
		seqstate_counters_count(nc->pcpu, oldstate, newstate);
	rcu_read_unlock();
}

int seqstate_read(struct net *net, struct seqstate_snapshot *snap)
{
	struct seqstate_net_counters *nc;
	int err = 0;

	if (!net) {
		seqstate_counters_sum(seqstate_host, snap);
		return 0;
	}
	rcu_read_lock();
	nc = seqstate_net_counters(net);
	if (nc)
		seqstate_counters_sum(nc->pcpu, snap);
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(seqstate_read);

static int seqstate_states_show(struct seq_file *seq, void *v)
{
	struct seqstate_snapshot *snap;
	int i, s;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	if (seqstate_read(seq_file_single_net(seq), snap)) {
		kfree(snap);
		return -ENOENT;
	}
	seq_printf(seq, "%-12s %20s\n", "state", "entered");
	for (i = 0; i < SEQSTATE_NR_REPORTED; i++) {
		s = seqstate_state_order[i];
		seq_printf(seq, "%-12s %20llu\n", seqstate_state_name(s), snap->entered[s]);
	}
	kfree(snap);
	return 0;
}

static int __net_init seqstate_net_init(struct net *net)
{
	struct seqstate_net *sn = net_generic(net, seqstate_net_id);
	struct seqstate_net_counters *nc;
	struct proc_dir_entry *dir;

	nc = kzalloc(sizeof(*nc), GFP_KERNEL);
	if (!nc)
		return -ENOMEM;
	nc->pcpu = seqstate_counters_alloc();
	if (!nc->pcpu)
		goto err_free;

	dir = proc_net_mkdir(net, "seqstate", net->proc_net);
	if (!dir)
		goto err_free_pcpu;
	if (!proc_create_net_single("states", 0444, dir, seqstate_states_show, NULL))
		goto err_remove;

	rcu_assign_pointer(sn->counters, nc);
	return 0;

err_remove:
	remove_proc_subtree("seqstate", net->proc_net);
err_free_pcpu:
	seqstate_counters_free(nc->pcpu);
err_free:
	kfree(nc);
	return -ENOMEM;
}

static void seqstate_net_counters_free(struct rcu_head *rcu)
{
	struct seqstate_net_counters *nc = container_of(rcu, struct seqstate_net_counters, rcu);

	seqstate_counters_free(nc->pcpu);
	kfree(nc);
}

static void __net_exit seqstate_net_exit(struct net *net)
{
	struct seqstate_net *sn = net_generic(net, seqstate_net_id);
	struct seqstate_net_counters *nc;

	remove_proc_subtree("seqstate", net->proc_net);
	nc = rcu_replace_pointer(sn->counters, NULL, true);
	if (nc)
		call_rcu(&nc->rcu, seqstate_net_counters_free);
}

static struct pernet_operations seqstate_net_ops = {
	.init = seqstate_net_init,
	.exit = seqstate_net_exit,
	.id = &seqstate_net_id,
	.size = sizeof(struct seqstate_net),
};

int seqstate_netns_init(void)
{
	int err;

	seqstate_host = seqstate_counters_alloc();
	if (!seqstate_host)
		return -ENOMEM;
	err = register_pernet_subsys(&seqstate_net_ops);
	if (err)
		seqstate_counters_free(seqstate_host);
	return err;
}

/* Only once the probe is gone: nothing can count any more. */
void seqstate_netns_exit(void)
{
	unregister_pernet_subsys(&seqstate_net_ops);
	rcu_barrier();		/* every seqstate_net_counters_free() has run */
	seqstate_counters_free(seqstate_host);
}
