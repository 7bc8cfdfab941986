# SPDX-License-Identifier: GPL-2.0
# Shared helpers for seqstate's scripts. Source it; it sets no shell options.

SEQSTATE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels, chroots and images live outside the repository and survive `git clean`.
SEQSTATE_CACHE=${SEQSTATE_CACHE:-/var/cache/seqstate}

log() { printf '[seqstate] %s\n' "$*" >&2; }
die() { printf '[seqstate] error: %s\n' "$*" >&2; exit 1; }

# The Debian mirror this host already uses, from its own apt sources.
debian_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
	      awk '{print $2}' | grep -v -e security -e nodesource -e google | head -n 1)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			     awk '{print $2}' | grep -v security | head -n 1)
	[ -n "$uri" ] || die "no Debian mirror found in the host's apt sources"
	echo "${uri%/}"
}

# Install host packages that are missing; idempotent and quiet when all are there.
APT_UPDATED=
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		[[ " ${missing[*]} " != *" $p "* ]] || continue
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	if [ -z "$APT_UPDATED" ]; then
		apt-get update -qq || die "apt-get update failed"
		APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# The version dkms.conf declares; MODULE_VERSION is generated from it too.
seqstate_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SEQSTATE_TOP/dkms.conf"
}

# The Debian security mirror this host uses (empty when it has none).
debian_security_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
	      grep security | head -n 1)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			     awk '{print $2}' | grep security | head -n 1)
	echo "${uri%/}"
}

# "suite flavour mode" rows of scripts/matrix, optionally narrowed by KERNELS, a space
# separated list of "suite", "suite/flavour" or "kunit" words.
matrix_rows() {
	local suite flavour mode w
	grep -v '^#' "$SEQSTATE_TOP/scripts/matrix" | while read -r suite flavour mode; do
		[ -n "$suite" ] || continue
		if [ -n "${KERNELS:-}" ]; then
			for w in $KERNELS; do
				[ "$w" = "$suite" ] || [ "$w" = "$suite/$flavour" ] && break
				w=
			done
			[ -n "$w" ] || continue
		fi
		echo "$suite $flavour $mode"
	done
}

# What the scripts install on the host, each for itself; check.sh installs them all first,
# because its lanes would otherwise run apt-get at once. A fresh Debian 12 minbase machine
# has none of these (scripts/cleanroom.sh proves it): the VM's initramfs takes busybox, ss
# and ip (with ldd's list of their libraries) from the host; the chroots are debootstrapped
# and their kernel images unpacked with xz/zstd; the debug kernels and the W=1 C=2 builds
# against them (sparse) run on the host.
PKGS_VM="qemu-system-x86 busybox-static cpio gzip iproute2 kmod python3 libbpf-tools"
PKGS_SUITE="debootstrap util-linux xz-utils zstd git"
PKGS_KBUILD="build-essential flex bison libelf-dev libssl-dev bc dwarves xz-utils sparse"
PKGS_KUNIT="$PKGS_KBUILD linux-source-6.1"

# unpacked_tool PACKAGE PATH: PATH (as in the package) of a Debian package of this host's
# suite, unpacked into the cache rather than installed: installing prometheus or
# prometheus-node-exporter would start a server on the host. Prints its path. Called once
# before lanes run (check.sh), so they never download at once.
unpacked_tool() {
	local pkg=$1 dir=$SEQSTATE_CACHE/$1
	if [ ! -x "$dir$2" ]; then
		mkdir -p "$dir"
		# A machine whose package lists were never fetched (or were cleaned) needs them.
		(cd "$dir" && { apt-get download -qq -o APT::Sandbox::User=root "$pkg" ||
			{ apt-get update -qq &&
			  apt-get download -qq -o APT::Sandbox::User=root "$pkg"; }; }) ||
			die "apt-get download $pkg failed"
		dpkg-deb -x "$dir/${pkg}"_*.deb "$dir" || die "cannot unpack $pkg"
		rm -f "$dir/${pkg}"_*.deb
	fi
	echo "$dir$2"
}

