// SPDX-License-Identifier: GPL-2.0
/*
 * A helper for the stress tests (scripts/guest/tests/reload.sh) that
 * holds kernel TCP sockets, as in-kernel users (NFS, iSCSI, DLM) do, while seqstate is
 * loaded and unloaded around them: a listener on 127.0.0.1:port and one connection to it,
 * so one LISTEN and two ESTABLISHED sockets in init_net until this module is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>

static ushort port = 7070;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "The listener's port on 127.0.0.1 (default 7070)");

static struct socket *ksock_listener, *ksock_client, *ksock_child;

static void ksock_release(void)
{
	if (ksock_child)
		sock_release(ksock_child);
	if (ksock_client)
		sock_release(ksock_client);
	if (ksock_listener)
		sock_release(ksock_listener);
}

static int __init ksock_init(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(port),
	};
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &ksock_listener);
	if (err)
		return err;
	err = kernel_bind(ksock_listener, (struct sockaddr *)&addr, sizeof(addr));
	if (!err)
		err = kernel_listen(ksock_listener, 1);
	if (!err)
		err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
				       &ksock_client);
	if (!err)
		err = kernel_connect(ksock_client, (struct sockaddr *)&addr, sizeof(addr), 0);
	if (!err)
		err = kernel_accept(ksock_listener, &ksock_child, 0);
	if (err) {
		pr_err("cannot set up the sockets: %d\n", err);
		ksock_release();
	}
	return err;
}

static void __exit ksock_exit(void)
{
	ksock_release();
}

module_init(ksock_init);
module_exit(ksock_exit);
MODULE_DESCRIPTION("seqstate test helper: kernel TCP sockets held until unload");
MODULE_LICENSE("GPL");
