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
 * secure_tcp[v6]_seq_and_ts_off(): SEQSTATE_HAVE_SECURE_SEQ_UNION; module/isn.c hooks
 * whichever the tree has.
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

#endif /* _SEQSTATE_COMPAT_H */
