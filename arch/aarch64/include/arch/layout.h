/* SPDX-License-Identifier: Apache-2.0 */
/* Per-CPU stack layout, shared by C, assembly and the linker script. */
#pragma once

#define CPU_STACK_SIZE	 0x4000 /* 16 KiB */
#define CPU_STACK_GUARD	 0x1000 /* unmapped page below each stack */
#define CPU_STACK_STRIDE (CPU_STACK_SIZE + CPU_STACK_GUARD)

/* The image sits 2 MiB into the reservation: the arm64 Image text_offset.
 * QEMU and U-Boot both load it at <2 MiB-aligned RAM base> + text_offset;
 * the 2 MiB below it join the heap. */
#define HYP_IMAGE_OFFSET 0x200000
