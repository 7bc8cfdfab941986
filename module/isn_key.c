// SPDX-License-Identifier: GPL-2.0
/*
 * What the ISN generator keeps per network namespace and for the host: keys and counts of
 * the calls answered. Below both the generator and the namespace registry, which makes a
 * namespace's key and counts when the namespace comes.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "counters.h"
#include "isn_key.h"

static bool isn_netns_keys;
module_param(isn_netns_keys, bool, 0444);
MODULE_PARM_DESC(isn_netns_keys, "A key of its own for every network namespace (default: one host key)");

bool seqstate_isn_netns_keys(void)
{
	return isn_netns_keys;
}

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

struct seqstate_isn_counts __percpu *seqstate_isn_counts_alloc(void)
{
	return seqstate_percpu_alloc(sizeof(struct seqstate_isn_counts),
				     __alignof__(struct seqstate_isn_counts));
}

void seqstate_isn_counts_free(struct seqstate_isn_counts __percpu *c)
{
	seqstate_percpu_free(c, sizeof(*c));
}

struct seqstate_isn_counts seqstate_isn_counts_sum(struct seqstate_isn_counts __percpu *c)
{
	struct seqstate_isn_counts n = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		n.v4 += READ_ONCE(per_cpu_ptr(c, cpu)->v4);
		n.v6 += READ_ONCE(per_cpu_ptr(c, cpu)->v6);
	}
	return n;
}
