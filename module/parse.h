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

/*
 * Peer groups, one per line: "NAME CIDR[,CIDR...] [PORT[,PORT...]]", single spaces. NAME is
 * [a-z0-9_-], unique; a CIDR is an IPv4 or IPv6 address with /LEN (none: the whole
 * address) and no host bits set; PORTs are remote ports, 1-65535. Empty (or one newline):
 * no groups.
 */
#define SEQSTATE_PEER_GROUPS	64	/* groups at most */
#define SEQSTATE_PEER_NETS	16	/* CIDRs per group at most */
#define SEQSTATE_PEER_PORTS	16	/* ports per group at most */
#define SEQSTATE_PEER_ALL_NETS	256	/* CIDRs of all groups at most */
#define SEQSTATE_PEER_NAME	32	/* bytes of a name at most */

struct seqstate_peer_net {
	struct in6_addr addr;		/* IPv4: in s6_addr32[0] */
	u8 family;			/* AF_INET or AF_INET6 */
	u8 plen;
};

struct seqstate_peer_group {
	char name[SEQSTATE_PEER_NAME + 1];
	u8 nr_nets, nr_ports;
	struct seqstate_peer_net nets[SEQSTATE_PEER_NETS];
	u16 ports[SEQSTATE_PEER_PORTS];
};

/* Into @groups (SEQSTATE_PEER_GROUPS of them): how many, or -EINVAL. */
int seqstate_parse_peer_groups(const char *buf, size_t len, struct seqstate_peer_group *groups);

#endif /* _SEQSTATE_PARSE_H */
