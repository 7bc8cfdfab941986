// SPDX-License-Identifier: GPL-2.0
/*
 * seqload - TCP workload generator for the seqstate tests.
 *
 * One static binary for the busybox test guest: loopback connection churn,
 * sockets held in chosen TCP states, raw SYN floods, a small SYN/SYN-ACK
 * capture on an AF_PACKET socket, malformed writes to the module's files,
 * and plain connect/listen and process helpers.
 *
 * This file: the usage text, the command table, errors and option parsing.
 * The commands live in tcp.c, states.c, packet.c, probe.c and proc.c; the
 * socket helpers they share in sock.c.
 *
 * Build: gcc -O2 -Wall -Wextra -static -pthread -o seqload *.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seqload.h"

static const char usage_text[] =
"usage: seqload <command> [options]\n"
"  churn -n N [-t THREADS] [-p PORT] [-r] [-6]\n"
"      N loopback connections from THREADS (1) client threads: connect,\n"
"      write 1 byte, client closes first (TIME-WAIT on the client side);\n"
"      -r: close with SO_LINGER {1,0} (RST, no TIME-WAIT)\n"
"  hold [--listen N] [--established N] [--close-wait N] [--fin-wait2 N]\n"
"       [--time-wait N] [--syn-sent N -a ADDR] [--ready-file PATH]\n"
"       [--seconds S] [--port P [--unaccepted N]] [--to ADDR] [-6]\n"
"      create loopback sockets in TCP states, print \"ready\" (and create\n"
"      PATH), sleep S seconds (default: until SIGTERM/SIGINT), exit\n"
"        --listen N       N LISTEN sockets on distinct ephemeral ports\n"
"        --established N  N connections (2N ESTABLISHED sockets)\n"
"        --close-wait N   N connections, client did shutdown(SHUT_WR):\n"
"                         N CLOSE-WAIT (server) + N FIN-WAIT-2 (client)\n"
"        --fin-wait2 N    alias of --close-wait (the two counts add up)\n"
"        --time-wait N    N connections closed by the client first:\n"
"                         N TIME-WAIT (they live 60s, independent of S)\n"
"        --time-wait-server N  as --time-wait, the server closing first\n"
"        --syn-sent N     N non-blocking connects to ADDR port 9, which\n"
"                         must blackhole SYNs (--syn-recv: use synflood)\n"
"      the helper listener for connections is closed before \"ready\";\n"
"      with --port P it listens on P until exit, with N connections it\n"
"      never accepts (--unaccepted: its accept queue); --to ADDR: clients\n"
"      connect to ADDR (a local address: the listener binds it)\n"
"  synflood -a DST -p PORT -s SRC -n COUNT [-6]\n"
"      COUNT raw SYNs SRC:10000+i -> DST:PORT, random ISN; SRC may be\n"
"      a non-local address\n"
"  capture -i IFNAME -p PORT -n COUNT [-t TIMEOUT_S] [-6]\n"
"      print \"capture ready\", then each SYN or SYN-ACK to/from PORT (IPv4,\n"
"      IPv6 with -6) until COUNT were seen or TIMEOUT_S (30) expired:\n"
"      syn family=4|6 src=A:P dst=A:P seq=U32 ack=U32 flags=S|SA ts=SEC.NSEC\n"
"  connect -a ADDR -p PORT [-n N] [-6]\n"
"      N (1) connects, printing: connected local=A:P remote=A:P\n"
"  listen -p PORT [-n N] [-a ADDR] [-k] [-6]\n"
"      listen on ADDR (any), print: listening port=P; accept and close N (1)\n"
"      connections, printing: accepted remote=A:P; -k: keep them open, and\n"
"      the listener, until killed (a server leaking CLOSE-WAIT sockets)\n"
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
"      query, peers) adds malformed forms of that file's format (peers:\n"
"      instead of the common ones, a lone newline is valid). Every write must\n"
"      fail with EINVAL (sysfs hands a file the first page of a longer\n"
"      write; an empty write must return 0); prints:\n"
"      badwrites n=N EINVAL=A empty=B\n"
"  try read|write FILE [DATA]\n"
"      open FILE and read it, or write DATA in one write(2); print \"ok\" or\n"
"      the errno's name (EACCES, ...), exit 0 either way\n"
"  cgns CMD [ARGS...]\n"
"      run CMD in a new cgroup namespace, rooted at the caller's cgroup\n"
"  asuser UID CMD [ARGS...]\n"
"      run CMD with user and group UID, no supplementary groups\n"
"IPv6 endpoints print as [ADDR]:PORT. Exit: 0 ok, 1 failure, 2 usage.\n";

/* Print "seqload: MSG" (the usage text for code 2 without MSG), exit. */
void fail(int code, const char *fmt, ...)
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

long num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage_err("%s: bad number '%s' (%ld..%ld)", what, s, min, max);
	return v;
}

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void set_opt(const struct opt_def *d, const char *name)
{
	if (d->num)
		*d->num = num(optarg, d->min, d->max, name);
	else if (d->str)
		*d->str = optarg;
	else if (d->flag)
		*d->flag = true;
	else
		usage_err("%s", d->err);
}

/*
 * Parse a command's options by @defs, which has an entry for each option of
 * @shortopts and @longopts (NULL: none). Return the index of the first
 * argument after them; a command without @args takes none.
 */
int parse_opts(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const struct opt_def *defs, bool args)
{
	static const struct option no_longopts[] = { { NULL, 0, NULL, 0 } };
	const struct opt_def *d;
	char name[32];
	int c, idx;

	if (!longopts)
		longopts = no_longopts;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		if (c == '?')
			usage_err(NULL);
		if (c < 256)
			snprintf(name, sizeof(name), "-%c", c);
		else
			snprintf(name, sizeof(name), "--%s", longopts[idx].name);
		for (d = defs; d->c && d->c != c; d++)
			;
		if (!d->c)
			die("%s: option %s has no definition", argv[0], name);
		set_opt(d, name);
	}
	if (!args && optind != argc)
		usage_err("unexpected argument '%s'", argv[optind]);
	return optind;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "churn",	 cmd_churn },
	{ "hold",	 cmd_hold },
	{ "synflood",	 cmd_synflood },
	{ "capture",	 cmd_capture },
	{ "connect",	 cmd_connect },
	{ "listen",	 cmd_listen },
	{ "listenstorm", cmd_listenstorm },
	{ "readfile",	 cmd_readfile },
	{ "time",	 cmd_time },
	{ "simclose",	 cmd_simclose },
	{ "badwrites",	 cmd_badwrites },
	{ "try",	 cmd_try },
	{ "asuser",	 cmd_asuser },
	{ "cgns",	 cmd_cgns },
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
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	usage_err("unknown command '%s'", argv[1]);
}
