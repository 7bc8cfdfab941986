/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_LISTENERS_H
#define _SEQSTATE_LISTENERS_H

#include <linux/types.h>

struct net;
struct sock;

void seqstate_listener_add(struct sock *sk);
void seqstate_listener_del(const struct sock *sk);
s64 seqstate_listeners_halfopen(const struct net *net);
void seqstate_listeners_exit(void);

#endif /* _SEQSTATE_LISTENERS_H */
