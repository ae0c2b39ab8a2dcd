# SPDX-License-Identifier: Apache-2.0
# partitions/rtos: the real-time executive payload, linked with the bare-metal
# runtime into $(PART_O)/rtos.{elf,bin,map}; built by `make partitions`.
# Included by the top Makefile after partitions/partitions.mk, whose
# variables and compile rules it uses.

RTOS_DIR  := partitions/rtos
RTOS_SRCS := $(wildcard $(RTOS_DIR)/*.c) $(wildcard $(RTOS_DIR)/*.S)
RTOS_OBJS := $(patsubst %,$(PART_OBJ)/%.o,$(RTOS_SRCS))

partitions: $(PART_O)/rtos.elf $(PART_O)/rtos.bin

# Several sources, so its own link rule instead of the one-file payload rule.
$(PART_O)/rtos.elf: $(RTOS_OBJS) $(BM_RT_OBJS) $(BM_DIR)/payload.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -static -T $(BM_DIR)/payload.ld --gc-sections --no-warn-rwx-segments \
		-Map $(PART_O)/rtos.map -o $@ $(RTOS_OBJS) $(BM_RT_OBJS)

.SECONDARY: $(RTOS_OBJS)
