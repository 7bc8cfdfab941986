/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_LISTENERS_H
#define _SEQSTATE_LISTENERS_H

#include <linux/types.h>

struct net;
struct sock;

int seqstate_listeners_init(void);
void seqstate_listeners_exit(void);
void seqstate_listeners_baseline(void);

/* From the tracepoint, in any context: @sk enters or leaves LISTEN. */
void seqstate_listener_changed(struct sock *sk, bool listen);
s64 seqstate_listeners_halfopen(const struct net *net);

#endif /* _SEQSTATE_LISTENERS_H */
