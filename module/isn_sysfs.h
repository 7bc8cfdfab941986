/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_SYSFS_H
#define _SEQSTATE_ISN_SYSFS_H

#include <linux/sysfs.h>

/* /sys/kernel/seqstate/isn/, made by sysfs.c. */
extern const struct attribute_group seqstate_isn_group;

#endif /* _SEQSTATE_ISN_SYSFS_H */
