# SPDX-License-Identifier: GPL-2.0
# Run last on kernels with kmemleak: anything seqstate leaked over all the tests shows here.
. /seqstate/lib.sh
f=/sys/kernel/debug/kmemleak
[ -e $f ] || { echo "no kmemleak in this kernel"; exit 0; }
echo clear >$f
load_seqstate
unshare -n true
unload_seqstate
# kmemleak reports an object only once it has stayed unreferenced over two scans.
echo scan >$f
sleep 5
echo scan >$f
leaks=$(cat $f)
[ -z "$leaks" ] || { echo "$leaks"; fail "kmemleak reports leaks"; }
