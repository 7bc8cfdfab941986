/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_MODULE_H
#define _SEQSTATE_ISN_MODULE_H

#include <linux/sysfs.h>

int seqstate_isn_init(void);
void seqstate_isn_exit(void);

struct seq_file;
int seqstate_isn_show(struct seq_file *seq, void *v);

/* /sys/kernel/seqstate/isn/ */
extern const struct attribute_group seqstate_isn_group;

#endif /* _SEQSTATE_ISN_MODULE_H */
