/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PROC_H
#define _SEQSTATE_PROC_H

/* /proc/net/seqstate/ in every network namespace. */
int seqstate_proc_init(void);
void seqstate_proc_exit(void);

#endif /* _SEQSTATE_PROC_H */
