/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_MODULE_H
#define _SEQSTATE_ISN_MODULE_H

#include <linux/siphash.h>
#include <linux/sysfs.h>

struct net;

/* A key, replaced under RCU: writers wait for a grace period before freeing the old one. */
struct seqstate_isn_key {
	siphash_key_t key;
};

struct seqstate_isn_key *seqstate_isn_key_new(const siphash_key_t *key);
void seqstate_isn_key_free(struct seqstate_isn_key *k);
bool seqstate_isn_netns_keys(void);

int seqstate_isn_init(void);
void seqstate_isn_exit(void);

struct seq_file;
int seqstate_isn_show(struct seq_file *seq, void *v);

/* /sys/kernel/seqstate/isn/ */
extern const struct attribute_group seqstate_isn_group;

#endif /* _SEQSTATE_ISN_MODULE_H */
