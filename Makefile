# SPDX-License-Identifier: GPL-2.0
#
#   make                 build module/seqstate.ko against KDIR (default: the running kernel)
#   make kunit           also build kunit/seqstate_kunit.ko, the KUnit suites
#   make demo            boot the module in a VM on Debian's stock kernel and show it working
#   make check           every test: style, W=1, sparse, KUnit, integration, DKMS (see README)
#   make check-full      the same with the whole integration suite on every kernel
#   make stress          the stress tests at full size on the debug kernels and the rt kernels
#   make bench           benchmarks in a VM; prints ratios against a baseline of the same run
#   make style           checkpatch.pl --strict
#   make deb             the Debian package, seqstate-dkms_VERSION-1_all.deb, into out/deb/
#   make dkms-install    install this tree with DKMS for the running kernel
#
# KERNELS narrows demo, check and bench: KERNELS="bookworm trixie/rt-amd64 kunit rt-debug".

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

kunit:
	$(MAKE) -C $(KDIR) M=$(CURDIR) SEQSTATE_KUNIT=m modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) SEQSTATE_KUNIT=m clean

style:
	scripts/style.sh

demo:
	scripts/demo.sh

check:
	scripts/check.sh

check-full:
	SEQSTATE_FULL=1 scripts/check.sh

# make check runs the same tests smaller (see README, "Reliability"). On the debug kernels
# 100 reload cycles take close to two hours: the hung-test dump and the timeout leave room.
stress:
	KERNELS="$${KERNELS:-kunit rt-debug bookworm/rt-amd64 trixie/rt-amd64}" SEQSTATE_CLASS=stress \
	SEQSTATE_STRESS_ENV="SEQSTATE_STRESS_CYCLES=100 SEQSTATE_STRESS_NETNS=200 SEQSTATE_STRESS_WRITES=10000 SEQSTATE_STUCK_AFTER=9000" \
	SEQSTATE_KUNIT_TIMEOUT=10800 SEQSTATE_RT_TIMEOUT=10800 SEQSTATE_STOCK_TIMEOUT=3600 scripts/check.sh

bench:
	scripts/bench.sh

deb:
	scripts/suite.sh deb out/deb

dkms-install:
	dkms remove seqstate/$(VERSION) --all >/dev/null 2>&1 || true
	rm -rf /usr/src/seqstate-$(VERSION)
	mkdir -p /usr/src/seqstate-$(VERSION)
	cp -r Kbuild Makefile dkms.conf module include /usr/src/seqstate-$(VERSION)/
	dkms install seqstate/$(VERSION)

.PHONY: all module kunit clean style demo check check-full stress bench deb dkms-install
