#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict over every kernel C source and header of the project (not the
# userspace workload tool).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs perl git
src=$(linux_source)
cd "$SEQSTATE_TOP"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^scripts/workload/')
"$src/scripts/checkpatch.pl" --no-tree --strict --terse --show-types -f "${files[@]}"
