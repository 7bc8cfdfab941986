#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build seqstate with DKMS for Debian 12's stock kernel, boot it in a VM, drive
# real TCP traffic and show, on one screen, seqstate's counts against ss's, what reading them
# costs, a CLOSE-WAIT leak and who holds it, ISNs on the wire against the reference model,
# and its memory. The listings behind it go to out/demo/demo.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$SEQSTATE_TOP/out/demo
rm -rf "$out" && mkdir -p "$out"
log "preparing Debian bookworm's stock kernel and headers (cached after the first run)"
kver=$("$SEQSTATE_TOP/scripts/suite.sh" prepare bookworm amd64 | awk '{ print $2 }')
log "building seqstate $(seqstate_version) with dkms for $kver"
"$SEQSTATE_TOP/scripts/suite.sh" dkms bookworm "$out/ko" "$kver" >/dev/null
[ -e "$out/ko/$kver/seqstate.ko" ] || die "dkms build failed: $out/ko/dkms-$kver.log"
SEQSTATE_KEEP=1 "$SEQSTATE_TOP/scripts/vm.sh" demo "$SEQSTATE_CACHE/kernels/$kver/vmlinuz" \
	"$out/ko/$kver" demo "$out" >/dev/null || die "the demo VM failed: see $out/demo/"
res=$out/demo/results.txt
sed -n 's/^log| \{0,1\}//p' "$res" >"$out/demo.log"
# The captured SYN and SYN-ACK, judged by the reference model, for the guest's "@isn".
# A packet the model does not recompute is shown as such (the check then exits 1).
{ grep '^isn-wire ' "$res" || :; } | { python3 "$SEQSTATE_TOP/scripts/ref/isn_ref.py" check || :; } |
	awk 'NR == 1 { what = "SYN" } NR == 2 { what = "SYN-ACK" } {
		ok = $1 == "ok"; if (!ok) sub(/^NOT OK /, "no ")
		split($0, w, " "); for (i in w) if (split(w[i], kv, "=") == 2) v[kv[1]] = kv[2]
		printf "   %-8s%s -> %s\n            seq %s = F %s + M %s: %s\n", what, $2, $4,
			v["seq"], v["F"], v["seq-F"], ok ? "equal" : "NOT EQUAL (M outside " v["window"] ")" }' \
		>"$out/isn.txt"
echo
echo "seqstate $(seqstate_version) on Debian 12's kernel $kver, in a VM"
echo
sed -n 's/^demo| \{0,1\}//p' "$res" | sed "/^@isn\$/{
r $out/isn.txt
d
}"
echo
echo "Every listing behind these lines: $out/demo.log"
