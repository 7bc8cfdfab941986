/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What make bench's timing modules share: batches are timed one by one and summarised by
 * their median as well as their mean. Under qemu's TCG the guest's clock keeps running while
 * the host runs something else, so on a busy host any batch may take several times its
 * cost; short batches, most of them undisturbed, and their median, see through that.
 */
#ifndef _SEQSTATE_BENCH_H
#define _SEQSTATE_BENCH_H

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sort.h>

static inline int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* " NAME=X.XXX NAME_mean=X.XXX": ns per unit, @per units per batch. Sorts @t. */
static inline void bench_print_stats(char **p, const char *end, const char *name, u64 *t,
				     u32 batches, u32 per)
{
	u64 sum = 0, med, mean;
	u32 i;

	for (i = 0; i < batches; i++)
		sum += t[i];
	sort(t, batches, sizeof(*t), bench_cmp_u64, NULL);
	/* picoseconds per unit, printed with 3 decimals as ns */
	med = div_u64(t[batches / 2] * 1000, per);
	mean = div64_u64(sum * 1000, (u64)batches * per);
	*p += scnprintf(*p, end - *p, " %s=%llu.%03llu %s_mean=%llu.%03llu", name,
			div_u64(med, 1000), med % 1000, name, div_u64(mean, 1000), mean % 1000);
}

#endif /* _SEQSTATE_BENCH_H */
