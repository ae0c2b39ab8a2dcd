# SPDX-License-Identifier: Apache-2.0
# Bare-metal guest payloads (partitions/baremetal), included by the top Makefile.
#   make partitions           build/partitions/<payload>.{elf,bin} for every
#                             partitions/baremetal/payloads/<payload>.c
#   make partitions CC=clang  the same with clang, into build/partitions/clang/
# Payloads are linked at 0x40200000 (partitions/baremetal/payload.ld).

BM_DIR      := partitions/baremetal
BM_IS_CLANG := $(filter clang%,$(notdir $(CC)))
PART_O      := build/partitions$(if $(BM_IS_CLANG),/clang)
PART_OBJ    := $(PART_O)/obj

BM_PAYLOADS := $(sort $(basename $(notdir $(wildcard $(BM_DIR)/payloads/*.c))))
BM_CFLAGS   := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -fno-builtin -fno-common \
	-fno-pie -fno-pic -fno-stack-protector -fno-omit-frame-pointer \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -fno-strict-aliasing \
	-ffunction-sections -fdata-sections \
	-I$(BM_DIR)/include -I$(BM_DIR) -Icore/include
ifneq ($(BM_IS_CLANG),)
BM_CFLAGS   += --target=aarch64-linux-gnu
endif
BM_ASFLAGS  := $(filter-out -std=gnu11 -Wstrict-prototypes -Wmissing-prototypes,$(BM_CFLAGS)) -D__ASSEMBLY__

# The runtime, linked into every payload; printf and the string routines
# are the hypervisor's own (core/).
BM_RT_SRCS  := $(wildcard $(BM_DIR)/*.c) $(wildcard $(BM_DIR)/*.S) core/printf.c core/string.c
BM_RT_OBJS  := $(patsubst %,$(PART_OBJ)/%.o,$(BM_RT_SRCS))

.PHONY: partitions
partitions: $(foreach p,$(BM_PAYLOADS),$(PART_O)/$(p).elf $(PART_O)/$(p).bin)

$(PART_O)/%.elf: $(PART_OBJ)/$(BM_DIR)/payloads/%.c.o $(BM_RT_OBJS) $(BM_DIR)/payload.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -T $(BM_DIR)/payload.ld --gc-sections --no-warn-rwx-segments \
		-Map $(PART_O)/$*.map -o $@ $< $(BM_RT_OBJS)

$(PART_O)/%.bin: $(PART_O)/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(PART_OBJ)/%.c.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(BM_CFLAGS) -MMD -MP -c $< -o $@

$(PART_OBJ)/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(BM_ASFLAGS) -MMD -MP -c $< -o $@

# Keep objects between payload builds (make would delete them as intermediates).
.SECONDARY: $(BM_RT_OBJS) $(patsubst %,$(PART_OBJ)/$(BM_DIR)/payloads/%.c.o,$(BM_PAYLOADS))

-include $(shell find $(PART_OBJ) -name '*.d' 2>/dev/null)
