// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: TCP below the socket API. synflood sends raw SYNs from any source
 * address; capture prints the SYNs and SYN-ACKs an interface sees, with
 * their sequence numbers (the ISNs), from an AF_PACKET socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seqload.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

#define SYN_LEN		24	/* TCP header + MSS option */
#define FLOOD_SPORT	10000

/* ---- synflood ---- */

static uint32_t rand32(void)
{
	return (uint32_t)random() << 1 ^ (uint32_t)random();
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* Build a SYN with an MSS option and its checksum over the pseudo-header. */
static void build_syn(uint8_t *p, int sport, int dport, const void *src,
		      const void *dst, size_t alen)
{
	struct tcphdr *th = (struct tcphdr *)p;
	uint32_t sum = IPPROTO_TCP + SYN_LEN;

	memset(p, 0, SYN_LEN);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(rand32());
	th->doff = SYN_LEN / 4;
	th->syn = 1;
	th->window = htons(64240);
	p[20] = 2;		/* MSS 1460 */
	p[21] = 4;
	p[22] = 1460 >> 8;
	p[23] = 1460 & 0xff;
	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	th->check = csum_fold(csum_add(sum, p, SYN_LEN));
}

static void build_ip4(uint8_t *p, const struct in_addr *src, const struct in_addr *dst)
{
	struct iphdr *ip = (struct iphdr *)p;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = sizeof(*ip) / 4;
	ip->tot_len = htons(sizeof(*ip) + SYN_LEN);
	ip->id = htons(rand32() & 0xffff);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = src->s_addr;
	ip->daddr = dst->s_addr;
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));
}

static int flood_socket(int fam, const struct sockaddr_storage *src)
{
	socklen_t len = fam == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
	int fd;

	if (fam == AF_INET) {
		fd = xsocket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		xsetsockopt(fd, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL");
		return fd;
	}
	/* The kernel builds the IPv6 header; bind fixes its source. */
	fd = xsocket(AF_INET6, SOCK_RAW, IPPROTO_TCP);
	xsetsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1, "IPV6_FREEBIND");
	if (bind(fd, (const struct sockaddr *)src, len))
		die("bind raw socket to source: %s", strerror(errno));
	return fd;
}

static void xsendto(int fd, const void *buf, size_t len,
		    const struct sockaddr_storage *dst, socklen_t dlen)
{
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (sendto(fd, buf, len, 0, (const struct sockaddr *)dst, dlen) == (ssize_t)len)
			return;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			break;
		usleep(1000);
	}
	die("sendto: %s", strerror(errno));
}

int cmd_synflood(int argc, char **argv)
{
	uint8_t pkt[sizeof(struct iphdr) + SYN_LEN];
	const char *daddr = NULL, *saddr = NULL;
	struct sockaddr_storage dst, src;
	long port = -1, n = -1, i;
	bool ipv6 = false;
	size_t hl, alen;
	socklen_t dlen;
	int fd;
	const struct opt_def defs[] = {
		OPT_STR('a', &daddr), OPT_PORT(&port), OPT_STR('s', &saddr),
		OPT_COUNT(&n), OPT_FLAG('6', &ipv6), { 0 },
	};

	parse_opts(argc, argv, "a:p:s:n:6", NULL, defs, false);
	if (!daddr || !saddr || port < 0 || n < 0)
		usage_err("synflood: -a DST -p PORT -s SRC -n COUNT are required");
	hl = ipv6 ? 0 : sizeof(struct iphdr);
	alen = ipv6 ? 16 : 4;
	dlen = fill_addr(&dst, family(ipv6), daddr, 0);
	fill_addr(&src, family(ipv6), saddr, 0);
	srandom(time(NULL) ^ getpid());
	fd = flood_socket(family(ipv6), &src);
	for (i = 0; i < n; i++) {
		build_syn(pkt + hl, FLOOD_SPORT + i % (65536 - FLOOD_SPORT), port,
			  sa_ip(&src), sa_ip(&dst), alen);
		if (hl)
			build_ip4(pkt, sa_ip(&src), sa_ip(&dst));
		xsendto(fd, pkt, hl + SYN_LEN, &dst, dlen);
	}
	printf("synflood sent=%ld\n", n);
	close(fd);
	return 0;
}

/* ---- capture ---- */

struct syn {
	uint8_t src[16], dst[16];
	unsigned int sport, dport;
	uint32_t seq, ack;
	bool is_ack;
};

static bool parse_tcp(const uint8_t *p, size_t len, long port, struct syn *s)
{
	const struct tcphdr *th = (const struct tcphdr *)p;

	if (len < sizeof(*th) || !th->syn)
		return false;
	s->sport = ntohs(th->source);
	s->dport = ntohs(th->dest);
	if (s->sport != port && s->dport != port)
		return false;
	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack_seq);
	s->is_ack = th->ack;
	return true;
}

