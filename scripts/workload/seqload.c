// SPDX-License-Identifier: GPL-2.0
/*
 * seqload - TCP workload generator for the seqstate tests.
 *
 * One static binary for the busybox test guest: loopback connection churn,
 * sockets held in chosen TCP states, raw SYN floods, a small SYN/SYN-ACK
 * capture on an AF_PACKET socket, and plain connect/listen helpers.
 *
 * Build: gcc -O2 -Wall -Wextra -static -pthread -o seqload seqload.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

#define BACKLOG		4096
#define SIMCLOSE_MS	30000	/* simclose: wait for TIME-WAIT this long */
#define SYN_LEN		24	/* TCP header + MSS option */
#define FLOOD_SPORT	10000

static const char usage_text[] =
"usage: seqload <command> [options]\n"
"  churn -n N [-t THREADS] [-p PORT] [-r] [-6]\n"
"      N loopback connections from THREADS (1) client threads: connect,\n"
"      write 1 byte, client closes first (TIME-WAIT on the client side);\n"
"      -r: close with SO_LINGER {1,0} (RST, no TIME-WAIT)\n"
"  hold [--listen N] [--established N] [--close-wait N] [--fin-wait2 N]\n"
"       [--time-wait N] [--syn-sent N -a ADDR] [--ready-file PATH]\n"
"       [--seconds S] [-6]\n"
"      create loopback sockets in TCP states, print \"ready\" (and create\n"
"      PATH), sleep S seconds (default: until SIGTERM/SIGINT), exit\n"
"        --listen N       N LISTEN sockets on distinct ephemeral ports\n"
"        --established N  N connections (2N ESTABLISHED sockets)\n"
"        --close-wait N   N connections, client did shutdown(SHUT_WR):\n"
"                         N CLOSE-WAIT (server) + N FIN-WAIT-2 (client)\n"
"        --fin-wait2 N    alias of --close-wait (the two counts add up)\n"
"        --time-wait N    N connections closed by the client first:\n"
"                         N TIME-WAIT (they live 60s, independent of S)\n"
"        --syn-sent N     N non-blocking connects to ADDR port 9, which\n"
"                         must blackhole SYNs (--syn-recv: use synflood)\n"
"      the helper listener for connections is closed before \"ready\"\n"
"  synflood -a DST -p PORT -s SRC -n COUNT [-6]\n"
"      COUNT raw SYNs SRC:10000+i -> DST:PORT, random ISN; SRC may be\n"
"      a non-local address\n"
"  capture -i IFNAME -p PORT -n COUNT [-t TIMEOUT_S] [-6]\n"
"      print \"capture ready\", then each SYN or SYN-ACK to/from PORT (IPv4,\n"
"      IPv6 with -6) until COUNT were seen or TIMEOUT_S (30) expired:\n"
"      syn family=4|6 src=A:P dst=A:P seq=U32 ack=U32 flags=S|SA ts=SEC.NSEC\n"
"  connect -a ADDR -p PORT [-n N] [-6]\n"
"      N (1) connects, printing: connected local=A:P remote=A:P\n"
"  listen -p PORT [-n N] [-a ADDR] [-6]\n"
"      listen on ADDR (any), print: listening port=P; accept and close N (1)\n"
"      connections, printing: accepted remote=A:P\n"
"  listenstorm -n N -t THREADS -p PORT [-6]\n"
"      THREADS threads, N rounds each: a socket with SO_REUSEPORT binds PORT,\n"
"      listens, every third round disconnects (connect AF_UNSPEC) and listens\n"
"      again, and closes; prints: listenstorm listens=L\n"
"  readfile -n K FILE...\n"
"      K times: open, read to EOF and close each FILE, print:\n"
"      readfile runs=K us_per_run=X.X bytes=B (B: bytes read in the last run)\n"
"  time -n K -- CMD [ARGS...]\n"
"      run CMD K times, stdout and stderr to /dev/null; fail if a run exits\n"
"      non-zero, else print: time runs=K us_per_run=X.X\n"
"  simclose -n N [-6]\n"
"      N loopback connections closed simultaneously: take lo down,\n"
"      shutdown(SHUT_WR) both ends (FIN-WAIT-1), bring lo up; the FINs cross\n"
"      (CLOSING) and all 2N sockets end in TIME-WAIT (timeout 30s); needs\n"
"      CAP_NET_ADMIN, run it in a netns of its own (unshare -n, lo up); print:\n"
"      simclose pairs=N seen_closing=M (M: sockets seen in CLOSING)\n"
"  badwrites -n N -k KIND FILE\n"
"      N malformed writes to FILE, each in one write(2) at offset 0: empty,\n"
"      oversized (up to 3 pages), partial, binary, signs, overflow,\n"
"      whitespace forms, valid values with junk. KIND (key, bool, uint,\n"
"      query) adds malformed forms of that file's format. Every write must\n"
"      fail with EINVAL (sysfs hands a file the first page of a longer\n"
"      write; an empty write must return 0); prints:\n"
"      badwrites n=N EINVAL=A empty=B\n"
"  try read|write FILE [DATA]\n"
"      open FILE and read it, or write DATA in one write(2); print \"ok\" or\n"
"      the errno's name (EACCES, ...), exit 0 either way\n"
"  asuser UID CMD [ARGS...]\n"
"      run CMD with user and group UID, no supplementary groups\n"
"IPv6 endpoints print as [ADDR]:PORT. Exit: 0 ok, 1 failure, 2 usage.\n";

