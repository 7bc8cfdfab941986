# SPDX-License-Identifier: GPL-2.0
# class: debug
# Run last on kernels with kmemleak: anything seqstate leaked over all the tests shows here.
# Objects the kernel allocated while booting (start_kernel, built-in initcalls: ACPI's
# caches, say) are not the module's and are left out.
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
leaks=$(awk -f /seqstate/awk/kmemleak.awk $f)
[ -z "$leaks" ] || { echo "$leaks"; fail "kmemleak reports leaks"; }
echo "pass: no leaks ($(grep -c '^unreferenced object' $f || true) objects from the kernel's boot left out)"
