// SPDX-License-Identifier: GPL-2.0
/*
 * The gauges by local port, per namespace: an entry (tallies.c) for each port that a
 * socket of the namespace listened on since the load (or was found listening at it),
 * counting every socket whose local port it is, as ss -tan sport = :P does. The entry is
 * made when a listener enters LISTEN; other sockets only join one that exists, so clients'
 * ephemeral ports cost one failed lookup per socket and no memory. An entry goes once no
 * socket is counted in it, its listeners included.
 *
 * The port is read once per socket, when it is known: sk_num is zeroed before the socket's
 * last event (inet_put_port() in tcp_set_state()). A socket with no port yet (a client's
 * SYN-SENT before inet_hash_connect(), a listener that listen()s without bind()) is looked
 * up again at its next state, or, for such a listener, when listeners.c sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "counters.h"
#include "parse.h"
#include "ports.h"
#include "tallies.h"

static bool ports = true;
static unsigned int ports_max = 1024;

module_param_cb(ports, &seqstate_param_switch, &ports, 0444);
MODULE_PARM_DESC(ports, "Count sockets by their local port, for listening ports: 1 (default) or 0");

static int ports_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (seqstate_parse_uint(val, strlen(val), 65535, &v) || !v) {
		pr_info_ratelimited("ports_max takes 1 to 65535\n");
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops ports_max_ops = {
	.set = ports_max_set,
	.get = param_get_uint,
};

module_param_cb(ports_max, &ports_max_ops, &ports_max, 0444);
MODULE_PARM_DESC(ports_max, "Listening ports counted per namespace (1024)");

static DEFINE_STATIC_KEY_FALSE(seqstate_ports_key);

bool seqstate_ports_on(void)
{
	return static_branch_likely(&seqstate_ports_key);
}

static u64 seqstate_port_id(unsigned long key)
{
	return key;
}

static unsigned long seqstate_port_of(const void *sk)
{
	return READ_ONCE(((const struct sock_common *)sk)->skc_num);
}

static unsigned long seqstate_port_of_listener(const struct sock *sk)
{
	return seqstate_port_of(sk);
}

static const struct seqstate_tally_kind seqstate_port_kind = {
	.max = &ports_max,
	.miss = SEQSTATE_MISS_PORT,
	.id = seqstate_port_id,
	.key_of_listener = seqstate_port_of_listener,
};

struct seqstate_tally *seqstate_port_get(const struct net *net, const void *sk, int state,
					 bool may_alloc, bool *pending)
{
	unsigned long port;

	*pending = false;
	if (!seqstate_ports_on())
		return NULL;
	port = seqstate_port_of(sk);
	if (!port) {
		*pending = true;
		return NULL;
	}
	return seqstate_tally_get(&seqstate_port_kind, net, port, state == TCP_LISTEN,
				  may_alloc);
}

int seqstate_ports_netns_init(const struct net *net)
{
	return seqstate_ports_on() ? seqstate_tallies_netns_init(&seqstate_port_kind, net) : 0;
}

void seqstate_ports_netns_exit(const struct net *net)
{
	if (seqstate_ports_on())
		seqstate_tallies_netns_exit(&seqstate_port_kind, net);
}

int seqstate_ports_read(const struct net *net, struct seqstate_tally_row **rows)
{
	if (!seqstate_ports_on())
		return -ENODATA;
	return seqstate_tallies_read(&seqstate_port_kind, net, rows);
}

void seqstate_ports_init(void)
{
	if (ports)
		static_branch_enable(&seqstate_ports_key);
}

void seqstate_ports_exit(void)
{
	static_branch_disable(&seqstate_ports_key);
}
