# SPDX-License-Identifier: GPL-2.0
# kmemleak test: the reports of /sys/kernel/debug/kmemleak, less the objects the kernel
# allocated while booting (start_kernel, built-in initcalls).
/^unreferenced object/ { if (rec != "" && !boot) printf "%s", rec; rec = ""; boot = 0 }
/ start_kernel\+| kernel_init_freeable\+/ { boot = 1 }
{ rec = rec $0 "\n" }
END { if (rec != "" && !boot) printf "%s", rec }