enum { H_LISTEN, H_EST, H_CW, H_FW2, H_TW, H_SYNSENT, H_NR };

enum {
	O_LISTEN = 256, O_EST, O_CW, O_FW2, O_TW, O_SYNSENT, O_SYNRECV,
	O_READY, O_SECONDS,
};

static struct options {
	long n, t, port, seconds;
	long hold[H_NR];
	int family;
	bool rst;
	const char *addr, *src, *ifname, *ready_file, *kind;
	char **args;	/* readfile, time: the arguments after the options */
	int nargs;
} opt = { .n = -1, .t = -1, .port = -1, .seconds = -1, .family = AF_INET };

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
	{ NULL, 0, NULL, 0 },
};

static const struct option no_longopts[] = { { NULL, 0, NULL, 0 } };

/* Options taking a number, and options taking a string. */
static const struct { int c; long *v; long min, max; } num_opts[] = {
	{ 'n', &opt.n, 1, INT_MAX },
	{ 't', &opt.t, 1, 100000 },
	{ 'p', &opt.port, 0, 65535 },
	{ O_LISTEN, &opt.hold[H_LISTEN], 0, INT_MAX },
	{ O_EST, &opt.hold[H_EST], 0, INT_MAX },
	{ O_CW, &opt.hold[H_CW], 0, INT_MAX },
	{ O_FW2, &opt.hold[H_FW2], 0, INT_MAX },
	{ O_TW, &opt.hold[H_TW], 0, INT_MAX },
	{ O_SYNSENT, &opt.hold[H_SYNSENT], 0, INT_MAX },
	{ O_SECONDS, &opt.seconds, 0, INT_MAX },
};

static const struct { int c; const char **v; } str_opts[] = {
	{ 'a', &opt.addr }, { 's', &opt.src }, { 'i', &opt.ifname }, { O_READY, &opt.ready_file },
	{ 'k', &opt.kind },
};

static const char *const tcp_names[] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define die(...)	fail(1, __VA_ARGS__)
#define usage_err(...)	fail(2, __VA_ARGS__)

