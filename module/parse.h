/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SEQSTATE_PARSE_H
#define _SEQSTATE_PARSE_H

#include <linux/in6.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

/*
 * What seqstate's writable files take, strictly: nothing but the value, then at most one
 * newline. No signs, spaces, prefixes or trailing junk. All return 0 or -EINVAL; ISN keys
 * are parsed by seqstate_isn_parse_key() (include/seqstate/isn.h), by the same rule.
 */

/* Decimal digits without leading zeros, no more than @max. */
int seqstate_parse_uint(const char *buf, size_t len, unsigned int max, unsigned int *val);

/* The ops of a load-time switch (a bool module parameter): "0" or "1" only. */
extern const struct kernel_param_ops seqstate_param_switch;

/* "LADDR LPORT RADDR RPORT" with single spaces, both addresses IPv4 or both IPv6. */
struct seqstate_tuple {
	int family;			/* AF_INET or AF_INET6 */
	struct in6_addr laddr, raddr;	/* IPv4: in s6_addr32[0] */
	__be16 lport, rport;
};

int seqstate_parse_tuple(const char *buf, size_t len, struct seqstate_tuple *t);

#endif /* _SEQSTATE_PARSE_H */