# promtool_path: Debian's promtool (package prometheus).
promtool_path() {
	unpacked_tool prometheus /usr/bin/promtool
}

# node_exporter_path: Debian's node_exporter (package prometheus-node-exporter), which the
# node_exporter test runs in the guest.
node_exporter_path() {
	unpacked_tool prometheus-node-exporter /usr/bin/prometheus-node-exporter
}

# tests_of CLASS: the guest tests (scripts/guest/tests/) whose header line "# class: ..." names
# CLASS. The classes: full (the integration suite), stress (full tests that make stress runs
# at full size), smoke (kernels that run no full suite), kunit (the KUnit suites: the KUnit
# kernel), debug (last, on the debug kernels: kmemleak), demo and bench (make demo, make bench).
tests_of() {
	grep -lE "^# class:(.* )?$1( |\$)" "$SEQSTATE_TOP"/scripts/guest/tests/*.sh |
		sed 's|.*/||; s|\.sh$||' | xargs
}

# wants WORD: KERNELS is empty (everything) or names WORD ("kunit", "rt-debug", "style").
wants() {
	[ -z "${KERNELS:-}" ] || [[ " $KERNELS " == *" $1 "* ]]
}

wants_kunit() {
	wants kunit
}

# Run a command in a chroot with /proc mounted (objtool needs it), in a private mount
# namespace so nothing stays mounted whatever happens.
in_chroot() {
	local root=$1
	shift
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" "$@"
}

# with_suite_lock SUITE CMD...: one user of a suite's chroot's apt state at a time (make
# check's stock kernels and the RT debug kernel's source both come from trixie's).
with_suite_lock() {
	local suite=$1
	shift
	mkdir -p "$SEQSTATE_CACHE/chroot"
	(flock 9 && "$@") 9>"$SEQSTATE_CACHE/chroot/.$suite.lock"
}

# copy_tree DEST PATH...: the tracked and untracked (not ignored) files of this tree, for a
# build that must not write into it (two lanes build at once).
copy_tree() {
	local dest=$1
	rm -rf "$dest" && mkdir -p "$dest"
	(cd "$SEQSTATE_TOP" && git ls-files -co --exclude-standard -- "${@:2}" | tar -cf - -T -) |
		tar -xf - -C "$dest"
}

