# SPDX-License-Identifier: Apache-2.0
# The Linux guest, from Debian's arm64 packages (partitions/linux/README.md).
#   make linux                   build/partitions/linux/{Image,initramfs.cpio.gz,manifest.txt}
#   make linux LINUX_REFRESH=1   resolve the current Debian versions again first
# The .debs are cached in build/partitions/linux/cache/: later builds are offline.

LINUX_O    := build/partitions/linux
LINUX_SRCS := $(wildcard partitions/linux/build.sh partitions/linux/mkcpio.py \
	partitions/linux/drivers.txt) $(shell find partitions/linux/rootfs -type f)

.PHONY: linux linux-force
linux: $(LINUX_O)/Image $(LINUX_O)/initramfs.cpio.gz

# One run of the recipe writes both; a refresh always runs it.
$(LINUX_O)/Image $(LINUX_O)/initramfs.cpio.gz &: $(LINUX_SRCS) $(if $(filter 1,$(LINUX_REFRESH)),linux-force)
	$(Q)LINUX_REFRESH=$(LINUX_REFRESH) bash partitions/linux/build.sh $(LINUX_O)

linux-force:
