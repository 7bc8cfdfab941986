// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: addresses and sockets, the helpers the workloads share. Each dies
 * with a message on an error: a workload has nothing to fall back to.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "seqload.h"

#define BACKLOG		4096

static const char *const tcp_names[TCP_STATE_NR] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

const char *tcp_name(int state)
{
	return tcp_names[state];
}

/* The socket's TCP state, 0 for one this tool has no name for. */
int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		die("getsockopt TCP_INFO: %s", strerror(errno));
	return ti.tcpi_state < TCP_STATE_NR ? ti.tcpi_state : 0;
}

/* The IP address inside a sockaddr_in or sockaddr_in6. */
void *sa_ip(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((struct sockaddr_in6 *)ss)->sin6_addr;
	return &((struct sockaddr_in *)ss)->sin_addr;
}

/* sin_port and sin6_port share their offset. */
static unsigned int sa_port(struct sockaddr_storage *ss)
{
	return ntohs(((struct sockaddr_in *)ss)->sin_port);
}

/* Fill @ss with address @s (NULL: loopback) and @port, return its length. */
socklen_t fill_addr(struct sockaddr_storage *ss, int fam, const char *s, long port)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = fam;
	((struct sockaddr_in *)ss)->sin_port = htons(port);
	if (!s)
		s = fam == AF_INET6 ? "::1" : "127.0.0.1";
	if (inet_pton(fam, s, sa_ip(ss)) != 1)
		usage_err("bad IPv%d address '%s'", fam == AF_INET6 ? 6 : 4, s);
	return fam == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void fmt_ip(char *buf, size_t len, int fam, const void *ip, unsigned int port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(fam, ip, a, sizeof(a));
	snprintf(buf, len, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

void fmt_sa(char *buf, size_t len, struct sockaddr_storage *ss)
{
	fmt_ip(buf, len, ss->ss_family, sa_ip(ss), sa_port(ss));
}

int xsocket(int fam, int type, int proto)
{
	int fd = socket(fam, type, proto);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

void xsetsockopt(int fd, int level, int opt, int val, const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die("setsockopt %s: %s", what, strerror(errno));
}

void xconnect(int fd, struct sockaddr_storage *sa, socklen_t len)
{
	char b[64];

	if (connect(fd, (const struct sockaddr *)sa, len)) {
		fmt_sa(b, sizeof(b), sa);
		die("connect %s: %s", b, strerror(errno));
	}
}

int xaccept(int lfd, struct sockaddr_storage *peer)
{
	socklen_t len = sizeof(*peer);
	int fd;

	do {
		fd = accept(lfd, (struct sockaddr *)peer, &len);
	} while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
	if (fd < 0)
		die("accept: %s", strerror(errno));
	return fd;
}

int make_listener(int fam, const char *addr, long port)
{
	struct sockaddr_storage ss;
	socklen_t len = fill_addr(&ss, fam, addr, port);
	int fd = xsocket(fam, SOCK_STREAM, 0);

	xsetsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind port %ld: %s", port, strerror(errno));
	if (listen(fd, BACKLOG))
		die("listen: %s", strerror(errno));
	return fd;
}

/* One connection to listener @lfd at @sa: its client and server ends. */
void make_pair(int lfd, struct sockaddr_storage *sa, socklen_t len, int *cfd, int *sfd)
{
	struct sockaddr_storage peer;

	*cfd = xsocket(sa->ss_family, SOCK_STREAM, 0);
	xconnect(*cfd, sa, len);
	*sfd = xaccept(lfd, &peer);
}

void sock_name(int fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	if (getsockname(fd, (struct sockaddr *)ss, &len))
		die("getsockname: %s", strerror(errno));
}

int local_port(int fd)
{
	struct sockaddr_storage ss;

	sock_name(fd, &ss);
	return sa_port(&ss);
}

/* Poll TCP_INFO for up to 2 seconds until the socket reaches @want. */
void wait_state(int fd, int want, const char *what)
{
	int i, st = 0;

	for (i = 0; i < 2000; i++) {
		st = tcp_state(fd);
		if (st == want)
			return;
		usleep(1000);
	}
	die("%s: socket in %s, expected %s", what, tcp_name(st), tcp_name(want));
}

/* Read until EOF or error (a reset peer is fine). */
void drain(int fd)
{
	char buf[256];
	ssize_t r;

	do {
		r = read(fd, buf, sizeof(buf));
	} while (r > 0 || (r < 0 && errno == EINTR));
}

/* Room for as many sockets as the hard limit allows. */
void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}
