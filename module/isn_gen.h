/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_ISN_GEN_H
#define _SEQSTATE_ISN_GEN_H

#include <linux/compiler.h>
#include <linux/in6.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/siphash.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <seqstate/isn.h>
#include "compat.h"

struct net;

/*
 * F of RFC 6528 before truncation (include/seqstate/isn.h). IPv4's input is 12 bytes,
 * which SipHash reads as one little-endian word and a 4-byte tail: siphash_3u32() of the
 * same bytes as little-endian words, the kernel's fast path.
 */
static inline u64 seqstate_f4(const siphash_key_t *key, __be32 laddr, __be32 raddr,
			      __be16 lport, __be16 rport)
{
	const __be16 ports[2] = { lport, rport };

	return siphash_3u32(get_unaligned_le32(&laddr), get_unaligned_le32(&raddr),
			    get_unaligned_le32(ports), key);
}

static inline u64 seqstate_f6(const siphash_key_t *key, const struct in6_addr *laddr,
			      const struct in6_addr *raddr, __be16 lport, __be16 rport)
{
	const struct {
		struct in6_addr laddr, raddr;
		__be16 lport, rport;
	} __aligned(SIPHASH_ALIGNMENT) in = { *laddr, *raddr, lport, rport };

	return siphash(&in, offsetofend(typeof(in), rport), key);
}

/* M of RFC 6528. */
static inline u32 seqstate_m(void)
{
	return (u32)div_u64(ktime_get_ns(), SEQSTATE_ISN_TICK_NS);
}

/* Held for every change of TCP's generator: keys, switches, the rekey guard. */
extern struct mutex seqstate_isn_lock;

/* TCP uses our ISNs. Written under seqstate_isn_lock, by seqstate_isn_switched(). */
extern bool seqstate_isn_on;

static inline bool seqstate_isn_active(void)
{
	return READ_ONCE(seqstate_isn_on);
}

/* Keys. Caller holds rcu_read_lock_sched(). */
const siphash_key_t *seqstate_isn_host_key(void);
const siphash_key_t *seqstate_isn_key_of(const struct net *net);

/* F before truncation, with @net's key. */
u64 seqstate_isn_net_hash_v4(const struct net *net, __be32 laddr, __be32 raddr,
			     __be16 lport, __be16 rport);
u64 seqstate_isn_net_hash_v6(const struct net *net, const struct in6_addr *laddr,
			     const struct in6_addr *raddr, __be16 lport, __be16 rport);

/* New key for the writer's namespace (isn_netns_keys) or the host; @key NULL: a random one. */
int seqstate_isn_set_key(struct net *net, const siphash_key_t *key, const char *what);
u64 seqstate_isn_key_epoch(void);
time64_t seqstate_isn_key_changed_at(void);

/* The rekey guard; all but the first with seqstate_isn_lock held. */
unsigned int seqstate_rekey_guard_s(void);
void seqstate_rekey_guard_update(unsigned int s);
u64 seqstate_isn_switch_wait(u64 now);
int seqstate_isn_may_switch(u64 now, const char *what);
void seqstate_isn_switched(bool on, u64 now);

/* The host key, from the RNG once it is ready; the load counts as a switch. */
int seqstate_isn_keys_init(void);
void seqstate_isn_keys_exit(void);

#endif /* _SEQSTATE_ISN_GEN_H */
