// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's ISN API before 6.1.191, which Kbuild found in the target tree: the ISN
 * functions get no namespace (so the host key applies, and the calls are counted host-wide
 * only) and are called only for ISNs TCP uses: every answered call is an ISN issued. The
 * timestamp offset is computed apart, from the addresses alone: our F's hash of the
 * addresses with both ports 0; those calls are not counted.
 */
#include <linux/percpu.h>
#include "isn_gen.h"
#include "isn_hook.h"

const bool seqstate_isn_netns_counts;	/* false: calls are counted host-wide only */

static u32 seqstate_tcp_seq(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	this_cpu_inc(seqstate_isn_answered.v4);
	return seqstate_isn_v4(&init_net, saddr, daddr, sport, dport);
}

static u32 seqstate_tcp_ts_off(const struct net *net, __be32 saddr, __be32 daddr)
{
	return seqstate_ts_off(net, seqstate_isn_net_hash_v4(net, saddr, daddr, 0, 0));
}

static u32 seqstate_tcpv6_seq(const __be32 *saddr, const __be32 *daddr, __be16 sport,
			      __be16 dport)
{
	this_cpu_inc(seqstate_isn_answered.v6);
	return seqstate_isn_v6(&init_net, (const struct in6_addr *)saddr,
			       (const struct in6_addr *)daddr, sport, dport);
}

static u32 seqstate_tcpv6_ts_off(const struct net *net, const __be32 *saddr,
				 const __be32 *daddr)
{
	return seqstate_ts_off(net, seqstate_isn_net_hash_v6(net, (const struct in6_addr *)saddr,
							     (const struct in6_addr *)daddr, 0, 0));
}

struct seqstate_hook seqstate_isn_hooks[] = {
	SEQSTATE_HOOK(secure_tcp_seq, seqstate_tcp_seq),
	SEQSTATE_HOOK(secure_tcp_ts_off, seqstate_tcp_ts_off),
	SEQSTATE_HOOK(secure_tcpv6_seq, seqstate_tcpv6_seq),
	SEQSTATE_HOOK(secure_tcpv6_ts_off, seqstate_tcpv6_ts_off),
};

const unsigned int seqstate_isn_nr_hooks = ARRAY_SIZE(seqstate_isn_hooks);
