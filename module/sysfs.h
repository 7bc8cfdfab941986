/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_SYSFS_H
#define _SEQSTATE_SYSFS_H

int seqstate_sysfs_init(void);
void seqstate_sysfs_exit(void);

#endif /* _SEQSTATE_SYSFS_H */
