# SPDX-License-Identifier: GPL-2.0
# The short test for kernels that run no full suite: load, count a connection, unload.
. /seqstate/lib.sh

load_seqstate
assert_eq "module version" "$SEQSTATE_VERSION" "$(cat /sys/module/seqstate/version)"
est=$(entered established)
seqload churn -n 3
assert_eq "established entries" $((est + 6)) "$(entered established)"
unload_seqstate
[ ! -e /proc/net/seqstate ] || fail "/proc/net/seqstate left behind"
