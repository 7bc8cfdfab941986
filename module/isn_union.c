// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's ISN API from 6.1.191 on (CVE-2026-23247), which Kbuild found in the target
 * tree: one call gives the ISN and the timestamp offset, and TCP asks for both wherever it
 * needs either, so a call is not always an ISN issued:
 *
 *	tcp_v4/v6_connect()		ISN, unless the socket took a TIME-WAIT socket's
 *					sequence space (tcp_tw_reuse) or connects again
 *					after a disconnect; the timestamp offset always
 *	tcp_conn_request() (SYN-ACK)	ISN, unless the SYN-ACK carries a SYN cookie or
 *					answers a SYN that reopens a TIME-WAIT tuple; then
 *					only the offset, and only if the SYN has timestamps
 *	cookie_v4/v6_check()		the offset alone, to decode a cookie ACK's timestamp
 *
 * We count every call we answer (answered_v4/v6), host-wide and per namespace. One lookup
 * gives the namespace's key and counters.
 */
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/secure_seq.h>
#include "isn_gen.h"
#include "isn_hook.h"
#include "netns.h"

const bool seqstate_isn_netns_counts = true;

/* @net's key, with the call counted for @net and the host. Caller holds rcu_read_lock_sched(). */
static const siphash_key_t *seqstate_tcp_key(const struct net *net, bool v6)
{
	struct seqstate_isn_counts __percpu *counts;
	const siphash_key_t *key;

	seqstate_netns_isn(net, &key, &counts);
	if (v6) {
		if (counts)
			this_cpu_inc(counts->v6);
		this_cpu_inc(seqstate_isn_answered.v6);
	} else {
		if (counts)
			this_cpu_inc(counts->v4);
		this_cpu_inc(seqstate_isn_answered.v4);
	}
	return key ?: seqstate_isn_host_key();
}

static union tcp_seq_and_ts_off seqstate_tcp_answer(const struct net *net, u64 hash)
{
	union tcp_seq_and_ts_off st;

	st.seq = (u32)hash + seqstate_m();
	st.ts_off = seqstate_ts_off(net, hash);
	return st;
}

static union tcp_seq_and_ts_off seqstate_tcp_seq(const struct net *net, __be32 saddr,
						 __be32 daddr, __be16 sport, __be16 dport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f4(seqstate_tcp_key(net, false), saddr, daddr, sport, dport);
	rcu_read_unlock_sched();
	return seqstate_tcp_answer(net, h);
}

static union tcp_seq_and_ts_off seqstate_tcpv6_seq(const struct net *net, const __be32 *saddr,
						   const __be32 *daddr, __be16 sport,
						   __be16 dport)
{
	u64 h;

	rcu_read_lock_sched();
	h = seqstate_f6(seqstate_tcp_key(net, true), (const struct in6_addr *)saddr,
			(const struct in6_addr *)daddr, sport, dport);
	rcu_read_unlock_sched();
	return seqstate_tcp_answer(net, h);
}

struct seqstate_hook seqstate_isn_hooks[] = {
	SEQSTATE_HOOK(secure_tcp_seq_and_ts_off, seqstate_tcp_seq),
	SEQSTATE_HOOK(secure_tcpv6_seq_and_ts_off, seqstate_tcpv6_seq),
};

const unsigned int seqstate_isn_nr_hooks = ARRAY_SIZE(seqstate_isn_hooks);
