# SPDX-License-Identifier: GPL-2.0
# class: full
# debug lane: kunit
# node_exporter end to end, as the package sets it up: seqstate-textfile (what the package's
# timer runs) copies /proc/net/seqstate/metrics into a textfile directory, Debian's
# prometheus-node-exporter serves it, and a scrape over loopback has every one of seqstate's
# samples with the value the file showed, and the states as ss counts them. The same for
# netns_metrics (every namespace); then the module gone (the textfile goes with it) and a
# bad setting refused.
. /seqstate/lib.sh

dir=/tmp/textfile
mkdir -p $dir
load_seqstate
in_netns_bg 'exec seqload hold --listen 2 --ready-file /tmp/ne2 >/dev/null'
other=$!
wait_ready /tmp/ne2 $other
seqload hold --listen 1 --established 3 --close-wait 2 --time-wait 2 --ready-file /tmp/ne \
	>/dev/null &
hold=$!
wait_ready /tmp/ne $hold

# node_exporter and its scrapes in a namespace of their own: their connections change no
# count of the namespaces the test reads.
in_netns_bg 'exec prometheus-node-exporter --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$1" --web.listen-address=127.0.0.1:9100 \
	>/tmp/node_exporter.log 2>&1' $dir
ne=$!
scrape() {
	nsenter -n -t $ne wget -qO- http://127.0.0.1:9100/metrics
}
up() {
	scrape >/dev/null 2>&1
}
wait_until 120 up

# check_scrape SOURCE: the textfile written from SOURCE, on a round in which SOURCE held
# still (but for the oldest sockets' ages, which grow with time), is SOURCE as it was; a
# scrape then has each of the textfile's samples with its value.
check_scrape() {
	local a ages=^seqstate_tcp_oldest_socket_age_seconds
	source=$1
	while_still /proc/net/seqstate/$source "$source" write_textfile $ages
	[ "$a" = "$(grep -v $ages $dir/seqstate.prom)" ] ||
		fail "$source: the textfile is not the file"
	want=$(awk -f /seqstate/awk/samples.awk $dir/seqstate.prom | sort)
	scraped=$(scrape)
	got=$(echo "$scraped" | grep '^seqstate_' | awk -f /seqstate/awk/samples.awk | sort)
	[ "$want" = "$got" ] || { printf 'file:\n%s\nscrape:\n%s\n' "$want" "$got" | sort | uniq -u
		fail "$source: the scrape differs from the file"; }
	[ -n "$got" ] || fail "$source: no samples"
	echo "pass: $source: $(echo "$got" | wc -l) samples scraped as the file has them"
	assert_eq "$source: the collector's errors" "node_textfile_scrape_error 0" \
		"$(echo "$scraped" | grep '^node_textfile_scrape_error')"
}

write_textfile() {
	SEQSTATE_TEXTFILE_DIR=$dir SEQSTATE_TEXTFILE_SOURCE=$source seqstate-textfile
}

check_scrape metrics
assert_eq "scraped established, as ss counts" "$(ss -tanH state established | wc -l)" \
	"$(echo "$got" | awk '$1 == "seqstate_tcp_sockets{state=\"established\"}" { print $2 }')"
assert_eq "scraped close_wait, as ss counts" "$(ss -tanH state close-wait | wc -l)" \
	"$(echo "$got" | awk '$1 == "seqstate_tcp_sockets{state=\"close_wait\"}" { print $2 }')"

check_scrape netns_metrics
ino=$(readlink /proc/self/ns/net | tr -dc 0-9)
other_ino=$(readlink /proc/$other/ns/net | tr -dc 0-9)
assert_eq "netns_metrics: this namespace's established, as ss counts" \
	"$(ss -tanH state established | wc -l)" \
	"$(echo "$got" | awk -v k="seqstate_tcp_sockets{netns=\"$ino\",state=\"established\"}" \
		'$1 == k { print $2 }')"
assert_eq "netns_metrics: the other namespace's listeners" 2 \
	"$(echo "$got" | awk -v k="seqstate_tcp_sockets{netns=\"$other_ino\",state=\"listen\"}" \
		'$1 == k { print $2 }')"
assert_eq "the textfile directory holds the one file" seqstate.prom "$(ls $dir)"

# A bad setting changes nothing; the module gone, so is the file and every series.
rc=0
SEQSTATE_TEXTFILE_DIR=$dir SEQSTATE_TEXTFILE_SOURCE=../metrics seqstate-textfile \
	2>/dev/null || rc=$?
assert_eq "SEQSTATE_TEXTFILE_SOURCE=../metrics: refused" 2 $rc
[ -s $dir/seqstate.prom ] || fail "a refused run touched the file"
kill $hold $other
wait $hold $other || :
unload_seqstate
SEQSTATE_TEXTFILE_DIR=$dir seqstate-textfile
assert_eq "the module gone: the textfile directory" "" "$(ls $dir)"
assert_eq "the module gone: seqstate's series" 0 "$(scrape | grep -c '^seqstate_' || :)"
kill $ne
wait $ne || :
