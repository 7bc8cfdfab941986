/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_TRACEPOINT_H
#define _SEQSTATE_TRACEPOINT_H

int seqstate_tracepoint_init(void);
void seqstate_tracepoint_exit(void);

#endif /* _SEQSTATE_TRACEPOINT_H */