/* Print "seqload: MSG" (the usage text for code 2 without MSG), exit. */
static void __attribute__((noreturn, format(printf, 2, 3)))
fail(int code, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		fputs("seqload: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	if (code == 2)
		fputs(fmt ? "seqload: see 'seqload help'\n" : usage_text, stderr);
	exit(code);
}

static long num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage_err("%s: bad number '%s' (%ld..%ld)", what, s, min, max);
	return v;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- addresses and sockets ---- */

/* The IP address inside a sockaddr_in or sockaddr_in6. */
static void *sa_ip(struct sockaddr_storage *ss)
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
static socklen_t fill_addr(struct sockaddr_storage *ss, int fam, const char *s, long port)
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

static void fmt_ip(char *buf, size_t len, int fam, const void *ip, unsigned int port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(fam, ip, a, sizeof(a));
	snprintf(buf, len, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void fmt_sa(char *buf, size_t len, struct sockaddr_storage *ss)
{
	fmt_ip(buf, len, ss->ss_family, sa_ip(ss), sa_port(ss));
}

static int xsocket(int fam, int type, int proto)
{
	int fd = socket(fam, type, proto);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

static void xsetsockopt(int fd, int level, int opt, int val, const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die("setsockopt %s: %s", what, strerror(errno));
}

static void xconnect(int fd, struct sockaddr_storage *sa, socklen_t len)
{
	char b[64];

	if (connect(fd, (const struct sockaddr *)sa, len)) {
		fmt_sa(b, sizeof(b), sa);
		die("connect %s: %s", b, strerror(errno));
	}
}

static int xaccept(int lfd, struct sockaddr_storage *peer)
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

static int make_listener(int fam, const char *addr, long port)
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

static void sock_name(int fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	if (getsockname(fd, (struct sockaddr *)ss, &len))
		die("getsockname: %s", strerror(errno));
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;

	sock_name(fd, &ss);
	return sa_port(&ss);
}

/* Poll TCP_INFO for up to 2 seconds until the socket reaches @want. */
static void wait_state(int fd, int want, const char *what)
{
	struct tcp_info ti;
	socklen_t len;
	int i;

	for (i = 0; i < 2000; i++) {
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("getsockopt TCP_INFO: %s", strerror(errno));
		if (ti.tcpi_state == want)
			return;
		usleep(1000);
	}
	die("%s: socket in %s, expected %s", what,
	    ti.tcpi_state < ARRAY_SIZE(tcp_names) ? tcp_names[ti.tcpi_state] : "?",
	    tcp_names[want]);
}

/* Read until EOF or error (a reset peer is fine). */
static void drain(int fd)
{
	char buf[256];
	ssize_t r;

	do {
		r = read(fd, buf, sizeof(buf));
	} while (r > 0 || (r < 0 && errno == EINTR));
}

static void xthread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(t, NULL, fn, arg);

	if (err)
		die("pthread_create: %s", strerror(err));
}

/* ---- churn ---- */

struct churn {
	struct sockaddr_storage sa;
	socklen_t salen;
	int lfd;
	bool rst;
	long n;
	long next;	/* next connection index, atomic */
};

static void *churn_server(void *arg)
{
	struct churn *c = arg;
	struct sockaddr_storage peer;
	long i;
	int fd;

	for (i = 0; i < c->n; i++) {
		fd = xaccept(c->lfd, &peer);
		drain(fd);	/* wait for the client's FIN (or RST) */
		close(fd);
	}
	return NULL;
}

static void *churn_client(void *arg)
{
	struct churn *c = arg;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd;

	while (__atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED) < c->n) {
		fd = xsocket(c->sa.ss_family, SOCK_STREAM, 0);
		xconnect(fd, &c->sa, c->salen);
		if (write(fd, "x", 1) != 1)
			die("write: %s", strerror(errno));
		if (c->rst && setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			die("setsockopt SO_LINGER: %s", strerror(errno));
		close(fd);
	}
	return NULL;
}

static int cmd_churn(void)
{
	struct churn c = { .n = opt.n, .rst = opt.rst };
	long i, nt = opt.t < 0 ? 1 : opt.t;
	struct timespec t0, t1;
	pthread_t srv, *cl;
	double secs;

	if (opt.n < 0)
		usage_err("churn: -n N is required");
	cl = calloc(nt, sizeof(*cl));
	if (!cl)
		die("out of memory");
	c.lfd = make_listener(opt.family, NULL, opt.port < 0 ? 0 : opt.port);
	c.salen = fill_addr(&c.sa, opt.family, NULL, local_port(c.lfd));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	xthread(&srv, churn_server, &c);
	for (i = 0; i < nt; i++)
		xthread(&cl[i], churn_client, &c);
	for (i = 0; i < nt; i++)
		pthread_join(cl[i], NULL);
	pthread_join(srv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("churn conns=%ld seconds=%.6f rate=%ld\n", opt.n, secs,
	       secs > 0 ? (long)(opt.n / secs) : 0L);
	close(c.lfd);
	free(cl);
	return 0;
}

/* ---- hold ---- */

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

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void hold_listen(int fam, long n)
{
	long i;

	for (i = 0; i < n; i++)
		wait_state(make_listener(fam, NULL, 0), TCP_LISTEN, "listen");
}

static void make_pair(int lfd, struct sockaddr_storage *sa, socklen_t len,
		      int *cfd, int *sfd)
{
	struct sockaddr_storage peer;

	*cfd = xsocket(sa->ss_family, SOCK_STREAM, 0);
	xconnect(*cfd, sa, len);
	*sfd = xaccept(lfd, &peer);
}

/*
 * Client shutdown(SHUT_WR): server CLOSE_WAIT, client FIN_WAIT2 once the FIN
 * is acked. That ACK is delayed, so check all pairs after creating them.
 */
static void hold_close_wait(int lfd, struct sockaddr_storage *sa, socklen_t len, long n)
{
	int *fd = calloc(2 * n, sizeof(*fd));
	long i;

	if (!fd)
		die("out of memory");
	for (i = 0; i < n; i++) {
		make_pair(lfd, sa, len, &fd[2 * i], &fd[2 * i + 1]);
		if (shutdown(fd[2 * i], SHUT_WR))
			die("shutdown: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		wait_state(fd[2 * i + 1], TCP_CLOSE_WAIT, "close-wait server");
		wait_state(fd[2 * i], TCP_FIN_WAIT2, "close-wait client");
	}
	free(fd);
}

/* Connected pairs; all their fds stay open until exit except time-wait. */
static void hold_pairs(int fam, const long *cnt)
{
	struct sockaddr_storage sa;
	int lfd, cfd, sfd;
	socklen_t len;
	long i;

	lfd = make_listener(fam, NULL, 0);
	len = fill_addr(&sa, fam, NULL, local_port(lfd));
	for (i = 0; i < cnt[H_EST]; i++) {
		make_pair(lfd, &sa, len, &cfd, &sfd);
		wait_state(cfd, TCP_ESTABLISHED, "established client");
		wait_state(sfd, TCP_ESTABLISHED, "established server");
	}
	hold_close_wait(lfd, &sa, len, cnt[H_CW]);
	for (i = 0; i < cnt[H_TW]; i++) {
		make_pair(lfd, &sa, len, &cfd, &sfd);
		close(cfd);		/* client is the active closer */
		drain(sfd);
		wait_state(sfd, TCP_CLOSE_WAIT, "time-wait server");
		close(sfd);		/* LAST_ACK -> client in TIME-WAIT */
	}
	close(lfd);
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

static int cmd_hold(void)
{
	long *h = opt.hold;

	h[H_CW] += h[H_FW2];

	if (h[H_SYNSENT] && !opt.addr)
		usage_err("hold: --syn-sent needs -a ADDR");
	raise_nofile();
	hold_listen(opt.family, h[H_LISTEN]);
	if (h[H_EST] || h[H_CW] || h[H_TW])
		hold_pairs(opt.family, h);
	if (h[H_SYNSENT])
		hold_syn_sent(opt.family, opt.addr, h[H_SYNSENT]);
	printf("ready\n");
	if (opt.ready_file)
		touch(opt.ready_file);
	wait_signal(opt.seconds);
	return 0;	/* exit() closes every socket */
}

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

static int cmd_synflood(void)
{
	uint8_t pkt[sizeof(struct iphdr) + SYN_LEN];
	size_t hl = opt.family == AF_INET ? sizeof(struct iphdr) : 0;
	size_t alen = opt.family == AF_INET ? 4 : 16;
	struct sockaddr_storage dst, src;
	socklen_t dlen;
	long i;
	int fd;

	if (!opt.addr || !opt.src || opt.port < 0 || opt.n < 0)
		usage_err("synflood: -a DST -p PORT -s SRC -n COUNT are required");
	dlen = fill_addr(&dst, opt.family, opt.addr, 0);
	fill_addr(&src, opt.family, opt.src, 0);
	srandom(time(NULL) ^ getpid());
	fd = flood_socket(opt.family, &src);
	for (i = 0; i < opt.n; i++) {
		build_syn(pkt + hl, FLOOD_SPORT + i % (65536 - FLOOD_SPORT), opt.port,
			  sa_ip(&src), sa_ip(&dst), alen);
		if (hl)
			build_ip4(pkt, sa_ip(&src), sa_ip(&dst));
		xsendto(fd, pkt, hl + SYN_LEN, &dst, dlen);
	}
	printf("synflood sent=%ld\n", opt.n);
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
static bool capture_one(int fd)
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
	if (!parse_pkt(buf, r, opt.family, opt.port, &syn))
		return false;
	pkt_time(&mh, &ts);
	fmt_ip(s, sizeof(s), opt.family, syn.src, syn.sport);
	fmt_ip(d, sizeof(d), opt.family, syn.dst, syn.dport);
	printf("syn family=%d src=%s dst=%s seq=%u ack=%u flags=%s ts=%lld.%09ld\n",
	       opt.family == AF_INET6 ? 6 : 4, s, d, syn.seq, syn.ack,
	       syn.is_ack ? "SA" : "S", (long long)ts.tv_sec, (long)ts.tv_nsec);
	return true;
}

static int cmd_capture(void)
{
	long got = 0, timeout = opt.t < 0 ? 30 : opt.t;
	long deadline = now_ms() + timeout * 1000L, left;
	struct pollfd pfd;

	if (!opt.ifname || opt.port < 0 || opt.n < 0)
		usage_err("capture: -i IFNAME -p PORT -n COUNT are required");
	pfd.fd = open_capture(opt.ifname);
	pfd.events = POLLIN;
	printf("capture ready\n");
	while (got < opt.n) {
		left = deadline - now_ms();
		if (left <= 0)
			die("capture: timeout after %ld s (%ld of %ld SYNs seen)",
			    timeout, got, opt.n);
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) < 0 && errno != EINTR)
			die("capture: poll: %s", strerror(errno));
		if (pfd.revents & POLLIN)
			got += capture_one(pfd.fd);
	}
	close(pfd.fd);
	return 0;
}

/* ---- connect / listen ---- */

static int cmd_connect(void)
{
	struct sockaddr_storage sa, me;
	char l[64], r[64];
	socklen_t len;
	long i, n = opt.n < 0 ? 1 : opt.n;
	int fd;

	if (!opt.addr || opt.port < 0)
		usage_err("connect: -a ADDR -p PORT are required");
	len = fill_addr(&sa, opt.family, opt.addr, opt.port);
	fmt_sa(r, sizeof(r), &sa);
	for (i = 0; i < n; i++) {
		fd = xsocket(opt.family, SOCK_STREAM, 0);
		xconnect(fd, &sa, len);
		sock_name(fd, &me);
		fmt_sa(l, sizeof(l), &me);
		printf("connected local=%s remote=%s\n", l, r);
		close(fd);
	}
	return 0;
}

static int cmd_listen(void)
{
	const char *any = opt.family == AF_INET6 ? "::" : "0.0.0.0";
	struct sockaddr_storage peer;
	long i, n = opt.n < 0 ? 1 : opt.n;
	int lfd, fd;
	char b[64];

	if (opt.port < 0)
		usage_err("listen: -p PORT is required");
	lfd = make_listener(opt.family, opt.addr ? opt.addr : any, opt.port);
	printf("listening port=%d\n", local_port(lfd));
	for (i = 0; i < n; i++) {
		fd = xaccept(lfd, &peer);
		fmt_sa(b, sizeof(b), &peer);
		printf("accepted remote=%s\n", b);
		close(fd);
	}
	close(lfd);
	return 0;
}

/* ---- listenstorm ---- */

static long storm_listens;

static void *storm_thread(void *arg)
{
	struct sockaddr_storage ss;
	socklen_t len = fill_addr(&ss, opt.family, NULL, opt.port);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	long i, listens = 0;
	int fd;

	(void)arg;
	for (i = 0; i < opt.n; i++) {
		fd = xsocket(opt.family, SOCK_STREAM, 0);
		xsetsockopt(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
		if (bind(fd, (struct sockaddr *)&ss, len))
			die("listenstorm: bind port %ld: %s", opt.port, strerror(errno));
		if (listen(fd, 16))
			die("listenstorm: listen: %s", strerror(errno));
		listens++;
		/* LISTEN -> CLOSE -> LISTEN on one socket: the changes must stay in order. */
		if (i % 3 == 2 && !connect(fd, &unspec, sizeof(unspec)) && !listen(fd, 16))
			listens++;
		close(fd);
	}
	__atomic_add_fetch(&storm_listens, listens, __ATOMIC_RELAXED);
	return NULL;
}

static int cmd_listenstorm(void)
{
	pthread_t th[64];
	long i;

	if (opt.n < 0 || opt.t < 1 || opt.t > 64 || opt.port < 1)
		usage_err("listenstorm: -n N, -t THREADS (1-64) and -p PORT are required");
	for (i = 0; i < opt.t; i++)
		xthread(&th[i], storm_thread, NULL);
	for (i = 0; i < opt.t; i++)
		pthread_join(th[i], NULL);
	printf("listenstorm listens=%ld\n", storm_listens);
	return 0;
}

/* ---- readfile / time ---- */

static double since_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e6 + (t1.tv_nsec - t0->tv_nsec) / 1e3;
}

/* Open, read to EOF and close @path; return the number of bytes read. */
static long long read_file(const char *path)
{
	static char buf[65536];
	long long total = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("readfile: %s: %s", path, strerror(errno));
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r > 0)
			total += r;
		else if (!r)
			break;
		else if (errno != EINTR)
			die("readfile: %s: %s", path, strerror(errno));
	}
	close(fd);
	return total;
}

static int cmd_readfile(void)
{
	long long bytes = 0;
	struct timespec t0;
	long i;
	int f;

	if (opt.n < 0 || !opt.nargs)
		usage_err("readfile: -n K and a FILE are required");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < opt.n; i++) {
		bytes = 0;
		for (f = 0; f < opt.nargs; f++)
			bytes += read_file(opt.args[f]);
	}
	printf("readfile runs=%ld us_per_run=%.1f bytes=%lld\n", opt.n,
	       since_us(&t0) / opt.n, bytes);
	return 0;
}

/* Run opt.args once with stdout and stderr on /dev/null; die unless it exits 0. */
static void run_once(long run)
{
	int status, null, err;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("time: fork: %s", strerror(errno));
	if (!pid) {
		/* Keep the real stderr, close-on-exec, for an execvp error. */
		err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		null = open("/dev/null", O_WRONLY);
		if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0) {
			dprintf(err, "seqload: time: /dev/null: %s\n", strerror(errno));
			_exit(126);
		}
		execvp(opt.args[0], opt.args);
		dprintf(err, "seqload: time: %s: %s\n", opt.args[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("time: waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		die("time: run %ld: %s killed by signal %d", run + 1, opt.args[0],
		    WTERMSIG(status));
	if (WEXITSTATUS(status))
		die("time: run %ld: %s exited with %d", run + 1, opt.args[0],
		    WEXITSTATUS(status));
}

static int cmd_time(void)
{
	struct timespec t0;
	long i;

	if (opt.n < 0 || !opt.nargs)
		usage_err("time: -n K and -- CMD are required");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < opt.n; i++)
		run_once(i);
	printf("time runs=%ld us_per_run=%.1f\n", opt.n, since_us(&t0) / opt.n);
	return 0;
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

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		die("getsockopt TCP_INFO: %s", strerror(errno));
	return ti.tcpi_state < ARRAY_SIZE(tcp_names) ? ti.tcpi_state : 0;
}

/* The states of the sockets in @fd, counted: "FIN_WAIT1=3 CLOSING=1". */
static void fmt_states(char *buf, size_t len, const int *fd, long nfd)
{
	long cnt[ARRAY_SIZE(tcp_names)] = { 0 };
	size_t i, off = 0;
	long j;

	for (j = 0; j < nfd; j++)
		cnt[tcp_state(fd[j])]++;
	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(cnt) && off < len; i++)
		if (cnt[i])
			off += snprintf(buf + off, len - off, "%s%s=%ld", off ? " " : "",
					tcp_names[i], cnt[i]);
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

static int cmd_simclose(void)
{
	struct sockaddr_storage sa;
	long i, n2, seen;
	socklen_t len;
	int lfd, *fd;

	if (opt.n < 0)
		usage_err("simclose: -n N is required");
	n2 = 2 * opt.n;
	fd = calloc(n2, sizeof(*fd));
	if (!fd)
		die("out of memory");
	raise_nofile();
	lfd = make_listener(opt.family, NULL, 0);
	len = fill_addr(&sa, opt.family, NULL, local_port(lfd));
	for (i = 0; i < opt.n; i++)
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
	wait_lo_route(opt.family);

	seen = wait_time_wait(fd, n2);
	for (i = 0; i < n2; i++)
		close(fd[i]);
	free(fd);
	printf("simclose pairs=%ld seen_closing=%ld\n", opt.n, seen);
	return 0;
}

/* ---- badwrites, try, asuser ---- */

/* A fixed xorshift: every run writes the same inputs. */
static uint64_t bad_rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	bad_rng ^= bad_rng << 13;
	bad_rng ^= bad_rng >> 7;
	bad_rng ^= bad_rng << 17;
	return bad_rng % n;
}

static const char *const bad_common[] = {
	"\n", " ", "\t", "\r\n", " \n", "\n\n", "\0", "\0\n", "-", "+", "-1", "+1", "-0", "+0",
	"--1", "4294967296", "18446744073709551616", "99999999999999999999999", "0x1", "1e3",
	"1.5", "abc", "1x", "x1", "1 ", " 1", "1\n\n", "1\t", "1\r", "\x01", "\xff", "1 1",
	"0 0", "nan", "inf", "%s%n", "\\", "'", "\"", "*", "true", "false", "yes", "no", "y",
	"Y", "n", "N", "on", "off", "-2147483649",
};

/* Malformed forms of each file's format. */
static const char *const bad_bool[] = {
	"1\n\n", "0\n\n", "1 ", "0 ", " 0", "1\r\n", "0x0", "01\n", "10\n", "1,", "o", "O",
	"2", "10", "01", "00", "11",
};

static const char *const bad_uint[] = {
	"60 ", " 60", "+60", "-60", "60s", "6 0", "0x3c", "060x", "4294967295999", "60\n\n",
	"60.0", "1e1",
};

static const char *const bad_query[] = {
	"127.0.0.1 80 127.0.0.2", "127.0.0.1 80 127.0.0.2 80 9", "127.0.0.1 -1 127.0.0.2 80",
	"127.0.0.1 65536 127.0.0.2 80", "127.0.0.1 80 127.0.0.2 70000", "127.0.0.1 80 ::1 80",
	"::1 80 127.0.0.1 80", "127.0.0.256 80 127.0.0.2 80", "127.0.0.1 80 127.0.0.2 +80",
	"127.0.0.1 0x50 127.0.0.2 80", "::g 80 ::1 80", "127.0.0.1  80 127.0.0.2 80 x",
	"1.2.3 80 1.2.3.4 80", "127.0.0.1:80 127.0.0.2:80",
};

static const char hexdigits[] = "0123456789abcdefABCDEF";

/*
 * A valid value of some file, then a NUL and more: what a parser that stops at the NUL
 * (strlen() of the write, where the write was longer) would take.
 */
#define NUL_FORM(s) { s, sizeof(s) - 1 }
static const struct {
	const char *s;
	size_t len;
} bad_nul[] = {
	NUL_FORM("60\0junk"), NUL_FORM("0\0"), NUL_FORM("1\0\n"), NUL_FORM("1\n\0"),
	NUL_FORM("000102030405060708090a0b0c0d0e0f\0"),
	NUL_FORM("127.0.0.1 80 127.0.0.2 80\0x"),
};

/* Fill @buf with one malformed input (no more than @max bytes); return its length. */
static size_t bad_input(char *buf, size_t max, const char *kind, long i)
{
	static const char junk[] = "gGxz -+.\n\t\r\x01\xff";
	size_t len, j;

	switch (i % 8) {
	case 0: {	/* a fixed form, common or of this format */
		const char *const *set = bad_common;
		size_t n = ARRAY_SIZE(bad_common);

		if (i % 16 == 8) {	/* every 16th: a value, a NUL, junk */
			j = rnd(ARRAY_SIZE(bad_nul));
			memcpy(buf, bad_nul[j].s, bad_nul[j].len);
			return bad_nul[j].len;
		}
		if (!strcmp(kind, "bool") && rnd(2)) {
			set = bad_bool;
			n = ARRAY_SIZE(bad_bool);
		} else if (!strcmp(kind, "uint") && rnd(2)) {
			set = bad_uint;
			n = ARRAY_SIZE(bad_uint);
		} else if (!strcmp(kind, "query") && rnd(2)) {
			set = bad_query;
			n = ARRAY_SIZE(bad_query);
		}
		j = rnd(n);
		/* "\0" forms: their length is what sizeof-less strlen cannot see */
		len = strlen(set[j]);
		if (!len)
			len = set[j][1] == '\n' ? 2 : 1;
		memcpy(buf, set[j], len);
		return len;
	}
	case 1:		/* oversized: more than a page, up to three */
		len = 4097 + rnd(2 * 4096);
		memset(buf, "1a0 "[rnd(4)], len);
		return len;
	case 2:		/* binary */
		len = 1 + rnd(64);
		for (j = 0; j < len; j++)
			buf[j] = (char)rnd(256);
		buf[rnd(len)] = (char)(0x80 | rnd(128));	/* never well-formed by chance */
		return len;
	case 3:		/* hex digits, of a wrong length: 1..31 or 33..64 */
		len = 1 + rnd(63);
		if (len >= 32)
			len++;
		for (j = 0; j < len; j++)
			buf[j] = hexdigits[rnd(sizeof(hexdigits) - 1)];
		if (len == 1 && (buf[0] == '0' || buf[0] == '1'))
			buf[0] = 'f';
		/* a uint file takes a short string of decimal digits: keep a letter in it */
		buf[rnd(len)] = 'a' + rnd(6);
		return len;
	case 4:		/* 32 hex digits with one junk byte in them, or after them */
		for (j = 0; j < 32; j++)
			buf[j] = hexdigits[rnd(sizeof(hexdigits) - 1)];
		j = rnd(33);
		buf[j] = junk[rnd(sizeof(junk) - 1)];
		len = j == 32 ? 33 : 32;
		if (j == 32 && buf[32] == '\n') {	/* one newline is allowed: two are not */
			buf[33] = '\n';
			len = 34;
		}
		if (j < 32 && buf[j] == '\n' && j == 31)	/* nor is a short key + newline */
			buf[j] = 'x';
		return len;
	case 5:		/* a sign, then digits */
		len = 1 + rnd(20);
		buf[0] = "+-"[rnd(2)];
		for (j = 1; j < len; j++)
			buf[j] = '0' + rnd(10);
		if (len == 1)
			buf[len++] = '1';
		return len;
	case 6:		/* overflow: 11..40 digits */
		len = 11 + rnd(30);
		if (len == 32)		/* 32 digits are a key */
			len = 31;
		buf[0] = '1' + rnd(9);
		for (j = 1; j < len; j++)
			buf[j] = '0' + rnd(10);
		return len;
	default:	/* whitespace around a valid-looking value */
		len = snprintf(buf, max, "%s%s%s", rnd(2) ? " " : "\t",
			       !strcmp(kind, "query") ? "127.0.0.1 80 127.0.0.2 80" :
			       !strcmp(kind, "key") ? "000102030405060708090a0b0c0d0e0f" : "1",
			       rnd(2) ? "\n" : " \n");
		return len;
	}
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

static int cmd_badwrites(void)
{
	static char buf[3 * 4096 + 64];
	long i, einval = 0, empty = 0;
	ssize_t r;
	size_t len;
	int fd;

	if (opt.n < 0 || !opt.kind || opt.nargs != 1)
		usage_err("badwrites: -n N, -k KIND and one FILE are required");
	fd = open(opt.args[0], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("badwrites: %s: %s", opt.args[0], strerror(errno));
	for (i = 0; i < opt.n; i++) {
		/* every 1000th is empty: the VFS takes it without asking the file */
		len = i % 1000 == 999 ? 0 : bad_input(buf, sizeof(buf), opt.kind, i);
		r = pwrite(fd, buf, len, 0);
		if (r < 0 && errno == ESPIPE)	/* a seq_file's write takes no offset */
			r = write(fd, buf, len);
		if (!len && !r) {
			empty++;
		} else if (r < 0 && errno == EINVAL) {
			einval++;
		} else {
			fprintf(stderr, "seqload: badwrites: write %ld (%zu bytes) gave %s: ", i,
				len, r < 0 ? errname(errno) : "success");
			for (size_t j = 0; j < len && j < 80; j++)
				fprintf(stderr, isprint((unsigned char)buf[j]) ? "%c" : "\\x%02x",
					(unsigned char)buf[j]);
			fputc('\n', stderr);
			return 1;
		}
	}
	close(fd);
	printf("badwrites n=%ld EINVAL=%ld empty=%ld\n", opt.n, einval, empty);
	return 0;
}

static int cmd_try(void)
{
	static char buf[65536];
	bool wr;
	int fd;

	if (opt.nargs < 2 || opt.nargs > 3 ||
	    (strcmp(opt.args[0], "read") && strcmp(opt.args[0], "write")))
		usage_err("try: read|write FILE [DATA]");
	wr = !strcmp(opt.args[0], "write");
	fd = open(opt.args[1], (wr ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd >= 0) {
		const char *data = opt.nargs == 3 ? opt.args[2] : "";

		if ((wr ? write(fd, data, strlen(data)) : read(fd, buf, sizeof(buf))) < 0) {
			int err = errno;

			close(fd);
			fd = -1;
			errno = err;
		} else {
			close(fd);
		}
	}
	puts(fd >= 0 ? "ok" : errname(errno));
	return 0;
}

static int cmd_asuser(void)
{
	long uid;

	if (opt.nargs < 2)
		usage_err("asuser: UID CMD [ARGS...]");
	uid = num(opt.args[0], 1, 65535, "UID");
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		die("asuser: %s", strerror(errno));
	execvp(opt.args[1], opt.args + 1);
	die("asuser: %s: %s", opt.args[1], strerror(errno));
}

/* ---- main ---- */

static void set_opt(int c, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(num_opts); i++)
		if (num_opts[i].c == c)
			*num_opts[i].v = num(optarg, num_opts[i].min, num_opts[i].max, name);
	for (i = 0; i < ARRAY_SIZE(str_opts); i++)
		if (str_opts[i].c == c)
			*str_opts[i].v = optarg;
	if (c == '6')
		opt.family = AF_INET6;
	else if (c == 'r')
		opt.rst = true;
	else if (c == O_SYNRECV)
		usage_err("syn-recv: use synflood");
	else if (c == '?')
		usage_err(NULL);
}

static void parse_opts(int argc, char **argv, const char *shortopts,
		       const struct option *longopts, bool args)
{
	char name[32];
	int c, idx;

	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		if (c < 256)
			snprintf(name, sizeof(name), "-%c", c);
		else
			snprintf(name, sizeof(name), "--%s", longopts[idx].name);
		set_opt(c, name);
	}
	if (args) {
		opt.args = argv + optind;
		opt.nargs = argc - optind;
	} else if (optind != argc) {
		usage_err("unexpected argument '%s'", argv[optind]);
	}
}

static const struct command {
	const char *name;
	const char *shortopts;
	int (*fn)(void);
	bool args;	/* takes arguments after the options */
} commands[] = {
	{ "churn",	"n:t:p:r6",	cmd_churn,	false },
	{ "hold",	"a:6",		cmd_hold,	false },
	{ "synflood",	"a:p:s:n:6",	cmd_synflood,	false },
	{ "capture",	"i:p:n:t:6",	cmd_capture,	false },
	{ "connect",	"a:p:n:6",	cmd_connect,	false },
	{ "listen",	"p:n:a:6",	cmd_listen,	false },
	{ "listenstorm", "n:t:p:6",	cmd_listenstorm, false },
	{ "readfile",	"n:",		cmd_readfile,	true },
	/* "+": stop at CMD even without "--", its options are not ours */
	{ "time",	"+n:",		cmd_time,	true },
	{ "simclose",	"n:6",		cmd_simclose,	false },
	{ "badwrites",	"n:k:",		cmd_badwrites,	true },
	{ "try",	"+",		cmd_try,	true },
	{ "asuser",	"+",		cmd_asuser,	true },
};

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage_err(NULL);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		parse_opts(argc - 1, argv + 1, commands[i].shortopts,
			   commands[i].fn == cmd_hold ? hold_longopts : no_longopts,
			   commands[i].args);
		return commands[i].fn();
	}
	usage_err("unknown command '%s'", argv[1]);
}
