#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine) the debug kernel that runs seqstate's KUnit suites, from Debian's
# linux-source-6.1 and scripts/kconfig/kunit.config. Prints the build directory.
# Cached in $SEQSTATE_CACHE/kunit/<source version>-<fragment hash>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086
need_pkgs $PKGS_KUNIT
src=$(linux_source)
build_debug_kernel kunit "$src" "$SEQSTATE_TOP/scripts/kconfig/kunit.config"
