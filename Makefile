# SPDX-License-Identifier: Apache-2.0
# Bulkhead top-level build.
#   make [BOARD=qemu-virt] [CONFIG=linux-rtos] build build/<board>/<config>/bulkhead.{elf,bin}
#   make run                                   build and boot the default system on QEMU
#   make test                                  host unit tests + QEMU integration tests
#   make check                                 clang-format, cppcheck, clang build
# Missing host packages are installed by tools/setup.sh (called automatically).

BOARD         ?= qemu-virt
CONFIG        ?= linux-rtos
CROSS_COMPILE ?= aarch64-linux-gnu-
# SELFTEST=<name> builds a debug variant with a hypervisor self-test compiled in
# (e.g. el2-fault); it goes to its own build directory.
SELFTEST      ?=
HOSTCC        ?= cc
# V=1 shows full commands.
Q := $(if $(V),,@)
PYTHON        ?= /usr/bin/python3

ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
CPP     := $(CROSS_COMPILE)cpp
DTC     ?= dtc

BOARD_DIR := boards/$(BOARD)
ifeq ($(wildcard $(BOARD_DIR)/board.mk),)
$(error BOARD=$(BOARD): no $(BOARD_DIR)/board.mk (boards: $(notdir $(wildcard boards/*))))
endif
include $(BOARD_DIR)/board.mk
# A board variant may run another board's configurations (board.mk: CONFIG_BOARD).
CONFIG_BOARD ?= $(BOARD)
CONFIG_SRC := configs/$(CONFIG_BOARD)/$(CONFIG).dts

VARIANT := $(CONFIG)$(if $(SELFTEST),+$(SELFTEST))$(if $(filter clang%,$(notdir $(CC))),+clang)
O       := build/$(BOARD)/$(VARIANT)
GEN     := $(O)/gen
TOOLS_O := build/tools

VERSION := 0.1.0
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- hypervisor
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wconversion -Wsign-conversion \
	-Wvla -Wstrict-prototypes -Wmissing-prototypes -Wundef -Wcast-align \
	-Wpointer-arith -Wmissing-declarations -Wno-unused-parameter
HYP_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -fno-builtin \
	-fno-common -fno-pie -fno-pic -fno-stack-protector -fno-omit-frame-pointer \
	-mgeneral-regs-only -mstrict-align -fno-strict-aliasing \
	-ffunction-sections -fdata-sections \
	-Iarch/aarch64/include -Icore/include -I$(GEN) \
	-DBH_VERSION='"$(VERSION)"' -DBH_GIT_REV='"$(GIT_REV)"'
ifneq ($(filter clang%,$(notdir $(CC))),)
HYP_CFLAGS += --target=aarch64-linux-gnu -mno-outline-atomics
else
HYP_CFLAGS += -mno-outline-atomics
endif
# What the board's CPUs need of the compiler and linker (board.mk), e.g.
# workarounds for Cortex-A53 errata (the link is ld's own, not gcc's, so
# gcc's default --fix-cortex-a53-843419 would not reach it).
HYP_CFLAGS += $(BOARD_CFLAGS)
ifneq ($(SELFTEST),)
HYP_CFLAGS += -DBH_SELFTEST_$(subst -,_,$(shell echo $(SELFTEST) | tr a-z A-Z))=1
endif
HYP_ASFLAGS := $(filter-out -std=gnu11 -Wstrict-prototypes -Wmissing-prototypes,$(HYP_CFLAGS)) -D__ASSEMBLY__

ARCH_SRCS := $(wildcard arch/aarch64/*.c) $(wildcard arch/aarch64/*.S)
CORE_SRCS := $(wildcard core/*.c)
HYP_SRCS  := $(ARCH_SRCS) $(CORE_SRCS)
HYP_OBJS  := $(patsubst %,$(O)/obj/%.o,$(filter-out arch/aarch64/asm-offsets.c arch/aarch64/linker.ld.S,$(HYP_SRCS))) \
	$(O)/obj/gen/config.c.o

.PHONY: all
all: $(O)/bulkhead.bin

$(O)/bulkhead.bin: $(O)/bulkhead.elf
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "  built $@ ($$(stat -c %s $@) bytes)"

$(O)/bulkhead.elf: $(HYP_OBJS) $(O)/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -T $(O)/linker.ld --gc-sections $(BOARD_LDFLAGS) -Map $(O)/bulkhead.map -o $@ $(HYP_OBJS)

$(O)/linker.ld: arch/aarch64/linker.ld.S $(GEN)/config.h
	@mkdir -p $(@D)
	$(Q)$(CPP) -P -D__ASSEMBLY__ -I$(GEN) -Iarch/aarch64/include $< -o $@

$(O)/obj/%.c.o: %.c $(GEN)/asm-offsets.h $(GEN)/config.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HYP_CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/gen/config.c.o: $(GEN)/config.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HYP_CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/%.S.o: %.S $(GEN)/asm-offsets.h $(GEN)/config.h
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(HYP_ASFLAGS) -MMD -MP -c $< -o $@

# Assembly offsets come from the C structs themselves (see asm-offsets.c).
$(GEN)/asm-offsets.h: arch/aarch64/asm-offsets.c $(wildcard core/include/bulkhead/*.h arch/aarch64/include/arch/*.h) $(GEN)/config.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HYP_CFLAGS) -S $< -o $(GEN)/asm-offsets.s
	@{ echo "/* Generated from arch/aarch64/asm-offsets.c; do not edit. */"; \
	   echo "#pragma once"; \
	   sed -n 's/.*->\([A-Z0-9_]*\) [#$$]*\(-\{0,1\}[0-9][0-9]*\).*/#define \1 \2/p' $(GEN)/asm-offsets.s; } > $@

# A FIT image for U-Boot's bootm: the image and the board's tree, hashed.
# The image is loaded and entered where it is linked: the reservation's base
# plus the arm64 text_offset (2 MiB).
.PHONY: fit
fit: $(O)/bulkhead.itb
$(O)/bulkhead.itb: $(O)/bulkhead.bin $(O)/board.dtb tools/fit/mkits.sh
	@bash tools/setup.sh --quiet
	$(Q)bash tools/fit/mkits.sh $(abspath $(O)/bulkhead.bin) $(abspath $(O)/board.dtb) \
		$$(printf '0x%x' $$(( $$(sed -n 's/^#define BH_HYP_BASE \(0x[0-9a-f]*\).*/\1/p' $(GEN)/config.h) + 0x200000 ))) \
		$(BOARD) > $(O)/bulkhead.its
	$(Q)mkimage -q -f $(O)/bulkhead.its $@
	@echo "  built $@ (FIT: bulkhead.bin + board tree, SHA-256)"

# make sd-image: what goes on the board's boot medium besides its firmware
# (a board that boots from an SD card has boards/<board>/sd-image.sh).
.PHONY: sd-image
sd-image: $(O)/bulkhead.bin
	@test -x $(BOARD_DIR)/sd-image.sh || { echo "error: board $(BOARD) has no SD card layout ($(BOARD_DIR)/sd-image.sh)" >&2; exit 1; }
	$(Q)$(BOARD_DIR)/sd-image.sh $(O)/bulkhead.bin $(O)/sd
	@echo "  laid out $(O)/sd/: copy it to the card's boot partition ($(BOARD_DIR)/README.md)"

# ---------------------------------------------------------------- configuration
BHCFG := $(TOOLS_O)/bhcfg
BHCFG_SRCS := $(filter-out tools/bhcfg/fuzz.c,$(wildcard tools/bhcfg/*.c))
TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -Icore/include -Itools/bhcfg

$(BHCFG): $(BHCFG_SRCS) $(wildcard tools/bhcfg/*.h) core/include/bulkhead/config_types.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOL_CFLAGS) -o $@ $(BHCFG_SRCS) -lfdt -lm

$(O)/board.dtb: $(BOARD_DIR)/board.dts $(wildcard $(BOARD_DIR)/*.dts $(BOARD_DIR)/*.dtsi)
	@mkdir -p $(@D)
	@echo "  DTC     $<"
	$(Q)$(DTC) -q -I dts -O dtb -i $(BOARD_DIR) -d $@.d -o $@ $<

$(O)/config.dtb: $(CONFIG_SRC)
	@mkdir -p $(@D)
	@test -f $(CONFIG_SRC) || { echo "error: no configuration $(CONFIG_SRC) (configs: $(notdir $(wildcard configs/$(CONFIG_BOARD)/*.dts)))" >&2; exit 1; }
	@echo "  DTC     $<"
	$(Q)$(DTC) -q -I dts -O dtb -i $(BOARD_DIR) -i configs/$(CONFIG_BOARD) -d $@.d -o $@ $<

# dtc lists every file a tree includes (a board variant includes another's).
-include $(O)/board.dtb.d $(O)/config.dtb.d

BHCFG_ARGS = --board $(O)/board.dtb --board-src $(BOARD_DIR)/board.dts \
	--config $(O)/config.dtb --config-src $(CONFIG_SRC) --root .

# One tool run writes every generated file (and the cells' device trees);
# its depfile adds the cell images, so changing one relinks the image.
# The payloads this repository builds are made first (configs name them);
# the Linux guest only for configurations that use it (it is downloaded).
CONFIG_NEEDS_LINUX := $(shell grep -ls 'build/partitions/linux/' $(CONFIG_SRC))
$(GEN)/config.c $(GEN)/config.h $(GEN)/bundle.S &: $(BHCFG) $(O)/board.dtb $(O)/config.dtb | partitions $(if $(CONFIG_NEEDS_LINUX),linux)
	@mkdir -p $(GEN)
	@echo "  BHCFG   $(CONFIG_SRC)"
	$(Q)$(BHCFG) $(BHCFG_ARGS) --out $(GEN) --depfile $(GEN)/config.d

-include $(GEN)/config.d

# The bundle: every cell image and device tree, .incbin'd (see bundle.S).
HYP_OBJS += $(O)/obj/gen/bundle.S.o
$(O)/bulkhead.elf: $(O)/obj/gen/bundle.S.o

$(O)/obj/gen/bundle.S.o: $(GEN)/bundle.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(HYP_ASFLAGS) -MMD -MP -c $< -o $@

# make show-config [BOARD=..] [CONFIG=..]: the partition map, as text and SVG.
.PHONY: show-config
show-config: $(BHCFG) $(O)/board.dtb $(O)/config.dtb
	$(Q)$(BHCFG) $(BHCFG_ARGS) --show --svg $(O)/partition-map.svg
	@echo "  map drawn in $(O)/partition-map.svg"

# make host-tests: bhcfg's tests (pytest), against the real board.
.PHONY: host-tests
host-tests: $(BHCFG)
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/host

# make fuzz [FUZZ_SECONDS=60]: libFuzzer over bhcfg's parse and checks (clang).
FUZZ_SECONDS ?= 60
FUZZ_O := build/fuzz
FUZZ_SRCS := $(filter-out tools/bhcfg/main.c,$(BHCFG_SRCS)) tools/bhcfg/fuzz.c
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -Icore/include -Itools/bhcfg \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_O)/bhcfg-fuzz: $(FUZZ_SRCS) $(wildcard tools/bhcfg/*.h) core/include/bulkhead/config_types.h
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) -lfdt -lm

.PHONY: fuzz
fuzz:
	@bash tools/setup.sh --quiet --fuzz
	@$(MAKE) --no-print-directory $(FUZZ_O)/bhcfg-fuzz $(O)/board.dtb
	@mkdir -p $(FUZZ_O)/corpus $(FUZZ_O)/seeds
	@for f in configs/$(BOARD)/*.dts tools/bhcfg/fuzz-seeds/*.dts; do \
		$(DTC) -q -I dts -O dtb -o $(FUZZ_O)/seeds/$$(basename $$f .dts).dtb $$f || exit 1; \
	done
	BHCFG_FUZZ_BOARD=$(O)/board.dtb $(FUZZ_O)/bhcfg-fuzz -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -rss_limit_mb=2048 -dict=tools/bhcfg/fuzz.dict \
		-artifact_prefix=$(FUZZ_O)/ $(FUZZ_O)/corpus $(FUZZ_O)/seeds

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- running
QEMU ?= qemu-system-aarch64
QEMU_SERIAL_ARGS := -serial mon:stdio $(if $(filter 2,$(QEMU_SERIALS)),-serial null)
QEMU_ARGS = -machine $(QEMU_MACHINE) $(QEMU_OPTS) -cpu $(QEMU_CPU) -smp $(QEMU_SMP) -m $(QEMU_MEM) \
	-display none -nic none $(if $(filter board,$(QEMU_DTB)),-dtb $(O)/board.dtb) -kernel $(O)/bulkhead.bin

.PHONY: setup run print-qemu-vars print-board-tests print-board-test-images
setup:
	@bash tools/setup.sh --quiet

run: setup
	@$(MAKE) --no-print-directory all
	@echo "  booting $(O)/bulkhead.bin on QEMU (quit: Ctrl-a x)"
	$(QEMU) $(QEMU_ARGS) $(QEMU_SERIAL_ARGS)

print-board-tests:
	@echo $(BOARD_TESTS)

print-board-test-images:
	@echo $(BOARD_TEST_IMAGES)

print-qemu-vars:
	@echo "QEMU_MACHINE='$(QEMU_MACHINE)' QEMU_CPU='$(QEMU_CPU)' QEMU_SMP='$(QEMU_SMP)' QEMU_MEM='$(QEMU_MEM)' QEMU_SERIALS='$(QEMU_SERIALS)' QEMU_OPTS='$(QEMU_OPTS)' QEMU_DTB='$(QEMU_DTB)' HW_DTB='$(HW_DTB)' BOARD_NAME='$(CONFIG_BOARD)'"

# ---------------------------------------------------------------- tests
UNIT_O := build/unit
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -Wno-missing-prototypes -Wno-missing-declarations \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iarch/fake/include -Iarch/aarch64/include -Icore/include -Itests/unit -DBH_HOST_TEST=1
UNIT_CORE := core/printf.c core/console.c core/pgtable.c core/page_pool.c core/mmio.c core/vuart.c core/vgic.c core/vpci.c \
	core/iommu.c arch/aarch64/pte.c arch/aarch64/mmio_decode.c arch/aarch64/smmuv3.c \
	arch/aarch64/power_bcm2835.c arch/aarch64/uart_cadence.c
UNIT_SRCS := $(wildcard tests/unit/test_*.c) tests/unit/main.c tests/unit/fake_board.c $(wildcard arch/fake/*.c) $(UNIT_CORE)

$(UNIT_O)/unit-tests: $(UNIT_SRCS) $(wildcard tests/unit/*.h core/include/bulkhead/*.h arch/fake/include/arch/*.h arch/aarch64/include/arch/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS)

.PHONY: unit test test-images
unit: $(UNIT_O)/unit-tests
	$(UNIT_O)/unit-tests

# The scenario matrix is data: the boards QEMU scenarios run on, and the
# images each needs (CONFIG[+SELFTEST]). Every scenario runs on both GIC
# versions of QEMU virt (Cortex-A72); a smoke set (tests marked smoke, see
# tests/qemu/conftest.py) also on Cortex-A53 CPUs with 40-bit PAs.
TEST_BOARDS ?= qemu-virt qemu-virt-gicv2
SMOKE_BOARDS ?= qemu-virt-a53
# A board whose board.mk lists its own scenarios (BOARD_TESTS, test names)
# and the images they boot (BOARD_TEST_IMAGES) runs exactly those.
LISTED_BOARDS ?= $(sort $(patsubst boards/%/board.mk,%,$(shell grep -l '^BOARD_TESTS' boards/*/board.mk)))
TEST_IMAGES := bare bare+el2-fault two-cells test-isolation-inject test-isolation-stop \
	test-smp test-reset test-restart test-stop-smp test-psci test-irq test-console \
	test-ticker test-rtos test-linux-rtos linux-rtos test-gicstorm test-uart1 test-fidelity \
	test-debug test-pmu test-pci test-pci-linux test-dma test-dma-stop
SMOKE_IMAGES := bare two-cells test-isolation-inject test-smp test-reset test-psci test-irq \
	test-fidelity test-debug test-pmu test-linux-rtos test-pci
test-images: partitions
	@for b in $(TEST_BOARDS) $(SMOKE_BOARDS) $(LISTED_BOARDS); do \
		case " $(SMOKE_BOARDS) " in *" $$b "*) imgs="$(SMOKE_IMAGES)";; *) imgs="$(TEST_IMAGES)";; esac; \
		case " $(LISTED_BOARDS) " in *" $$b "*) imgs=$$($(MAKE) -s --no-print-directory BOARD=$$b print-board-test-images);; esac; \
		for img in $$imgs; do \
		cfg=$${img%%+*}; st=; case $$img in *+*) st=$${img#*+};; esac; \
		$(MAKE) --no-print-directory BOARD=$$b CONFIG=$$cfg SELFTEST=$$st all || exit 1; \
	done; done
	@$(MAKE) --no-print-directory BOARD=qemu-virt CONFIG=two-cells fit

# make test: C unit tests, then one pytest run over the host tests (bhcfg)
# and the QEMU scenarios on every test board; each part stops at a failure.
test: setup
	@echo "== unit tests (core logic on the host, arch/fake)"
	@$(MAKE) --no-print-directory unit
	@echo "== building the test images"
	@$(MAKE) --no-print-directory $(BHCFG) test-images
	@echo "== host tests (bhcfg) and QEMU scenarios on: $(TEST_BOARDS) (smoke set: $(SMOKE_BOARDS); their own lists: $(LISTED_BOARDS))"
	$(Q)BULKHEAD_BOARDS="$(TEST_BOARDS)" BULKHEAD_SMOKE_BOARDS="$(SMOKE_BOARDS)" \
		BULKHEAD_LISTED_BOARDS="$(LISTED_BOARDS)" \
		$(PYTHON) -m pytest -v -p no:cacheprovider tests/host tests/qemu
	@echo "make test: all passed"

# ---------------------------------------------------------------- benchmarks
# make bench: instructions per path, natively and in a cell (QEMU -icount),
# into build/bench/bench.{md,json,png}. tests/bench/ has the wall-clock ones.
.PHONY: bench
bench:
	@bash tools/setup.sh --quiet --bench
	$(Q)$(PYTHON) tests/bench/bench.py

# ---------------------------------------------------------------- checks
# cppcheck does not read system headers: libfdt's iteration macros, as a library.
CPPCHECK_DEFS := --library=tools/cppcheck-libfdt.cfg
LINT_SRCS = $(shell git ls-files 'arch/*.[ch]' 'core/*.[ch]' 'tools/*.[ch]' 'tests/unit/*.[ch]' 2>/dev/null)

.PHONY: check format
check: setup
	@echo "  clang-format --dry-run"
	@clang-format --dry-run --Werror $(LINT_SRCS)
	@echo "  cppcheck"
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -D__aarch64__ $(CPPCHECK_DEFS) \
		-Iarch/aarch64/include -Icore/include -Itools/bhcfg arch/aarch64 core tools
	@echo "  clang build"
	@$(MAKE) --no-print-directory CC=clang all
	@echo "make check: clean"

format:
	clang-format -i $(LINT_SRCS)

include partitions/partitions.mk
include partitions/rtos/rtos.mk
include partitions/linux/linux.mk
.PHONY: clean
clean:
	rm -rf build
