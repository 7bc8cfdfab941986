// SPDX-License-Identifier: GPL-2.0
/*
 * seqload: the module's files probed from user space. badwrites sends
 * malformed input to a writable file, each write of which must fail with
 * EINVAL; try reads or writes a file once and names the errno.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seqload.h"

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

/* Peer groups: "\n" alone is valid there (no groups), so only these and the generated forms. */
static const char *const bad_peers[] = {
	"db", "db ", "db 10.0.0.0/8 ", " db 10.0.0.0/8", "db  10.0.0.0/8", "db 10.0.0.1/8",
	"db 10.0.0.0/33", "db 10.0.0.0/08", "db 10.0.0.0/", "db 10.0.0.0/8 0",
	"db 10.0.0.0/8 65536", "db 10.0.0.0/8 5432,", "db 10.0.0.0/8 ,5432", "DB 10.0.0.0/8",
	"d.b 10.0.0.0/8", "db 10.0.0.0/8,", "db ,10.0.0.0/8", "db 10.0.0.0/8,,::/0",
	"db 10.0.0.0/8\n\ncache ::/0", "\ndb 10.0.0.0/8", "db 10.0.0.0/8\n\n",
	"db 10.0.0.0/8\ndb 10.1.0.0/16", "db 10.0.0.0/8 5432 x", "db fd00::1/64", "db ::/129",
	"db 10.0.0.0/8 +1", "db 10.0.0.0/8\r\n", "db 10.0.0.0/8 5432\t",
	"db 10.0.0.0/8 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
	"db 1.0.0.0/8,2.0.0.0/8,3.0.0.0/8,4.0.0.0/8,5.0.0.0/8,6.0.0.0/8,7.0.0.0/8,8.0.0.0/8,"
	"9.0.0.0/8,10.0.0.0/8,11.0.0.0/8,12.0.0.0/8,13.0.0.0/8,14.0.0.0/8,15.0.0.0/8,"
	"16.0.0.0/8,17.0.0.0/8",
	"a23456789012345678901234567890123 10.0.0.0/8", "db 10.0.0.0/8 5432 ", "db 127.0.0.1:80",
	"db [::1]/128", "db ::ffff:10.0.0.0/104x",
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

/* The formats of the writable files (badwrites -k): a valid value, malformed forms. */
static const struct bad_kind {
	const char *name;
	const char *valid;
	const char *const *forms;
	size_t nforms;
	bool own_forms;		/* never the common forms: some are valid here */
} bad_kinds[] = {
	{ "key", "000102030405060708090a0b0c0d0e0f", NULL, 0, false },
	{ "bool", "1", bad_bool, ARRAY_SIZE(bad_bool), false },
	{ "uint", "1", bad_uint, ARRAY_SIZE(bad_uint), false },
	{ "query", "127.0.0.1 80 127.0.0.2 80", bad_query, ARRAY_SIZE(bad_query), false },
	{ "peers", "db 10.0.0.0/8 5432", bad_peers, ARRAY_SIZE(bad_peers), true },
}, bad_other = { "", "1", NULL, 0, false };

/* One badwrites run: the file's format, the generator, the input being made. */
struct bad {
	const struct bad_kind *kind;
	uint64_t rng;
	char buf[3 * 4096 + 64];
};

/*
 * A fixed xorshift: every run writes the same inputs. The forms below call it
 * one statement at a time, in the order the inputs were first made in.
 */
static uint64_t rnd(struct bad *b, uint64_t n)
{
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 7;
	b->rng ^= b->rng << 17;
	return b->rng % n;
}

/* A fixed form, common or (half of the time) of this file's format. */
static size_t bad_fixed(struct bad *b)
{
	const char *const *set = bad_common;
	size_t n = ARRAY_SIZE(bad_common), len, j;

	if (b->kind->nforms && (rnd(b, 2) || b->kind->own_forms)) {
		set = b->kind->forms;
		n = b->kind->nforms;
	}
	j = rnd(b, n);
	/* "\0" forms: their length is what sizeof-less strlen cannot see */
	len = strlen(set[j]);
	if (!len)
		len = set[j][1] == '\n' ? 2 : 1;
	memcpy(b->buf, set[j], len);
	return len;
}

/* A valid value, a NUL, junk. */
static size_t bad_nul_form(struct bad *b)
{
	size_t j = rnd(b, ARRAY_SIZE(bad_nul));

	memcpy(b->buf, bad_nul[j].s, bad_nul[j].len);
	return bad_nul[j].len;
}

/* Oversized: more than a page, up to three. */
static size_t bad_oversized(struct bad *b)
{
	size_t len = 4097 + rnd(b, 2 * 4096);

	memset(b->buf, "1a0 "[rnd(b, 4)], len);
	return len;
}

/* Binary: 1..64 random bytes. */
static size_t bad_binary(struct bad *b)
{
	size_t len = 1 + rnd(b, 64), j;
	char c;

	for (j = 0; j < len; j++)
		b->buf[j] = (char)rnd(b, 256);
	c = (char)(0x80 | rnd(b, 128));		/* never well-formed by chance */
	b->buf[rnd(b, len)] = c;
	return len;
}

/* Hex digits, of a wrong length: 1..31 or 33..64. */
static size_t bad_hex_length(struct bad *b)
{
	size_t len = 1 + rnd(b, 63), j;
	char c;

	if (len >= 32)
		len++;
	for (j = 0; j < len; j++)
		b->buf[j] = hexdigits[rnd(b, sizeof(hexdigits) - 1)];
	if (len == 1 && (b->buf[0] == '0' || b->buf[0] == '1'))
		b->buf[0] = 'f';
	/* a uint file takes a short string of decimal digits: keep a letter in it */
	c = 'a' + rnd(b, 6);
	b->buf[rnd(b, len)] = c;
	return len;
}

/* 32 hex digits with one junk byte in them, or after them. */
static size_t bad_hex_junk(struct bad *b)
{
	static const char junk[] = "gGxz -+.\n\t\r\x01\xff";
	size_t len, j;

	for (j = 0; j < 32; j++)
		b->buf[j] = hexdigits[rnd(b, sizeof(hexdigits) - 1)];
	j = rnd(b, 33);
	b->buf[j] = junk[rnd(b, sizeof(junk) - 1)];
	len = j == 32 ? 33 : 32;
	if (j == 32 && b->buf[32] == '\n') {	/* one newline is allowed: two are not */
		b->buf[33] = '\n';
		len = 34;
	}
	if (j < 32 && b->buf[j] == '\n' && j == 31)	/* nor is a short key + newline */
		b->buf[j] = 'x';
	return len;
}

/* A sign, then digits. */
static size_t bad_signed(struct bad *b)
{
	size_t len = 1 + rnd(b, 20), j;

	b->buf[0] = "+-"[rnd(b, 2)];
	for (j = 1; j < len; j++)
		b->buf[j] = '0' + rnd(b, 10);
	if (len == 1)
		b->buf[len++] = '1';
	return len;
}

/* Overflow: 11..40 digits. */
static size_t bad_overflow(struct bad *b)
{
	size_t len = 11 + rnd(b, 30), j;

	if (len == 32)		/* 32 digits are a key */
		len = 31;
	b->buf[0] = '1' + rnd(b, 9);
	for (j = 1; j < len; j++)
		b->buf[j] = '0' + rnd(b, 10);
	return len;
}

/* Whitespace around a valid-looking value. */
static size_t bad_spaced(struct bad *b)
{
	const char *after = rnd(b, 2) ? "\n" : " \n";
	const char *before = rnd(b, 2) ? " " : "\t";

	return snprintf(b->buf, sizeof(b->buf), "%s%s%s", before, b->kind->valid, after);
}

/* The forms in turn, write by write; every 16th write a NUL form replaces the first. */
static size_t (*const bad_forms[])(struct bad *b) = {
	bad_fixed, bad_oversized, bad_binary, bad_hex_length, bad_hex_junk, bad_signed,
	bad_overflow, bad_spaced,
};

/* Fill @b->buf with malformed input number @i; return its length. */
static size_t bad_input(struct bad *b, long i)
{
	if (i % 16 == 8)
		return bad_nul_form(b);
	return bad_forms[i % ARRAY_SIZE(bad_forms)](b);
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

int cmd_badwrites(int argc, char **argv)
{
	static struct bad b = { .kind = &bad_other, .rng = 0x9e3779b97f4a7c15ull };
	long n = -1, i, einval = 0, empty = 0;
	const char *kind = NULL, *path;
	int first, fd;
	ssize_t r;
	size_t len;
	const struct opt_def defs[] = { OPT_COUNT(&n), OPT_STR('k', &kind), { 0 } };

	first = parse_opts(argc, argv, "n:k:", NULL, defs, true);
	if (n < 0 || !kind || argc - first != 1)
		usage_err("badwrites: -n N, -k KIND and one FILE are required");
	path = argv[first];
	for (i = 0; i < (long)ARRAY_SIZE(bad_kinds); i++)
		if (!strcmp(kind, bad_kinds[i].name))
			b.kind = &bad_kinds[i];
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("badwrites: %s: %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		/* every 1000th is empty: the VFS takes it without asking the file */
		len = i % 1000 == 999 ? 0 : bad_input(&b, i);
		r = pwrite(fd, b.buf, len, 0);
		if (r < 0 && errno == ESPIPE)	/* a seq_file's write takes no offset */
			r = write(fd, b.buf, len);
		if (!len && !r) {
			empty++;
		} else if (r < 0 && errno == EINVAL) {
			einval++;
		} else {
			fprintf(stderr, "seqload: badwrites: write %ld (%zu bytes) gave %s: ", i,
				len, r < 0 ? errname(errno) : "success");
			for (size_t j = 0; j < len && j < 80; j++)
				fprintf(stderr, isprint((unsigned char)b.buf[j]) ? "%c" : "\\x%02x",
					(unsigned char)b.buf[j]);
			fputc('\n', stderr);
			return 1;
		}
	}
	close(fd);
	printf("badwrites n=%ld EINVAL=%ld empty=%ld\n", n, einval, empty);
	return 0;
}

int cmd_try(int argc, char **argv)
{
	static char buf[65536];
	const struct opt_def defs[] = { { 0 } };
	int first = parse_opts(argc, argv, "+", NULL, defs, true);
	int nargs = argc - first, fd;
	char **args = argv + first;
	bool wr;

	if (nargs < 2 || nargs > 3 || (strcmp(args[0], "read") && strcmp(args[0], "write")))
		usage_err("try: read|write FILE [DATA]");
	wr = !strcmp(args[0], "write");
	fd = open(args[1], (wr ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd >= 0) {
		const char *data = nargs == 3 ? args[2] : "";

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