# The workload tool, static so it runs in the busybox guest: every .c of scripts/workload/,
# rebuilt when a source or its header is newer than the binary. Prints its path.
build_seqload() {
	local dir=$SEQSTATE_TOP/scripts/workload bin=$SEQSTATE_TOP/scripts/workload/seqload
	need_pkgs gcc libc6-dev
	if [ ! -x "$bin" ] || [ -n "$(find "$dir" -maxdepth 1 -name '*.[ch]' -newer "$bin")" ]; then
		gcc -O2 -Wall -Wextra -Werror -static -pthread -o "$bin" "$dir"/*.c >&2 ||
			die "cannot build seqload"
	fi
	echo "$bin"
}

# The suites declared under kunit/: every one of them must report in the KUnit kernel.
kunit_suites() {
	sed -n 's/^[[:space:]]*\.name = "\(seqstate_[a-z0-9_]*\)",$/\1/p' "$SEQSTATE_TOP"/kunit/*.c
}

# KVM when a short boot proves it works, TCG otherwise (nested KVM can hang: never wait long).
# TCG runs its vCPUs in one host thread: with one thread per vCPU (MTTCG), a vCPU can run a
# stale translation of kernel text that another vCPU just patched, and static-key patching
# (attaching a tracepoint probe) then dies on a stray int3 in the guest, seen on Debian 7.2.
probe_accel() {
	local img=${1:-}
	if [ -w /dev/kvm ] && [ -n "$img" ] &&
	   timeout -k 2 15 qemu-system-x86_64 -accel kvm -M q35 -cpu host -m 256 -nodefaults \
		-nographic -no-reboot -monitor none -serial stdio -kernel "$img" \
		-append "console=ttyS0 panic=-1 rdinit=/nonexistent" </dev/null 2>/dev/null |
	   grep -q 'Kernel panic'; then
		echo kvm
	else
		echo tcg,thread=single
	fi
}

# Debian's linux-source-6.1, unpacked once: the KUnit kernel and checkpatch come from it.
linux_source() {
	local ver src
	need_pkgs linux-source-6.1 xz-utils
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	src=$SEQSTATE_CACHE/src/linux-source-$ver
	if [ ! -e "$src/.seqstate-done" ]; then
		log "unpacking linux-source $ver"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
		touch "$src/.seqstate-done"
	fi
	echo "$src"
}

# build_debug_kernel KIND SRC FRAG: a kernel from the source tree SRC, tinyconfig plus the
# fragment FRAG, built once per machine out of tree in
# $SEQSTATE_CACHE/KIND/<source version>-<fragment hash>. Prints that directory.
build_debug_kernel() {
	local kind=$1 src=$2 frag=$3 key obj missing t0=$SECONDS
	key=$(basename "$src" | sed 's/^linux-source-//')-$(sha256sum "$frag" | cut -c1-12)
	obj=$SEQSTATE_CACHE/$kind/$key
	mkdir -p "$SEQSTATE_CACHE/$kind"
	# Two runs at once build it once.
	exec 9>"$obj.lock"
	flock 9
	if [ ! -e "$obj/.seqstate-done" ]; then
		log "building the $kind kernel ($key); 5-20 minutes on 2 cores"
		rm -rf "$obj" && mkdir -p "$obj"
		make -s -C "$src" O="$obj" tinyconfig >/dev/null
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null
		make -s -C "$src" O="$obj" olddefconfig >/dev/null
		# merge_config drops options whose dependencies are unmet, silently: refuse that.
		missing=$(grep '^CONFIG_' "$frag" | while read -r line; do
			grep -qx "$line" "$obj/.config" || echo "$line"
		done | xargs)
		[ -z "$missing" ] || die "the $kind kernel's config lacks: $missing"
		make -s -C "$src" O="$obj" -j"$(nproc)" bzImage modules_prepare ||
			die "the $kind kernel did not build"
		# Module.symvers, for the modules built against it.
		make -s -C "$src" O="$obj" -j"$(nproc)" modules || die "the $kind kernel did not build"
		touch "$obj/.seqstate-done"
		log "built the $kind kernel in $((SECONDS - t0)) s"
	fi
	exec 9>&-
	echo "$obj"
}

# The kernel reports that fail a VM run, whoever caused them.
CONSOLE_BAD='BUG:|WARNING:|Call Trace:|RIP:|Oops|Kernel panic|general protection|UBSAN:|KASAN:'
CONSOLE_BAD+='|unreferenced object|INFO: lockdep|DEBUG_LOCKS_WARN_ON|inconsistent lock state'
CONSOLE_BAD+='|possible (recursive|circular) locking|suspicious RCU usage|Invalid wait context'
CONSOLE_BAD+='|soft lockup|hard LOCKUP|rcu_.*stall|hung_task|blocked for more than|list_add corruption'

# console_reports CONSOLE: "LINE:TEXT" of every report in a VM's console log. A task dump
# the guest asked for (a test still running after SEQSTATE_STUCK_AFTER, scripts/guest/init)
# is a diagnostic, not a report: the lines between its begin and end markers are left out.
# A dump whose end marker never came is judged like every other line.
console_reports() {
	awk -v bad="$CONSOLE_BAD" '
	function judge(nr, line) { if (line ~ bad) printf "%d:%s\n", nr, line }
	function flush(i) { for (i = 1; i <= n; i++) judge(nrs[i], buf[i]); n = 0 }
	/seqstate-task-dump-begin/ { flush(); dump = 1; next }
	/seqstate-task-dump-end/ { dump = 0; n = 0; next }
	dump { n++; nrs[n] = NR; buf[n] = $0; next }
	{ judge(NR, $0) }
	END { flush() }' "$1"
}
