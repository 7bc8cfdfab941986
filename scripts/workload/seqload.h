/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seqload's shared declarations: errors and option parsing (seqload.c), the
 * socket helpers (sock.c) and one entry point per command.
 */
#ifndef SEQLOAD_H
#define SEQLOAD_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define die(...)	fail(1, __VA_ARGS__)
#define usage_err(...)	fail(2, __VA_ARGS__)

void __attribute__((noreturn, format(printf, 2, 3))) fail(int code, const char *fmt, ...);
long num(const char *s, long min, long max, const char *what);
long now_ms(void);

/*
 * What one option of a command sets: a number in min..max, a string, a flag,
 * or nothing but an error. A table of them ends with an empty entry.
 */
struct opt_def {
	int c;			/* the short option, or the long option's value */
	long *num;
	long min, max;
	const char **str;
	bool *flag;
	const char *err;
};

#define OPT_NUM(ch, var, lo, hi)	{ .c = (ch), .num = (var), .min = (lo), .max = (hi) }
#define OPT_STR(ch, var)		{ .c = (ch), .str = (var) }
#define OPT_FLAG(ch, var)		{ .c = (ch), .flag = (var) }
/* The options several commands share, with one range each. */
#define OPT_COUNT(var)			OPT_NUM('n', var, 1, INT_MAX)
#define OPT_THREADS(var)		OPT_NUM('t', var, 1, 100000)
#define OPT_PORT(var)			OPT_NUM('p', var, 0, 65535)

int parse_opts(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const struct opt_def *defs, bool args);

static inline int family(bool ipv6)
{
	return ipv6 ? AF_INET6 : AF_INET;
}

/* sock.c */
#define TCP_STATE_NR	12	/* TCP_ESTABLISHED (1) .. TCP_CLOSING (11), 0 unknown */

const char *tcp_name(int state);
int tcp_state(int fd);
void *sa_ip(struct sockaddr_storage *ss);
socklen_t fill_addr(struct sockaddr_storage *ss, int fam, const char *s, long port);
void fmt_ip(char *buf, size_t len, int fam, const void *ip, unsigned int port);
void fmt_sa(char *buf, size_t len, struct sockaddr_storage *ss);
int xsocket(int fam, int type, int proto);
void xsetsockopt(int fd, int level, int opt, int val, const char *what);
void xconnect(int fd, struct sockaddr_storage *sa, socklen_t len);
int xaccept(int lfd, struct sockaddr_storage *peer);
int make_listener(int fam, const char *addr, long port);
void make_pair(int lfd, struct sockaddr_storage *sa, socklen_t len, int *cfd, int *sfd);
void sock_name(int fd, struct sockaddr_storage *ss);
int local_port(int fd);
void wait_state(int fd, int want, const char *what);
void drain(int fd);
void raise_nofile(void);

/* The commands: argv[0] is the command's name. */
int cmd_churn(int argc, char **argv);		/* tcp.c */
int cmd_connect(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_listenstorm(int argc, char **argv);
int cmd_hold(int argc, char **argv);		/* states.c */
int cmd_simclose(int argc, char **argv);
int cmd_synflood(int argc, char **argv);	/* packet.c */
int cmd_capture(int argc, char **argv);
int cmd_badwrites(int argc, char **argv);	/* probe.c */
int cmd_try(int argc, char **argv);
int cmd_readfile(int argc, char **argv);	/* proc.c */
int cmd_time(int argc, char **argv);
int cmd_asuser(int argc, char **argv);
int cmd_cgns(int argc, char **argv);

#endif
