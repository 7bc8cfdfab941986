# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest tests; each test runs as `sh -e`, sourcing this.
. /seqstate/config

fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "pass: $1 = $3"
}

load_seqstate() {
	insmod /seqstate/seqstate.ko "$@"
}

unload_seqstate() {
	rmmod seqstate
}

# entered STATE [FILE]: the "entered" column of a /proc/net/seqstate/states row
entered() {
	awk -v s="$1" '$1 == s { print $2 }' "${2:-/proc/net/seqstate/states}"
}

# ss_count STATE: sockets `ss` shows in STATE (ss's own state names) in this netns
ss_count() {
	ss -tanH state "$1" | wc -l
}

STATES="listen syn_sent syn_recv established fin_wait1 fin_wait2 close_wait closing last_ack time_wait close"
