#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine) the debug kernel that runs seqstate's KUnit suites, from Debian's
# linux-source-6.1 and scripts/kconfig/kunit.config. Prints the build directory.
# Cached in $SEQSTATE_CACHE/kunit/<source version>-<fragment hash>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs $PKGS_KUNIT

frag=$SEQSTATE_TOP/scripts/kconfig/kunit.config
src=$(linux_source)
key=$(basename "$src" | sed 's/^linux-source-//')-$(sha256sum "$frag" | cut -c1-12)
obj=$SEQSTATE_CACHE/kunit/$key

if [ -e "$obj/.seqstate-done" ]; then
	echo "$obj"
	exit 0
fi

log "building the KUnit kernel ($key); about 5-10 minutes on 2 cores"
rm -rf "$obj" && mkdir -p "$obj"
make -s -C "$src" O="$obj" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null
make -s -C "$src" O="$obj" olddefconfig >/dev/null

# merge_config drops options whose dependencies are unmet, silently: refuse that.
missing=$(grep '^CONFIG_' "$frag" | while read -r line; do
	grep -qx "$line" "$obj/.config" || echo "$line"
done)
[ -z "$missing" ] || die "KUnit kernel config lacks: $(echo $missing)"

make -s -C "$src" O="$obj" -j"$(nproc)" bzImage modules_prepare
make -s -C "$src" O="$obj" -j"$(nproc)" modules
touch "$obj/.seqstate-done"
echo "$obj"
