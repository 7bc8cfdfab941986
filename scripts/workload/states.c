// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: loopback sockets brought into chosen TCP states. hold makes them
 * and keeps them until a signal; simclose closes connections from both ends
 * at once, through CLOSING into TIME-WAIT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "seqload.h"

#define SIMCLOSE_MS	30000	/* simclose: wait for TIME-WAIT this long */

/* ---- hold ---- */

enum { H_LISTEN, H_EST, H_CW, H_FW2, H_TW, H_TWS, H_SYNSENT, H_UNACCEPTED, H_NR };

enum {
	O_LISTEN = 256, O_EST, O_CW, O_FW2, O_TW, O_SYNSENT, O_SYNRECV,
	O_READY, O_SECONDS, O_PORT, O_UNACCEPTED, O_TO, O_TWS,
};

static const struct option hold_longopts[] = {
	{ "listen",	 required_argument, NULL, O_LISTEN },
	{ "established", required_argument, NULL, O_EST },
	{ "close-wait",	 required_argument, NULL, O_CW },
	{ "fin-wait2",	 required_argument, NULL, O_FW2 },
	{ "time-wait",	 required_argument, NULL, O_TW },
	{ "syn-sent",	 required_argument, NULL, O_SYNSENT },
	{ "syn-recv",	 required_argument, NULL, O_SYNRECV },
	{ "ready-file",	 required_argument, NULL, O_READY },
	{ "seconds",	 required_argument, NULL, O_SECONDS },
	{ "port",	 required_argument, NULL, O_PORT },
	{ "unaccepted",	 required_argument, NULL, O_UNACCEPTED },
	{ "to",		 required_argument, NULL, O_TO },
	{ "time-wait-server", required_argument, NULL, O_TWS },
	{ NULL, 0, NULL, 0 },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleep @seconds (< 0: forever) or until SIGTERM/SIGINT. */
static void wait_signal(long seconds)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGALRM };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set, old;
	size_t i;

	if (seconds == 0)
		return;
	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&set, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, &old);
	if (seconds > 0)
		alarm(seconds);
	while (!stop)
		sigsuspend(&old);
}

static void hold_listen(int fam, long n)
{
	long i;

	for (i = 0; i < n; i++)
		wait_state(make_listener(fam, NULL, 0), TCP_LISTEN, "listen");
}

/*
 * Pairs come from a listener of their own for every LISTENER_PAIRS of them: connect()
 * looks for a local port not yet used towards that destination, a search that grows with
 * the connections to it (50,000 pairs on one listener took over 300 s under TCG).
 */
#define LISTENER_PAIRS	1000

struct pairs {
	int fam, lfd;
	long made, port;		/* port: one listener on it, for every pair */
	const char *to;			/* the clients' destination; NULL: loopback */
	struct sockaddr_storage sa;
	socklen_t len;
};

static void next_pair(struct pairs *p, int *cfd, int *sfd)
{
	if (p->port ? p->lfd < 0 : !(p->made % LISTENER_PAIRS)) {
		if (p->lfd >= 0)
			close(p->lfd);
		p->lfd = make_listener(p->fam, p->to, p->port);
		p->len = fill_addr(&p->sa, p->fam, p->to, local_port(p->lfd));
	}
	p->made++;
	make_pair(p->lfd, &p->sa, p->len, cfd, sfd);
}

/*
 * Client shutdown(SHUT_WR): server CLOSE_WAIT, client FIN_WAIT2 once the FIN
 * is acked. That ACK is delayed, so check all pairs after creating them.
 */
