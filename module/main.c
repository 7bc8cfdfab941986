// SPDX-License-Identifier: GPL-2.0
/*
 * seqstate: per-CPU TCP state accounting on sock:inet_sock_set_state, per network
 * namespace in /proc/net/seqstate/ and host-wide in /sys/kernel/seqstate/, and an
 * RFC 6528 ISN generator that can be switched in as TCP's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "cgroups.h"
#include "isn_gen.h"
#include "isn_hook.h"
#include "listeners.h"
#include "netns.h"
#include "peers.h"
#include "ports.h"
#include "proc.h"
#include "records.h"
#include "sysfs.h"
#include "tallies.h"
#include "timewait.h"
#include "tracepoint.h"

/*
 * Each step comes before what uses it, and exit undoes them in exactly the reverse order:
 *  - the listeners first: the probe feeds them, /proc and sysfs read them until they go;
 *    at unload their work items, which look records up, stop right after the probe;
 *  - the host key before the namespaces: theirs need the RNG ready too; the breakdowns'
 *    table before the records that name its entries; the record table and the host's
 *    histograms before the namespaces, which have their own;
 *  - the namespace table before anything that looks a namespace up: the ISN hook (which
 *    isn_active=1 rekey_guard_s=0 switches in at once), the files, the probes. At unload
 *    TCP gets the kernel's ISNs back before any namespace's key goes;
 *  - the ISN hook's targets before sysfs, whose isn/active attaches it;
 *  - the tracepoint last: every change is counted from then on. The timewait hooks then
 *    hand it their births, and the sockets that were already there are counted once.
 */
static int __init seqstate_init(void)
{
	int err;

	err = seqstate_listeners_init();
	if (err)
		return err;
	err = seqstate_isn_keys_init();
	if (err)
		goto err_listeners;
	seqstate_cgroups_init();
	seqstate_ports_init();
	seqstate_peers_init();
	seqstate_tallies_init();
	err = seqstate_records_init();
	if (err)
		goto err_tallies;
	err = seqstate_netns_init();
	if (err)
		goto err_records;
	err = seqstate_isn_hook_init();
	if (err)
		goto err_netns;
	err = seqstate_proc_init();
	if (err)
		goto err_isn_hook;
	err = seqstate_sysfs_init();
	if (err)
		goto err_proc;
	err = seqstate_timewait_init();
	if (err)
		goto err_sysfs;
	err = seqstate_tracepoint_init();
	if (err)
		goto err_timewait;
	seqstate_timewait_start();
	seqstate_listeners_baseline();
	seqstate_netns_baseline();
	pr_info("loaded, version %s\n", SEQSTATE_VERSION);
	return 0;

err_timewait:
	seqstate_timewait_exit();
err_sysfs:
	seqstate_sysfs_exit();
err_proc:
	seqstate_proc_exit();
err_isn_hook:
	seqstate_isn_hook_exit();
err_netns:
	seqstate_netns_exit();
err_records:
	seqstate_records_exit();
err_tallies:
	seqstate_tallies_exit();
	seqstate_peers_exit();
	seqstate_ports_exit();
	seqstate_cgroups_exit();
	seqstate_isn_keys_exit();
err_listeners:
	seqstate_listeners_exit();
	return err;
}

static void __exit seqstate_exit(void)
{
	seqstate_tracepoint_exit();
	seqstate_listeners_stop();
	seqstate_timewait_exit();
	seqstate_sysfs_exit();
	seqstate_proc_exit();
	seqstate_isn_hook_exit();
	seqstate_netns_exit();
	seqstate_records_exit();
	seqstate_tallies_exit();
	seqstate_peers_exit();
	seqstate_ports_exit();
	seqstate_cgroups_exit();
	seqstate_isn_keys_exit();
	seqstate_listeners_exit();
	pr_info("unloaded\n");
}

module_init(seqstate_init);
module_exit(seqstate_exit);

MODULE_DESCRIPTION("TCP state accounting and an RFC 6528 ISN generator");
MODULE_AUTHOR("The seqstate authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(SEQSTATE_VERSION);
