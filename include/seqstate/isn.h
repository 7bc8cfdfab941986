/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seqstate's RFC 6528 initial sequence numbers:
 *
 *	ISN = (M + F(local addr, local port, remote addr, remote port, key)) mod 2^32
 *
 * F is the low 32 bits of SipHash-2-4 of the byte string
 *	IPv4: local addr (4) | remote addr (4) | local port (2) | remote port (2)
 *	IPv6: local addr (16) | remote addr (16) | local port (2) | remote port (2)
 * (network byte order) under a 128-bit key; M = CLOCK_MONOTONIC in ns / 4000, a clock that
 * ticks 250,000 times a second and never jumps. The high 32 bits of the same SipHash are
 * the TCP timestamp offset.
 */
#ifndef _SEQSTATE_ISN_H
#define _SEQSTATE_ISN_H

#include <linux/in6.h>
#include <linux/siphash.h>
#include <linux/types.h>

struct net;

#define SEQSTATE_ISN_TICK_NS	4000

/* SipHash-2-4 of the tuple: F is the low 32 bits, the timestamp offset the high 32. */
u64 seqstate_isn_hash_v4(const siphash_key_t *key, __be32 laddr, __be32 raddr,
			 __be16 lport, __be16 rport);
u64 seqstate_isn_hash_v6(const siphash_key_t *key, const struct in6_addr *laddr,
			 const struct in6_addr *raddr, __be16 lport, __be16 rport);

/* M now. */
u32 seqstate_isn_clock(void);

/* The ISN seqstate gives this tuple now, with @net's key. */
u32 seqstate_isn_v4(const struct net *net, __be32 laddr, __be32 raddr, __be16 lport,
		    __be16 rport);
u32 seqstate_isn_v6(const struct net *net, const struct in6_addr *laddr,
		    const struct in6_addr *raddr, __be16 lport, __be16 rport);

/* Parse 32 hex digits (and at most one trailing newline) into a key: 0 or -EINVAL. */
int seqstate_isn_parse_key(const char *buf, size_t len, siphash_key_t *key);

#endif /* _SEQSTATE_ISN_H */