static void hold_close_wait(struct pairs *p, long n)
{
	int *fd = calloc(2 * n, sizeof(*fd));
	long i;

	if (!fd)
		die("out of memory");
	for (i = 0; i < n; i++) {
		next_pair(p, &fd[2 * i], &fd[2 * i + 1]);
		if (shutdown(fd[2 * i], SHUT_WR))
			die("shutdown: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		wait_state(fd[2 * i + 1], TCP_CLOSE_WAIT, "close-wait server");
		wait_state(fd[2 * i], TCP_FIN_WAIT2, "close-wait client");
	}
	free(fd);
}

/*
 * Connected pairs; all their fds stay open until exit except time-wait. With @port, their
 * listener is on it and stays open, with @cnt[H_UNACCEPTED] connections it never accepts.
 */
static void hold_pairs(int fam, const long *cnt, long port, const char *to)
{
	struct pairs p = { .fam = fam, .lfd = -1, .port = port, .to = to };
	int cfd, sfd;
	long i;

	for (i = 0; i < cnt[H_EST]; i++) {
		next_pair(&p, &cfd, &sfd);
		wait_state(cfd, TCP_ESTABLISHED, "established client");
		wait_state(sfd, TCP_ESTABLISHED, "established server");
	}
	hold_close_wait(&p, cnt[H_CW]);
	for (i = 0; i < cnt[H_TW]; i++) {
		next_pair(&p, &cfd, &sfd);
		close(cfd);		/* client is the active closer */
		drain(sfd);
		wait_state(sfd, TCP_CLOSE_WAIT, "time-wait server");
		close(sfd);		/* LAST_ACK -> client in TIME-WAIT */
	}
	for (i = 0; i < cnt[H_TWS]; i++) {
		next_pair(&p, &cfd, &sfd);
		close(sfd);		/* the server is the active closer */
		drain(cfd);
		wait_state(cfd, TCP_CLOSE_WAIT, "time-wait-server client");
		close(cfd);		/* LAST_ACK -> server in TIME-WAIT */
	}
	if (!port) {
		if (p.lfd >= 0)
			close(p.lfd);
		return;
	}
	if (p.lfd < 0) {
		p.lfd = make_listener(fam, to, port);
		p.len = fill_addr(&p.sa, fam, to, port);
	}
	for (i = 0; i < cnt[H_UNACCEPTED]; i++) {
		cfd = xsocket(fam, SOCK_STREAM, 0);
		xconnect(cfd, &p.sa, p.len);
		wait_state(cfd, TCP_ESTABLISHED, "unaccepted client");
	}
}

static void hold_syn_sent(int fam, const char *addr, long n)
{
	struct sockaddr_storage sa;
	socklen_t len = fill_addr(&sa, fam, addr, 9);
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = xsocket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (!connect(fd, (struct sockaddr *)&sa, len) || errno != EINPROGRESS)
			die("syn-sent: connect %s port 9: %s", addr,
			    errno ? strerror(errno) : "connected");
		wait_state(fd, TCP_SYN_SENT, "syn-sent");
	}
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, "ready\n", 6) != 6)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

int cmd_hold(int argc, char **argv)
{
	const char *addr = NULL, *ready_file = NULL, *to = NULL;
	long h[H_NR] = { 0 }, seconds = -1, port = 0;
	bool ipv6 = false;
	int fam;
	const struct opt_def defs[] = {
		OPT_NUM(O_LISTEN, &h[H_LISTEN], 0, INT_MAX),
		OPT_NUM(O_EST, &h[H_EST], 0, INT_MAX),
		OPT_NUM(O_CW, &h[H_CW], 0, INT_MAX),
		OPT_NUM(O_FW2, &h[H_FW2], 0, INT_MAX),
		OPT_NUM(O_TW, &h[H_TW], 0, INT_MAX),
		OPT_NUM(O_SYNSENT, &h[H_SYNSENT], 0, INT_MAX),
		{ .c = O_SYNRECV, .err = "syn-recv: use synflood" },
		OPT_STR(O_READY, &ready_file),
		OPT_NUM(O_SECONDS, &seconds, 0, INT_MAX),
		OPT_NUM(O_PORT, &port, 1, 65535),
		OPT_NUM(O_UNACCEPTED, &h[H_UNACCEPTED], 0, INT_MAX),
		OPT_NUM(O_TWS, &h[H_TWS], 0, INT_MAX),
		OPT_STR(O_TO, &to),
		OPT_STR('a', &addr), OPT_FLAG('6', &ipv6), { 0 },
	};

	parse_opts(argc, argv, "a:6", hold_longopts, defs, false);
	fam = family(ipv6);
	h[H_CW] += h[H_FW2];

	if (h[H_SYNSENT] && !addr)
		usage_err("hold: --syn-sent needs -a ADDR");
	if (h[H_UNACCEPTED] && !port)
		usage_err("hold: --unaccepted needs --port P");
	raise_nofile();
	hold_listen(fam, h[H_LISTEN]);
	if (h[H_EST] || h[H_CW] || h[H_TW] || h[H_TWS] || port)
		hold_pairs(fam, h, port, to);
	if (h[H_SYNSENT])
		hold_syn_sent(fam, addr, h[H_SYNSENT]);
	printf("ready\n");
	if (ready_file)
		touch(ready_file);
	wait_signal(seconds);
	return 0;	/* exit() closes every socket */
}

/* ---- simclose ---- */

/* glibc has no struct in6_ifreq; uapi linux/ipv6.h clashes with netinet/in.h. */
struct in6_ifreq {
	struct in6_addr ifr6_addr;
	uint32_t ifr6_prefixlen;
	int ifr6_ifindex;
};

static void set_lo_up(bool up)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = xsocket(AF_INET, SOCK_DGRAM, 0);

	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("simclose: SIOCGIFFLAGS lo: %s", strerror(errno));
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("simclose: SIOCSIFFLAGS lo %s: %s", up ? "up" : "down", strerror(errno));
	close(fd);
}

/* Is there a route to the loopback address (connect a UDP socket)? */
static bool lo_routable(int fam)
{
	struct sockaddr_storage sa;
	socklen_t len = fill_addr(&sa, fam, NULL, 9);
	int fd = xsocket(fam, SOCK_DGRAM, 0);
	bool ok = !connect(fd, (struct sockaddr *)&sa, len);

	close(fd);
	return ok;
}

