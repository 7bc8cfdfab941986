// SPDX-License-Identifier: GPL-2.0
/*
 * The probe on sock:inet_sock_set_state. The tracepoint is not exported to modules, so it
 * is found by name, as lttng-modules does; the probe's prototype is checked against the
 * kernel's TP_PROTO at compile time, so a changed tracepoint breaks the build, not the box.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <trace/events/sock.h>
#include "listeners.h"
#include "netns.h"
#include "timewait.h"
#include "tracepoint.h"

static struct tracepoint *seqstate_tp;

static void seqstate_probe(void *data, const struct sock *sk, const int oldstate,
			   const int newstate)
{
	struct net *net = sock_net(sk);
	int tw;

	/* SCTP, DCCP and MPTCP's master socket fire it too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	if (newstate == TCP_CLOSE) {
		/* Replaced by a timewait socket: for ss, it moved on to tw's substate. */
		tw = 0;
		if (oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2 ||
		    oldstate == TCP_CLOSING)
			tw = seqstate_timewait_take(sk);
		if (tw) {
			/* Its record went over to the timewait socket at birth. */
			if (tw != oldstate)
				seqstate_netns_count(net, NULL, oldstate, tw);
			return;
		}
		if (oldstate == TCP_LISTEN)
			seqstate_listener_changed((struct sock *)sk, false);
	} else if (newstate == TCP_LISTEN) {
		/* The probe's prototype is const; the change holds a reference. */
		seqstate_listener_changed((struct sock *)sk, true);
	}
	seqstate_netns_count(net, sk, oldstate, newstate);
}

static void seqstate_find_tracepoint(struct tracepoint *tp, void *priv)
{
	struct tracepoint **found = priv;

	if (!strcmp(tp->name, "inet_sock_set_state"))
		*found = tp;
}

int seqstate_tracepoint_init(void)
{
	int err;

	check_trace_callback_type_inet_sock_set_state(seqstate_probe);

	for_each_kernel_tracepoint(seqstate_find_tracepoint, &seqstate_tp);
	if (!seqstate_tp) {
		pr_err("tracepoint sock:inet_sock_set_state not found\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(seqstate_tp, seqstate_probe, NULL);
	if (err)
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
	return err;
}

void seqstate_tracepoint_exit(void)
{
	tracepoint_probe_unregister(seqstate_tp, seqstate_probe, NULL);
	/* No probe may still run when the counters it touches are freed. */
	tracepoint_synchronize_unregister();
}
