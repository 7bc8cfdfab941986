// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: TCP traffic through the socket API. churn (loopback connections
 * opened and closed by threads), connect and listen (one end each, printing
 * the endpoints), listenstorm (listen() and close() on one port from threads).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seqload.h"

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

int cmd_churn(int argc, char **argv)
{
	long threads = 1, port = 0, i;
	struct churn c = { .n = -1 };
	struct timespec t0, t1;
	pthread_t srv, *cl;
	bool ipv6 = false;
	double secs;
	const struct opt_def defs[] = {
		OPT_COUNT(&c.n), OPT_THREADS(&threads), OPT_PORT(&port),
		OPT_FLAG('r', &c.rst), OPT_FLAG('6', &ipv6), { 0 },
	};

	parse_opts(argc, argv, "n:t:p:r6", NULL, defs, false);
	if (c.n < 0)
		usage_err("churn: -n N is required");
	cl = calloc(threads, sizeof(*cl));
	if (!cl)
		die("out of memory");
	c.lfd = make_listener(family(ipv6), NULL, port);
	c.salen = fill_addr(&c.sa, family(ipv6), NULL, local_port(c.lfd));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	xthread(&srv, churn_server, &c);
	for (i = 0; i < threads; i++)
		xthread(&cl[i], churn_client, &c);
	for (i = 0; i < threads; i++)
		pthread_join(cl[i], NULL);
	pthread_join(srv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("churn conns=%ld seconds=%.6f rate=%ld\n", c.n, secs,
	       secs > 0 ? (long)(c.n / secs) : 0L);
	close(c.lfd);
	free(cl);
	return 0;
}

/* ---- connect / listen ---- */

/* The options of connect and listen: one end of N connections. */
struct end_opts {
	const char *addr;
	long port, n;
	bool ipv6, keep;
};

static void parse_end(int argc, char **argv, const char *shortopts, struct end_opts *o)
{
	const struct opt_def defs[] = {
		OPT_STR('a', &o->addr), OPT_PORT(&o->port), OPT_COUNT(&o->n),
		OPT_FLAG('6', &o->ipv6), OPT_FLAG('k', &o->keep), { 0 },
	};

	parse_opts(argc, argv, shortopts, NULL, defs, false);
}

int cmd_connect(int argc, char **argv)
{
	struct end_opts o = { .port = -1, .n = 1 };
	struct sockaddr_storage sa, me;
	char l[64], r[64];
	socklen_t len;
	long i;
	int fd;

	parse_end(argc, argv, "a:p:n:6", &o);
	if (!o.addr || o.port < 0)
		usage_err("connect: -a ADDR -p PORT are required");
	len = fill_addr(&sa, family(o.ipv6), o.addr, o.port);
	fmt_sa(r, sizeof(r), &sa);
	for (i = 0; i < o.n; i++) {
		fd = xsocket(family(o.ipv6), SOCK_STREAM, 0);
		xconnect(fd, &sa, len);
		sock_name(fd, &me);
		fmt_sa(l, sizeof(l), &me);
		printf("connected local=%s remote=%s\n", l, r);
		close(fd);
	}
	return 0;
}

int cmd_listen(int argc, char **argv)
{
	struct end_opts o = { .port = -1, .n = 1 };
	struct sockaddr_storage peer;
	int lfd, fd;
	char b[64];
	long i;

	parse_end(argc, argv, "p:n:a:6k", &o);
	if (o.port < 0)
		usage_err("listen: -p PORT is required");
	if (!o.addr)
		o.addr = o.ipv6 ? "::" : "0.0.0.0";
	lfd = make_listener(family(o.ipv6), o.addr, o.port);
	printf("listening port=%d\n", local_port(lfd));
	for (i = 0; i < o.n; i++) {
		fd = xaccept(lfd, &peer);
		fmt_sa(b, sizeof(b), &peer);
		printf("accepted remote=%s\n", b);
		fflush(stdout);
		if (!o.keep)
			close(fd);
	}
	/* -k: a server that leaks what it accepted, until it is killed. */
	while (o.keep)
		pause();
	close(lfd);
	return 0;
}

/* ---- listenstorm ---- */

struct storm {
	long n, port;
	int fam;
	long listens;	/* atomic */
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	struct sockaddr_storage ss;
	socklen_t len = fill_addr(&ss, s->fam, NULL, s->port);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	long i, listens = 0;
	int fd;

	for (i = 0; i < s->n; i++) {
		fd = xsocket(s->fam, SOCK_STREAM, 0);
		xsetsockopt(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
		if (bind(fd, (struct sockaddr *)&ss, len))
			die("listenstorm: bind port %ld: %s", s->port, strerror(errno));
		if (listen(fd, 16))
			die("listenstorm: listen: %s", strerror(errno));
		listens++;
		/* LISTEN -> CLOSE -> LISTEN on one socket: the changes must stay in order. */
		if (i % 3 == 2 && !connect(fd, &unspec, sizeof(unspec)) && !listen(fd, 16))
			listens++;
		close(fd);
	}
	__atomic_add_fetch(&s->listens, listens, __ATOMIC_RELAXED);
	return NULL;
}

int cmd_listenstorm(int argc, char **argv)
{
	struct storm s = { .n = -1, .port = -1 };
	long threads = -1, i;
	bool ipv6 = false;
	pthread_t th[64];
	const struct opt_def defs[] = {
		OPT_COUNT(&s.n), OPT_THREADS(&threads), OPT_PORT(&s.port),
		OPT_FLAG('6', &ipv6), { 0 },
	};

	parse_opts(argc, argv, "n:t:p:6", NULL, defs, false);
	if (s.n < 0 || threads < 1 || threads > 64 || s.port < 1)
		usage_err("listenstorm: -n N, -t THREADS (1-64) and -p PORT are required");
	s.fam = family(ipv6);
	for (i = 0; i < threads; i++)
		xthread(&th[i], storm_thread, &s);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("listenstorm listens=%ld\n", s.listens);
	return 0;
}