/*
 * lo down deletes ::1 and its route (keep_addr_on_down does not apply to
 * lo), lo up adds them back; if that did not happen, add ::1/128 by hand.
 * 127.0.0.1 and its local routes stay while lo is down (seen on 6.18).
 */
static void add_lo6(void)
{
	struct in6_ifreq ifr6 = { .ifr6_addr = IN6ADDR_LOOPBACK_INIT, .ifr6_prefixlen = 128 };
	int fd = xsocket(AF_INET6, SOCK_DGRAM, 0);

	ifr6.ifr6_ifindex = if_nametoindex("lo");
	if (!ifr6.ifr6_ifindex)
		die("simclose: interface lo: %s", strerror(errno));
	if (ioctl(fd, SIOCSIFADDR, &ifr6) && errno != EEXIST)
		die("simclose: SIOCSIFADDR ::1: %s", strerror(errno));
	close(fd);
}

/* Wait up to 1 s for the loopback route (re-adding ::1 once if needed). */
static void wait_lo_route(int fam)
{
	bool added = false;
	int i;

	for (i = 0; !lo_routable(fam); i++) {
		if (i == 100 && fam == AF_INET6 && !added) {
			add_lo6();
			added = true;
			i = 0;
		} else if (i == 100) {
			die("simclose: no route to %s after lo up",
			    fam == AF_INET6 ? "::1" : "127.0.0.1");
		}
		usleep(10000);
	}
}

/* The states of the sockets in @fd, counted: "FIN_WAIT1=3 CLOSING=1". */
static void fmt_states(char *buf, size_t len, const int *fd, long nfd)
{
	long cnt[TCP_STATE_NR] = { 0 };
	size_t i, off = 0;
	long j;

	for (j = 0; j < nfd; j++)
		cnt[tcp_state(fd[j])]++;
	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(cnt) && off < len; i++)
		if (cnt[i])
			off += snprintf(buf + off, len - off, "%s%s=%ld", off ? " " : "",
					tcp_name(i), cnt[i]);
}

/*
 * Poll every 10 ms until all sockets are in TIME_WAIT or CLOSE (a socket
 * reports CLOSE once its TIME-WAIT minisock took over); count those seen
 * in CLOSING on the way.
 */
static long wait_time_wait(const int *fd, long nfd)
{
	long deadline = now_ms() + SIMCLOSE_MS, seen = 0, done, i;
	bool *closing = calloc(nfd, sizeof(*closing));
	char b[256];
	int st;

	if (!closing)
		die("out of memory");
	for (;;) {
		for (done = 0, i = 0; i < nfd; i++) {
			st = tcp_state(fd[i]);
			if (st == TCP_CLOSING && !closing[i]) {
				closing[i] = true;
				seen++;
			}
			done += st == TCP_TIME_WAIT || st == TCP_CLOSE;
		}
		if (done == nfd)
			break;
		if (now_ms() > deadline) {
			fmt_states(b, sizeof(b), fd, nfd);
			die("simclose: timeout after %d s, %ld of %ld sockets done: %s",
			    SIMCLOSE_MS / 1000, done, nfd, b);
		}
		usleep(10000);
	}
	free(closing);
	return seen;
}

int cmd_simclose(int argc, char **argv)
{
	struct sockaddr_storage sa;
	long n = -1, n2, seen, i;
	bool ipv6 = false;
	int lfd, *fd, fam;
	socklen_t len;
	const struct opt_def defs[] = { OPT_COUNT(&n), OPT_FLAG('6', &ipv6), { 0 } };

	parse_opts(argc, argv, "n:6", NULL, defs, false);
	if (n < 0)
		usage_err("simclose: -n N is required");
	fam = family(ipv6);
	n2 = 2 * n;
	fd = calloc(n2, sizeof(*fd));
	if (!fd)
		die("out of memory");
	raise_nofile();
	lfd = make_listener(fam, NULL, 0);
	len = fill_addr(&sa, fam, NULL, local_port(lfd));
	for (i = 0; i < n; i++)
		make_pair(lfd, &sa, len, &fd[2 * i], &fd[2 * i + 1]);
	close(lfd);

	/*
	 * With lo down no FIN gets through (IPv4: dropped by the qdisc, IPv6:
	 * no route), every socket stays in FIN_WAIT1; a die() from here on
	 * leaves lo down. Back up, the FINs go out again on their timers,
	 * ~200 ms after the shutdown, and cross.
	 */
	set_lo_up(false);
	for (i = 0; i < n2; i++) {
		if (shutdown(fd[i], SHUT_WR))
			die("simclose: shutdown: %s", strerror(errno));
		wait_state(fd[i], TCP_FIN_WAIT1, "simclose");
	}
	set_lo_up(true);
	wait_lo_route(fam);

	seen = wait_time_wait(fd, n2);
	for (i = 0; i < n2; i++)
		close(fd[i]);
	free(fd);
	printf("simclose pairs=%ld seen_closing=%ld\n", n, seen);
	return 0;
}
