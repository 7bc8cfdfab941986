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

#endif /* _SEQSTATE_COMPAT_H */
