# SPDX-License-Identifier: GPL-2.0
# class: full stress
# debug lane: rt
# Hostile input and permissions. Every writable file takes malformed writes (seqload
# badwrites: empty, oversized, partial, binary, signs, overflow, whitespace forms, a valid
# value with a NUL and junk after it) and answers each with EINVAL (an empty write to a
# sysfs file is 0: the VFS never asks the module), nothing changes, and the console is not
# flooded.
# Nobody but root writes anything, nobody reads the key, an unprivileged user namespace
# changes nothing host-wide, and its root cannot ask the query (an oracle of the key).
# Size: SEQSTATE_STRESS_WRITES per file (default 1000; make stress: 10000).
. /seqstate/lib.sh

# In a namespace of its own: its counters must not move.
own_netns

writes=${SEQSTATE_STRESS_WRITES:-1000}
isn=/sys/kernel/seqstate/isn
guard=$isn/rekey_guard_s
param=/sys/module/seqstate/parameters/rekey_guard_s
query=/proc/net/seqstate/query
load_seqstate
echo 0 >$guard		# active may switch; the guard is 0 throughout and must stay so
seqload churn -n 5 -r >/dev/null	# counters to keep, and no TIME-WAIT to expire

# F of a tuple under the key now: a query, answered on the same open file.
f_now() {
	{ echo "127.0.0.1 80 127.0.0.2 81" >&5; cat <&5; } 5<>$query | sed 's/.* f=\([0-9]*\).*/\1/'
}
f=$(f_now)

state() {	# everything a write could change
	echo "epoch=$(cat $isn/key_epoch) active=$(cat $isn/active) guard=$(cat $guard)"
	echo "answered=$(cat $isn/answered_v4)/$(cat $isn/answered_v6) f=$(f_now)"
	cat /proc/net/seqstate/states /proc/net/seqstate/transitions /proc/net/seqstate/isn
}

# The module's messages so far: every one has the "seqstate: " prefix.
messages() {
	dmesg | grep -c 'seqstate: ' || true
}

for active in 0 1; do
	echo $active >$isn/active
	before=$(state)
	msgs=$(messages)
	start=$(date +%s)
	for file in "$isn/key key" "$isn/rekey bool" "$isn/active bool" "$query query" \
		 "$guard uint"; do
		set -- $file
		out=$(seqload badwrites -n "$writes" -k "$2" "$1") || fail "badwrites $1"
		echo "pass: $1: $out"
	done
	assert_eq "everything a write could change, after $((5 * writes)) bad writes (active=$active)" \
		"$before" "$(state)"
	# printk_ratelimited: at most 10 lines per call site per 5 s, and a "callbacks
	# suppressed" line; five call sites.
	elapsed=$(($(date +%s) - start))
	bound=$((5 * 11 * (elapsed / 5 + 2)))
	new=$(($(messages) - msgs))
	[ "$new" -le "$bound" ] || fail "$new console lines for $((5 * writes)) bad writes in ${elapsed}s"
	echo "pass: $new console lines for $((5 * writes)) bad writes in ${elapsed}s (at most $bound)"
done
echo 0 >$isn/active

# The same key gives the same F: the bad writes did not touch it.
assert_eq "F of a tuple after the bad writes" "$f" "$(f_now)"

# Well-formed writes still work: the bad ones broke nothing.
echo 000102030405060708090a0b0c0d0e0f >$isn/key
echo 1 >$isn/rekey
assert_eq "key_epoch after two good key changes" 2 "$(cat $isn/key_epoch)"
echo 60 >$guard
assert_eq "rekey_guard_s, as the parameter shows it" 60 "$(cat $param)"

# Permissions: the least that works.
mode() {
	ls -l "$1" | cut -c1-10
}
assert_eq "mode of isn/key" "--w-------" "$(mode $isn/key)"
assert_eq "mode of isn/rekey" "--w-------" "$(mode $isn/rekey)"
assert_eq "mode of query" "-rw-------" "$(mode $query)"
assert_eq "mode of isn/active" "-rw-r--r--" "$(mode $isn/active)"
assert_eq "mode of isn/rekey_guard_s" "-rw-r--r--" "$(mode $guard)"
assert_eq "mode of the rekey_guard_s parameter" "-r--r--r--" "$(mode $param)"
assert_eq "root reads the key" EACCES "$(seqload try read $isn/key)"
assert_eq "root reads rekey" EACCES "$(seqload try read $isn/rekey)"

files=$(find /proc/net/seqstate /sys/kernel/seqstate /sys/module/seqstate/parameters -type f)
for f in $files; do
	# nobody (65534) writes nothing
	assert_eq "nobody writes $f" EACCES "$(seqload asuser 65534 seqload try write "$f" 1)"
	case $(mode "$f") in
	???????r??) r=ok ;;
	*) r=EACCES ;;
	esac
	assert_eq "nobody reads $f" $r "$(seqload asuser 65534 seqload try read "$f")"
	# root cannot write what has no writer
	case $(mode "$f") in
	*w*) ;;
	*) [ "$(seqload try write "$f" 1)" != ok ] || fail "root wrote read-only $f" ;;
	esac
done

# An unprivileged user namespace (root in it, nobody outside) changes nothing host-wide.
[ ! -e /proc/sys/kernel/unprivileged_userns_clone ] ||
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
before=$(state)
for f in $isn/key $isn/rekey $isn/active $guard $param; do
	assert_eq "root of an unprivileged user namespace writes $f" EACCES \
		"$(seqload asuser 65534 unshare -r -n seqload try write "$f" 1)"
done
# A network namespace it made once its user namespace had root mapped is its own, /proc/net
# included: it opens the query there, but may not ask.
assert_eq "root of an unprivileged user namespace asks its own namespace's query" EPERM \
	"$(seqload asuser 65534 unshare -r sh -c \
	   'unshare -n seqload try write "$0" "127.0.0.1 80 127.0.0.2 81"' "$query")"
assert_eq "root of an unprivileged user namespace reads the key" EACCES \
	"$(seqload asuser 65534 unshare -r -n seqload try read $isn/key)"
assert_eq "its own namespace's states, empty" 0 \
	"$(seqload asuser 65534 unshare -r -n sh -c '. /seqstate/lib.sh; now established')"
assert_eq "everything, after the user namespace's writes" "$before" "$(state)"
unload_seqstate
