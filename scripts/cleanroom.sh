#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The cold-start proof: `make check` on a fresh Debian 12 machine, with none of the packages
# the scripts install. A `debootstrap --variant=minbase bookworm` chroot stands in for that
# machine: a git clone of this tree (plus the work tree's uncommitted changes, unless
# SEQSTATE_CLEANROOM_HEAD=1) is copied in and `make check` runs there as root, with an empty
# SEQSTATE_CACHE and /proc, /sys and /dev mounted in a private mount namespace (nothing
# stays mounted). Only `make` is installed first: the user typing `make check` has it.
#
#   scripts/cleanroom.sh [DIR]     DIR: default /var/tmp/seqstate-cleanroom, emptied first
#
# KERNELS, TESTS and the other SEQSTATE_* settings of make check pass through, e.g.
#   KERNELS="style bookworm/cloud-amd64" TESTS=smoke scripts/cleanroom.sh
# Prints the time of each part; the results stay in DIR/root/seqstate/out/check/. The whole
# `make check` from cold takes some 30-45 minutes of both cores and about 15 GB in DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086
need_pkgs $PKGS_SUITE
dir=$(realpath -m "${1:-/var/tmp/seqstate-cleanroom}")
case $dir in
/ | /root | /var | /var/tmp | /tmp | "$SEQSTATE_TOP"*) die "refusing to empty $dir" ;;
esac
t0=$SECONDS

log "emptying $dir"
rm -rf --one-file-system "$dir"
mkdir -p "$dir"
mirror=$(debian_mirror)
sec=$(debian_security_mirror)
log "debootstrap --variant=minbase bookworm $dir from $mirror"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
	die "debootstrap failed, see $dir.debootstrap.log"
{
	echo "deb $mirror bookworm main"
	echo "deb $mirror bookworm-updates main"
	[ -z "$sec" ] || echo "deb $sec bookworm-security main"
} >"$dir/etc/apt/sources.list"
# As scripts/suite.sh does for its chroots: a mirror's Release file may be past Valid-Until.
echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99seqstate"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# A chroot is not a booted machine: packages start no services in it.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod 755 "$dir/usr/sbin/policy-rc.d"
t_boot=$((SECONDS - t0))

# The tree: a clone, then what the work tree changed.
tree=$dir/root/seqstate
git clone -q "$SEQSTATE_TOP" "$tree"
if [ -z "${SEQSTATE_CLEANROOM_HEAD:-}" ]; then
	(cd "$SEQSTATE_TOP" && git ls-files -co --exclude-standard | tar -cf - -T -) |
		tar -xf - -C "$tree"
	(cd "$SEQSTATE_TOP" && git ls-files -d) | (cd "$tree" && xargs -r rm -f --)
fi
log "tree: $(git -C "$SEQSTATE_TOP" rev-parse --short HEAD)$([ -n "${SEQSTATE_CLEANROOM_HEAD:-}" ] ||
	echo ' plus the work tree')"

# What passes into the clean room: make check's settings, nothing of the host's environment.
pass=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
      LANG=C.UTF-8 TERM=dumb SEQSTATE_CACHE=/var/cache/seqstate)
for v in KERNELS TESTS $(compgen -e | grep '^SEQSTATE_' | grep -vx -e SEQSTATE_CACHE \
		-e SEQSTATE_CLEANROOM_HEAD || true); do
	[ -z "${!v+x}" ] || pass+=("$v=${!v}")
done
log "running in the clean room: ${pass[*]:5}"

# The clean room'''s / is a mount point, as a machine'''s is: the scripts''' own
# `unshare --propagation private` fails on one that is not.
# shellcheck disable=SC2016
unshare --mount --propagation private sh -c '
	root=$0
	mount --bind "$root" "$root" &&
	mount -t proc proc "$root/proc" &&
	mount --rbind /sys "$root/sys" &&
	mount --rbind /dev "$root/dev" &&
	exec chroot "$root" "$@"' "$dir" env -i "${pass[@]}" bash -c '
	set -u
	t0=$SECONDS
	mkdir -p "$SEQSTATE_CACHE"
	[ -z "$(ls -A "$SEQSTATE_CACHE")" ] || { echo "SEQSTATE_CACHE is not empty"; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends make >/dev/null || exit 1
	t1=$SECONDS
	cd /root/seqstate && make check
	rc=$?
	echo "cleanroom: make installed in $((t1 - t0)) s; make check: $((SECONDS - t1)) s, exit $rc"
	exit $rc' && rc=0 || rc=$?
echo "cleanroom: debootstrap $t_boot s; total $((SECONDS - t0)) s; exit $rc; results in" \
	"$tree/out/check/results"
exit "$rc"
