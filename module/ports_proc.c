// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/seqstate/ports and the port families of the metrics file: what ports.c counts,
 * a row per listening port of the namespace, with its listeners' queues as ss -ltn shows
 * them (Recv-Q: accept_queue, Send-Q: backlog) and their half-open connections.
 */
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "counters.h"
#include "ports.h"
#include "ports_proc.h"
#include "tallies.h"

const char seqstate_port_sockets_help[] =
	"# HELP seqstate_tcp_port_sockets TCP sockets in each state now, by local port, for listening ports.\n"
	"# TYPE seqstate_tcp_port_sockets gauge\n";

int seqstate_ports_proc_show(struct seq_file *seq, void *v)
{
	struct seqstate_tally_row *rows, *row;
	int n, i;

	n = seqstate_ports_read(seq_file_single_net(seq), &rows);
	if (n < 0)
		return n;
	seq_printf(seq, "%-5s %9s %12s %9s %9s", "port", "listeners", "accept_queue", "backlog",
		   "halfopen");
	for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
		seq_printf(seq, " %11s", seqstate_state_name(seqstate_tally_states[i]));
	seq_putc(seq, '\n');
	for (row = rows + 1; row < rows + n; row++) {
		seq_printf(seq, "%-5llu %9lld %12lld %9lld %9lld", row->id, row->listeners,
			   row->accept_queue, row->backlog, row->halfopen);
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++)
			seq_printf(seq, " %11lld", row->now[seqstate_tally_states[i]]);
		seq_putc(seq, '\n');
	}
	seqstate_tallies_release(rows, n);
	return 0;
}

/* One gauge per port, from the listeners' side of @rows. */
static void seqstate_port_family(struct seq_file *seq, const char *name, const char *help,
				 const struct seqstate_tally_row *rows, int n, size_t offset)
{
	const struct seqstate_tally_row *row;

	seq_printf(seq, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (row = rows + 1; row < rows + n; row++)
		seq_printf(seq, "%s{port=\"%llu\"} %lld\n", name, row->id,
			   *(const s64 *)((const char *)row + offset));
}

static void seqstate_port_sockets(struct seq_file *seq, const char *labels,
				  const struct seqstate_tally_row *rows, int n)
{
	const struct seqstate_tally_row *row;
	int i, s;

	for (row = rows + 1; row < rows + n; row++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seq_printf(seq, "seqstate_tcp_port_sockets{%sport=\"%llu\",state=\"%s\"} %lld\n",
				   labels, row->id, seqstate_state_name(s), row->now[s]);
		}
}

void seqstate_ports_samples(struct seq_file *seq, const struct net *net, const char *labels)
{
	struct seqstate_tally_row *rows;
	int n = seqstate_ports_read(net, &rows);

	if (n < 0)
		return;
	seqstate_port_sockets(seq, labels, rows, n);
	seqstate_tallies_release(rows, n);
}

void seqstate_ports_metrics(struct seq_file *seq, const struct net *net)
{
	struct seqstate_tally_row *rows, *row;
	const char *name;
	int n, i, s;

	n = seqstate_ports_read(net, &rows);
	if (n < 0)
		return;
	seq_puts(seq, seqstate_port_sockets_help);
	seqstate_port_sockets(seq, "", rows, n);
	name = "seqstate_tcp_port_state_entered_total";
	seq_printf(seq, "# HELP %s Sockets that entered each state, by local port, for listening ports.\n"
		   "# TYPE %s counter\n", name, name);
	for (row = rows + 1; row < rows + n; row++)
		for (i = 0; i < ARRAY_SIZE(seqstate_tally_states); i++) {
			s = seqstate_tally_states[i];
			seq_printf(seq, "%s{port=\"%llu\",state=\"%s\"} %llu\n", name, row->id,
				   seqstate_state_name(s), row->entered[s]);
		}
	seqstate_port_family(seq, "seqstate_tcp_port_halfopen_sockets",
			     "Half-open connections on the listeners of each port.", rows, n,
			     offsetof(struct seqstate_tally_row, halfopen));
	seqstate_port_family(seq, "seqstate_tcp_port_listeners",
			     "Listening sockets on each port.", rows, n,
			     offsetof(struct seqstate_tally_row, listeners));
	seqstate_port_family(seq, "seqstate_tcp_port_accept_queue",
			     "Connections waiting for accept() on each port's listeners.", rows, n,
			     offsetof(struct seqstate_tally_row, accept_queue));
	seqstate_port_family(seq, "seqstate_tcp_port_accept_backlog",
			     "The accept queue limits of each port's listeners, summed.", rows, n,
			     offsetof(struct seqstate_tally_row, backlog));
	seq_printf(seq, "# HELP seqstate_tcp_port_overflow_total Listening ports not counted because the namespace had ports_max.\n"
		   "# TYPE seqstate_tcp_port_overflow_total counter\n"
		   "seqstate_tcp_port_overflow_total %llu\n", rows[0].overflow);
	seqstate_tallies_release(rows, n);
}
