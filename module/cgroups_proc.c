// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/cgroups and the cgroup families of the metrics file: what cgroups.c
 * counts, a row per cgroup of the namespace, "(other)" first. Paths are relative to the
 * reader's cgroup namespace, as /proc/PID/cgroup shows them.
 */
#include <linux/cgroup.h>
#include <linux/limits.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "cgroups.h"
#include "cgroups_proc.h"
#include "counters.h"
#include "tallies.h"

const char seqstate_cgroup_sockets_help[] =
	"# HELP seqstate_tcp_cgroup_sockets TCP sockets in each state now, by the cgroup they were made in.\n"
	"# TYPE seqstate_tcp_cgroup_sockets gauge\n";

/* The path of @row's cgroup as the reader sees it, in @buf (PATH_MAX bytes). */
static const char *seqstate_cg_path(const struct seqstate_tally_row *row, char *buf)
{
	struct cgroup *cgrp = (struct cgroup *)row->key;

	if (!cgrp)
		return "(other)";
#ifdef CONFIG_SOCK_CGROUP_DATA
	if (cgroup_path_ns(cgrp, buf, PATH_MAX, current->nsproxy->cgroup_ns) >= 0)
		return buf;
#endif
	return "(unknown)";
}

/*
 * A label value as the text format wants it: backslash, double quote and newline escaped.
 * Cgroup names may hold any byte but '/': other control bytes and bytes outside ASCII
 * become '?', so the value is always valid UTF-8; cgroup_id keeps such names apart.
 */
static void seqstate_seq_label(struct seq_file *seq, const char *s)
{
	unsigned char c;

	for (; (c = *s); s++) {
		if (c == '\\' || c == '"') {
			seq_putc(seq, '\\');
			seq_putc(seq, c);
		} else if (c == '\n') {
			seq_puts(seq, "\\n");
		} else {
			seq_putc(seq, c < 0x20 || c >= 0x7f ? '?' : c);
		}
	}
}

int seqstate_cgroups_proc_show(struct seq_file *seq, void *v)
{
	struct seqstate_tally_row *rows;
	char *buf;
	int n, r, i;

	n = seqstate_cgroups_read(seq_file_single_net(seq), &rows);
	if (n < 0)
		return n;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		seqstate_tallies_release(rows, n);
		return -ENOMEM;
	}
	seq_printf(seq, "%-10s", "cgroup_id");
	for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
		seq_printf(seq, " %11s", seqstate_state_name(seqstate_tally_states[i]));
	seq_printf(seq, " %11s %s\n", "halfopen", "path");
	for (r = 0; r < n; r++) {
		seq_printf(seq, "%-10llu", rows[r].id);
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
			seq_printf(seq, " %11lld", rows[r].now[seqstate_tally_states[i]]);
		seq_printf(seq, " %11lld ", rows[r].halfopen);
		seq_escape(seq, seqstate_cg_path(&rows[r], buf), " \t\n\\");
		seq_putc(seq, '\n');
	}
	kfree(buf);
	seqstate_tallies_release(rows, n);
	return 0;
}

/* @name{@labels cgroup="...",cgroup_id="..." (@labels: "" or the reader's, ending in ","). */
static void seqstate_cg_labels(struct seq_file *seq, const char *name, const char *labels,
			       const char *path, const struct seqstate_tally_row *row)
{
	seq_printf(seq, "%s{%scgroup=\"", name, labels);
	seqstate_seq_label(seq, path);
	seq_printf(seq, "\",cgroup_id=\"%llu\"", row->id);
}

/* Each row's path, once: cgroup_path_ns() takes cgroup_mutex. NULL: no memory. */
static char **seqstate_cg_paths(const struct seqstate_tally_row *rows, int n)
{
	char **paths = kcalloc(n, sizeof(*paths), GFP_KERNEL);
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	int r = 0;

	for (; paths && buf && r < n; r++) {
		paths[r] = kstrdup(seqstate_cg_path(&rows[r], buf), GFP_KERNEL);
		if (!paths[r])
			break;
	}
	if (paths && (r < n || !buf)) {
		while (r--)
			kfree(paths[r]);
		kfree(paths);
		paths = NULL;
	}
	kfree(buf);
	return paths;
}

/* The samples of seqstate_tcp_cgroup_sockets for @rows, with @labels first. */
static void seqstate_cg_sockets(struct seq_file *seq, const char *labels,
				const struct seqstate_tally_row *rows, char **paths, int n)
{
	const char *name = "seqstate_tcp_cgroup_sockets";
	int r, i, s;

	for (r = 0; r < n; r++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seqstate_cg_labels(seq, name, labels, paths[r], &rows[r]);
			seq_printf(seq, ",state=\"%s\"} %lld\n", seqstate_state_name(s),
				   rows[r].now[s]);
		}
}

static void seqstate_cg_paths_free(char **paths, int n)
{
	while (n--)
		kfree(paths[n]);
	kfree(paths);
}

void seqstate_cgroups_samples(struct seq_file *seq, const struct net *net, const char *labels)
{
	struct seqstate_tally_row *rows;
	char **paths;
	int n;

	n = seqstate_cgroups_read(net, &rows);
	if (n < 0)
		return;
	paths = seqstate_cg_paths(rows, n);
	if (paths) {
		seqstate_cg_sockets(seq, labels, rows, paths, n);
		seqstate_cg_paths_free(paths, n);
	}
	seqstate_tallies_release(rows, n);
}

void seqstate_cgroups_metrics(struct seq_file *seq, const struct net *net)
{
	struct seqstate_tally_row *rows;
	const char *name;
	char **paths;
	int n, r, i, s;

	n = seqstate_cgroups_read(net, &rows);
	if (n < 0)
		return;
	paths = seqstate_cg_paths(rows, n);
	if (!paths)
		goto out;
	seq_puts(seq, seqstate_cgroup_sockets_help);
	seqstate_cg_sockets(seq, "", rows, paths, n);
	name = "seqstate_tcp_cgroup_state_entered_total";
	seq_printf(seq, "# HELP %s Sockets that entered each state, by the cgroup they were made in.\n"
		   "# TYPE %s counter\n", name, name);
	for (r = 0; r < n; r++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seqstate_cg_labels(seq, name, "", paths[r], &rows[r]);
			seq_printf(seq, ",state=\"%s\"} %llu\n", seqstate_state_name(s),
				   rows[r].entered[s]);
		}
	name = "seqstate_tcp_cgroup_halfopen_sockets";
	seq_printf(seq, "# HELP %s Half-open connections on the listeners of each cgroup.\n"
		   "# TYPE %s gauge\n", name, name);
	for (r = 0; r < n; r++) {
		seqstate_cg_labels(seq, name, "", paths[r], &rows[r]);
		seq_printf(seq, "} %lld\n", rows[r].halfopen);
	}
	seq_printf(seq, "# HELP seqstate_tcp_cgroup_overflow_total Sockets counted in (other) because the namespace had cgroups_max cgroups.\n"
		   "# TYPE seqstate_tcp_cgroup_overflow_total counter\n"
		   "seqstate_tcp_cgroup_overflow_total %llu\n", rows[0].overflow);
	seqstate_cg_paths_free(paths, n);
out:
	seqstate_tallies_release(rows, n);
}
