// SPDX-License-Identifier: GPL-2.0
/*
 * seqstate: per-CPU TCP state accounting on sock:inet_sock_set_state, per network
 * namespace in /proc/net/seqstate/ and host-wide in /sys/kernel/seqstate/, and an
 * RFC 6528 ISN generator that can be switched in as TCP's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "isn.h"
#include "listeners.h"
#include "netns.h"
#include "sysfs.h"
#include "timewait.h"
#include "tracepoint.h"

static int __init seqstate_init(void)
{
	int err;

	/* The key first (namespaces may need keys of their own), then counters and
	 * namespaces: the probe may fire as soon as it is attached.
	 */
	err = seqstate_isn_init();
	if (err)
		return err;
	/* Before the namespaces: their /proc files read the listeners until they are gone. */
	err = seqstate_listeners_init();
	if (err)
		goto err_isn;
	err = seqstate_netns_init();
	if (err)
		goto err_listeners;
	err = seqstate_sysfs_init();
	if (err)
		goto err_netns;
	err = seqstate_timewait_init();
	if (err)
		goto err_sysfs;
	err = seqstate_tracepoint_init();
	if (err)
		goto err_timewait;
	seqstate_timewait_start();
	/* Now that every change is counted: the sockets that were already there. */
	seqstate_listeners_baseline();
	seqstate_netns_baseline();
	pr_info("loaded, version %s\n", SEQSTATE_VERSION);
	return 0;

err_timewait:
	seqstate_timewait_exit();
err_sysfs:
	seqstate_sysfs_exit();
err_netns:
	seqstate_isn_exit();	/* unhooked before the namespaces' keys go */
	seqstate_netns_exit();
	seqstate_listeners_exit();
	return err;
err_listeners:
	seqstate_listeners_exit();
err_isn:
	seqstate_isn_exit();
	return err;
}

static void __exit seqstate_exit(void)
{
	seqstate_tracepoint_exit();
	seqstate_timewait_exit();
	seqstate_sysfs_exit();
	seqstate_isn_exit();
	seqstate_netns_exit();
	seqstate_listeners_exit();	/* once no /proc file can read them */
	pr_info("unloaded\n");
}

module_init(seqstate_init);
module_exit(seqstate_exit);

MODULE_DESCRIPTION("TCP state accounting and an RFC 6528 ISN generator");
MODULE_AUTHOR("The seqstate authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(SEQSTATE_VERSION);
