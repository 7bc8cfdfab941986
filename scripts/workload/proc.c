// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: small process helpers for the guest's shell tests. readfile and
 * time measure reading files and running commands; asuser runs a command as
 * another user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seqload.h"

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

int cmd_readfile(int argc, char **argv)
{
	long long bytes = 0;
	struct timespec t0;
	long runs = -1, i;
	int first, f;
	const struct opt_def defs[] = { OPT_COUNT(&runs), { 0 } };

	first = parse_opts(argc, argv, "n:", NULL, defs, true);
	if (runs < 0 || first == argc)
		usage_err("readfile: -n K and a FILE are required");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < runs; i++) {
		bytes = 0;
		for (f = first; f < argc; f++)
			bytes += read_file(argv[f]);
	}
	printf("readfile runs=%ld us_per_run=%.1f bytes=%lld\n", runs,
	       since_us(&t0) / runs, bytes);
	return 0;
}

/* Run @cmd once with stdout and stderr on /dev/null; die unless it exits 0. */
static void run_once(char **cmd, long run)
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
		execvp(cmd[0], cmd);
		dprintf(err, "seqload: time: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("time: waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		die("time: run %ld: %s killed by signal %d", run + 1, cmd[0],
		    WTERMSIG(status));
	if (WEXITSTATUS(status))
		die("time: run %ld: %s exited with %d", run + 1, cmd[0],
		    WEXITSTATUS(status));
}

int cmd_time(int argc, char **argv)
{
	struct timespec t0;
	long runs = -1, i;
	int first;
	const struct opt_def defs[] = { OPT_COUNT(&runs), { 0 } };

	/* "+": stop at CMD even without "--", its options are not ours */
	first = parse_opts(argc, argv, "+n:", NULL, defs, true);
	if (runs < 0 || first == argc)
		usage_err("time: -n K and -- CMD are required");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < runs; i++)
		run_once(argv + first, i);
	printf("time runs=%ld us_per_run=%.1f\n", runs, since_us(&t0) / runs);
	return 0;
}

int cmd_cgns(int argc, char **argv)
{
	const struct opt_def defs[] = { { 0 } };
	int first = parse_opts(argc, argv, "+", NULL, defs, true);

	if (argc - first < 1)
		usage_err("cgns: CMD [ARGS...]");
	if (unshare(CLONE_NEWCGROUP))
		die("cgns: unshare: %s", strerror(errno));
	execvp(argv[first], argv + first);
	die("cgns: %s: %s", argv[first], strerror(errno));
}

int cmd_asuser(int argc, char **argv)
{
	const struct opt_def defs[] = { { 0 } };
	int first = parse_opts(argc, argv, "+", NULL, defs, true);
	long uid;

	if (argc - first < 2)
		usage_err("asuser: UID CMD [ARGS...]");
	uid = num(argv[first], 1, 65535, "UID");
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		die("asuser: %s", strerror(errno));
	execvp(argv[first + 1], argv + first + 1);
	die("asuser: %s: %s", argv[first + 1], strerror(errno));
}
