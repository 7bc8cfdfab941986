/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels seqstate supports, in one place. Kbuild probes the
 * target tree's headers and defines SEQSTATE_HAVE_* (see module/Kbuild).
 */
#ifndef _SEQSTATE_COMPAT_H
#define _SEQSTATE_COMPAT_H

/*
 * 6.11 merged inet_twsk_hashdance() and inet_twsk_schedule() into
 * inet_twsk_hashdance_schedule(); both take (tw, sk, hashinfo, ...).
 */
#ifdef SEQSTATE_HAVE_TWSK_HASHDANCE_SCHEDULE
#define SEQSTATE_TWSK_HASHDANCE "inet_twsk_hashdance_schedule"
#else
#define SEQSTATE_TWSK_HASHDANCE "inet_twsk_hashdance"
#endif

/* 6.7 renamed ftrace_instruction_pointer_set() to ftrace_regs_set_instruction_pointer(). */
#ifdef SEQSTATE_HAVE_FTRACE_REGS_SET_IP
#define seqstate_ftrace_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define seqstate_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * 6.1.191 (CVE-2026-23247) replaced secure_tcp[v6]_seq() and secure_tcp[v6]_ts_off() by
 * secure_tcp[v6]_seq_and_ts_off(). No macro here: Kbuild builds the hooks for whichever the
 * tree has, isn_union.o or isn_split.o.
 */

/* 7.x no longer gets hex2bin() through <linux/kernel.h>. */
#ifdef SEQSTATE_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#endif

/* 6.12 moved <asm/unaligned.h> to <linux/unaligned.h>. */
#ifdef SEQSTATE_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * system_wq became system_percpu_wq (6.12.y has both; 7.x warns when system_wq is used,
 * "enqueued on deprecated workqueue").
 */
#ifdef SEQSTATE_HAVE_SYSTEM_PERCPU_WQ
#define seqstate_wq system_percpu_wq
#else
#define seqstate_wq system_wq
#endif

/*
 * Exports only the KUnit suites need: in the EXPORTED_FOR_KUNIT_TESTING namespace, and only
 * on kernels built with KUnit. <kunit/visibility.h> came with 6.2 and 6.1.y has it; older
 * trees get the same definition here.
 */
#ifdef SEQSTATE_HAVE_KUNIT_VISIBILITY_H
#include <kunit/visibility.h>
#elif IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_KUNIT(symbol) EXPORT_SYMBOL_NS(symbol, EXPORTED_FOR_KUNIT_TESTING)
#else
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

#endif /* _SEQSTATE_COMPAT_H */
