// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for what root writes to seqstate's files (parse.h; the ISN key's in
 * include/seqstate/isn.h). Whatever they reject changes nothing: callers parse before they
 * take a lock or touch any state.
 */
#include <linux/ctype.h>
#include <linux/export.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <seqstate/isn.h>
#include "compat.h"
#include "parse.h"

/*
 * A load-time switch: "0" or "1" and nothing else (param_set_bool() takes "yes", "on",
 * "1junk"). An insmod argument is a C string: strlen() is all of it.
 */
static int seqstate_switch_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (seqstate_parse_uint(val, strlen(val), 1, &v)) {
		pr_info_ratelimited(KBUILD_MODNAME ": %s takes 0 or 1\n", kp->name);
		return -EINVAL;
	}
	*(bool *)kp->arg = v;
	return 0;
}

const struct kernel_param_ops seqstate_param_switch = {
	.set = seqstate_switch_set,
	.get = param_get_bool,
};

/* @len without the one newline that may end the input. */
static size_t seqstate_strip_newline(const char *buf, size_t len)
{
	return len && buf[len - 1] == '\n' ? len - 1 : len;
}

static int seqstate_parse_digits(const char *s, size_t len, unsigned int max,
				 unsigned int *val)
{
	char digits[11];	/* UINT_MAX has 10 */
	unsigned int v;
	size_t i;

	if (!len || len >= sizeof(digits))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isdigit(s[i]))
			return -EINVAL;
	if (s[0] == '0' && len > 1)	/* one way to write each number */
		return -EINVAL;
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (kstrtouint(digits, 10, &v) || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

int seqstate_parse_uint(const char *buf, size_t len, unsigned int max, unsigned int *val)
{
	return seqstate_parse_digits(buf, seqstate_strip_newline(buf, len), max, val);
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_parse_uint);

/* One address, the whole of s[0..len): 4 or 6 by its form, else 0. */
static int seqstate_parse_addr(const char *s, size_t len, struct in6_addr *a)
{
	const char *end;

	memset(a, 0, sizeof(*a));
	if (in4_pton(s, len, (u8 *)&a->s6_addr32[0], -1, &end) && end == s + len)
		return AF_INET;
	if (in6_pton(s, len, a->s6_addr, -1, &end) && end == s + len)
		return AF_INET6;
	return 0;
}

int seqstate_parse_tuple(const char *buf, size_t len, struct seqstate_tuple *t)
{
	const char *field[4], *p = buf, *sp;
	size_t flen[4];
	unsigned int port;
	int i, lfam, rfam;

	len = seqstate_strip_newline(buf, len);
	/* Four fields, split at single spaces. */
	for (i = 0; i < 4; i++) {
		sp = memchr(p, ' ', buf + len - p);
		if (i < 3 ? !sp : !!sp)
			return -EINVAL;
		field[i] = p;
		flen[i] = (sp ?: buf + len) - p;
		if (!flen[i])
			return -EINVAL;
		if (sp)
			p = sp + 1;
	}
	lfam = seqstate_parse_addr(field[0], flen[0], &t->laddr);
	rfam = seqstate_parse_addr(field[2], flen[2], &t->raddr);
	if (!lfam || lfam != rfam)
		return -EINVAL;
	t->family = lfam;
	if (seqstate_parse_digits(field[1], flen[1], U16_MAX, &port))
		return -EINVAL;
	t->lport = htons(port);
	if (seqstate_parse_digits(field[3], flen[3], U16_MAX, &port))
		return -EINVAL;
	t->rport = htons(port);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_parse_tuple);

/* The fields of s[0..len) between separators, empty ones included: one or more. */
struct seqstate_fields {
	const char *p, *end;
	bool done;
};

static void seqstate_fields_init(struct seqstate_fields *it, const char *s, size_t len)
{
	it->p = s;
	it->end = s + len;
	it->done = false;
}

static bool seqstate_field(struct seqstate_fields *it, char sep, const char **f, size_t *flen)
{
	const char *e;

	if (it->done)
		return false;
	e = memchr(it->p, sep, it->end - it->p);
	if (!e) {
		e = it->end;
		it->done = true;
	}
	*f = it->p;
	*flen = e - it->p;
	it->p = e + 1;
	return true;
}

/* "ADDR[/LEN]" with no host bits set. */
static int seqstate_parse_cidr(const char *s, size_t len, struct seqstate_peer_net *n)
{
	const char *slash = memchr(s, '/', len);
	struct in6_addr masked;
	unsigned int plen;
	int fam;

	fam = seqstate_parse_addr(s, slash ? slash - s : len, &n->addr);
	if (!fam)
		return -EINVAL;
	plen = fam == AF_INET ? 32 : 128;
	if (slash && seqstate_parse_digits(slash + 1, s + len - slash - 1, plen, &plen))
		return -EINVAL;
	ipv6_addr_prefix(&masked, &n->addr, plen);
	if (!ipv6_addr_equal(&masked, &n->addr))
		return -EINVAL;
	n->family = fam;
	n->plen = plen;
	return 0;
}

static bool seqstate_peer_name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > SEQSTATE_PEER_NAME)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(s[i]) && !isdigit(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* One line, "NAME CIDR[,CIDR...] [PORT[,PORT...]]", into @g. */
static int seqstate_parse_peer_group(const char *s, size_t len, struct seqstate_peer_group *g)
{
	struct seqstate_fields line, list;
	const char *f[4], *item;
	size_t flen[4], ilen;
	unsigned int port;
	int n = 0;

	memset(g, 0, sizeof(*g));
	seqstate_fields_init(&line, s, len);
	while (n < 4 && seqstate_field(&line, ' ', &f[n], &flen[n]))
		n++;
	if (n < 2 || n > 3 || !seqstate_peer_name_ok(f[0], flen[0]))
		return -EINVAL;
	memcpy(g->name, f[0], flen[0]);
	seqstate_fields_init(&list, f[1], flen[1]);
	while (seqstate_field(&list, ',', &item, &ilen))
		if (g->nr_nets == SEQSTATE_PEER_NETS ||
		    seqstate_parse_cidr(item, ilen, &g->nets[g->nr_nets++]))
			return -EINVAL;
	if (n < 3)
		return 0;
	seqstate_fields_init(&list, f[2], flen[2]);
	while (seqstate_field(&list, ',', &item, &ilen)) {
		if (g->nr_ports == SEQSTATE_PEER_PORTS ||
		    seqstate_parse_digits(item, ilen, U16_MAX, &port) || !port)
			return -EINVAL;
		g->ports[g->nr_ports++] = port;
	}
	return 0;
}

int seqstate_parse_peer_groups(const char *buf, size_t len, struct seqstate_peer_group *groups)
{
	unsigned int n = 0, nets = 0, i;
	struct seqstate_fields lines;
	const char *line;
	size_t llen;

	len = seqstate_strip_newline(buf, len);
	if (!len)
		return 0;
	seqstate_fields_init(&lines, buf, len);
	while (seqstate_field(&lines, '\n', &line, &llen)) {
		if (n == SEQSTATE_PEER_GROUPS || seqstate_parse_peer_group(line, llen, &groups[n]))
			return -EINVAL;
		nets += groups[n].nr_nets;
		for (i = 0; i < n; i++)
			if (!strcmp(groups[i].name, groups[n].name))
				return -EINVAL;
		n++;
	}
	return nets > SEQSTATE_PEER_ALL_NETS ? -EINVAL : n;
}
EXPORT_SYMBOL_IF_KUNIT(seqstate_parse_peer_groups);

/* An ISN key (include/seqstate/isn.h): 32 hex digits, byte i of the key is hex pair i. */
int seqstate_isn_parse_key(const char *buf, size_t len, siphash_key_t *key)
{
	__le64 words[2];

	len = seqstate_strip_newline(buf, len);
	if (len != 2 * sizeof(words) || hex2bin((u8 *)words, buf, sizeof(words)))
		return -EINVAL;
	/* SipHash reads its key as two little-endian words. */
	key->key[0] = le64_to_cpu(words[0]);
	key->key[1] = le64_to_cpu(words[1]);
	memzero_explicit(words, sizeof(words));
	return 0;
}
EXPORT_SYMBOL_GPL(seqstate_isn_parse_key);
