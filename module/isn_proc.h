/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_PROC_H
#define _SEQSTATE_ISN_PROC_H

struct proc_dir_entry;

/* /proc/net/seqstate/isn and /proc/net/seqstate/query in @dir: 0 or -ENOMEM. */
int seqstate_isn_proc_create(struct proc_dir_entry *dir);

#endif /* _SEQSTATE_ISN_PROC_H */