static bool parse_pkt(const uint8_t *p, size_t len, int fam, long port, struct syn *s)
{
	const struct ip6_hdr *ip6 = (const struct ip6_hdr *)p;
	const struct iphdr *ip = (const struct iphdr *)p;
	size_t hl;

	if (fam == AF_INET6) {
		if (len < sizeof(*ip6) || (ip6->ip6_vfc >> 4) != 6 ||
		    ip6->ip6_nxt != IPPROTO_TCP)
			return false;
		memcpy(s->src, &ip6->ip6_src, 16);
		memcpy(s->dst, &ip6->ip6_dst, 16);
		return parse_tcp(p + sizeof(*ip6), len - sizeof(*ip6), port, s);
	}
	if (len < sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_TCP)
		return false;
	hl = ip->ihl * 4;
	if (hl < sizeof(*ip) || hl > len || (ntohs(ip->frag_off) & 0x1fff))
		return false;
	memcpy(s->src, &ip->saddr, 4);
	memcpy(s->dst, &ip->daddr, 4);
	return parse_tcp(p + hl, len - hl, port, s);
}

static int open_capture(const char *ifname)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	int fd;

	ll.sll_protocol = htons(ETH_P_ALL);
	ll.sll_ifindex = if_nametoindex(ifname);
	if (!ll.sll_ifindex)
		die("capture: interface %s: %s", ifname, strerror(errno));
	/* Protocol 0 until bind, so nothing from other interfaces queues up. */
	fd = xsocket(AF_PACKET, SOCK_DGRAM, 0);
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll)))
		die("capture: bind %s: %s", ifname, strerror(errno));
	xsetsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
	return fd;
}

static void pkt_time(struct msghdr *mh, struct timespec *ts)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(ts, CMSG_DATA(cm), sizeof(*ts));
			return;
		}
	}
	clock_gettime(CLOCK_REALTIME, ts);
}

/* Receive one packet; print it and return true if it is a wanted SYN. */
static bool capture_one(int fd, int fam, long port)
{
	uint8_t buf[256] __attribute__((aligned(8)));
	char ctl[256] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct sockaddr_ll ll;
	struct msghdr mh = {
		.msg_name = &ll, .msg_namelen = sizeof(ll), .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	char s[64], d[64];
	struct timespec ts;
	struct syn syn;
	ssize_t r;

	r = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		die("capture: recvmsg: %s", strerror(errno));
	}
	/* Loopback shows every packet twice: once outgoing, once incoming. */
	if (ll.sll_hatype == ARPHRD_LOOPBACK && ll.sll_pkttype == PACKET_OUTGOING)
		return false;
	if (!parse_pkt(buf, r, fam, port, &syn))
		return false;
	pkt_time(&mh, &ts);
	fmt_ip(s, sizeof(s), fam, syn.src, syn.sport);
	fmt_ip(d, sizeof(d), fam, syn.dst, syn.dport);
	printf("syn family=%d src=%s dst=%s seq=%u ack=%u flags=%s ts=%lld.%09ld\n",
	       fam == AF_INET6 ? 6 : 4, s, d, syn.seq, syn.ack,
	       syn.is_ack ? "SA" : "S", (long long)ts.tv_sec, (long)ts.tv_nsec);
	return true;
}

int cmd_capture(int argc, char **argv)
{
	long port = -1, n = -1, timeout = 30, got = 0, deadline, left;
	const char *ifname = NULL;
	struct pollfd pfd;
	bool ipv6 = false;
	const struct opt_def defs[] = {
		OPT_STR('i', &ifname), OPT_PORT(&port), OPT_COUNT(&n),
		OPT_NUM('t', &timeout, 1, 100000), OPT_FLAG('6', &ipv6), { 0 },
	};

	parse_opts(argc, argv, "i:p:n:t:6", NULL, defs, false);
	deadline = now_ms() + timeout * 1000L;
	if (!ifname || port < 0 || n < 0)
		usage_err("capture: -i IFNAME -p PORT -n COUNT are required");
	pfd.fd = open_capture(ifname);
	pfd.events = POLLIN;
	printf("capture ready\n");
	while (got < n) {
		left = deadline - now_ms();
		if (left <= 0)
			die("capture: timeout after %ld s (%ld of %ld SYNs seen)",
			    timeout, got, n);
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) < 0 && errno != EINTR)
			die("capture: poll: %s", strerror(errno));
		if (pfd.revents & POLLIN)
			got += capture_one(pfd.fd, family(ipv6), port);
	}
	close(pfd.fd);
	return 0;
}
