/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry from firmware, QEMU or U-Boot's booti. The image starts with the
 * arm64 Image header so any Linux-capable loader can boot it.
 */
#include <arch/layout.h>
#include <arch/sysreg.h>
#include <asm-offsets.h>
#include <config.h>

/* Image header flags: little-endian, 4 KiB pages, placed near the RAM base. */
#define IMAGE_FLAGS ((0 << 0) | (1 << 1) | (0 << 3))

	.section .text.head, "ax"
	.globl	_head
_head:
	b	primary_entry			// code0
	.long	0				// code1
	.quad	HYP_IMAGE_OFFSET		// text_offset
	.quad	_image_end - _head		// image_size, bss and stacks included
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary_entry:
	msr	daifset, #0xf
	mrs	x9, CurrentEL
	ubfx	x9, x9, #CURRENTEL_EL_SHIFT, #CURRENTEL_EL_WIDTH
	cmp	x9, #2
	b.ne	1f
	/* Linked at a fixed address: refuse to run anywhere else. */
	adr	x10, _head
	ldr	x11, =_head
	cmp	x10, x11
	b.ne	2f

	/* Known EL2 state: MMU and caches off, little-endian, AArch64 EL1. */
	ldr	x9, =SCTLR_EL2_RES1
	msr	sctlr_el2, x9
	ldr	x9, =HCR_EL2_RW
	msr	hcr_el2, x9
	isb

	adrp	x9, _bss_start
	add	x9, x9, :lo12:_bss_start
	adrp	x10, _bss_end
	add	x10, x10, :lo12:_bss_end
3:	cmp	x9, x10
	b.hs	4f
	str	xzr, [x9], #8
	b	3b
4:
	bl	find_cpu_index
	mov	x19, x0
	bl	set_cpu_stack
	mov	x0, x19
	b	arch_primary_init		// C: MMU on, then bh_primary_main

1:	/* Entered at EL1 (or EL3): use the boot stack only to report it. */
	adrp	x9, _stacks_end
	add	x9, x9, :lo12:_stacks_end
	mov	sp, x9
	mrs	x0, CurrentEL
	b	arch_early_wrong_el
2:	adrp	x9, _stacks_end
	add	x9, x9, :lo12:_stacks_end
	mov	sp, x9
	mov	x0, x10
	b	arch_early_wrong_place

/* x0 <- logical CPU index of the caller (its MPIDR's place in bh_board). */
find_cpu_index:
	mrs	x1, mpidr_el1
	ldr	x2, =MPIDR_AFF_MASK
	and	x1, x1, x2
	adrp	x2, bh_board
	add	x2, x2, :lo12:bh_board
	ldr	w3, [x2, #BOARD_NCPUS]
	add	x4, x2, #BOARD_CPU_MPIDR
	mov	x0, #0
5:	cmp	x0, x3
	b.hs	6f
	ldr	x5, [x4, x0, lsl #3]
	cmp	x5, x1
	b.eq	7f
	add	x0, x0, #1
	b	5b
6:	/* Not in the board description: report with the last stack. */
	adrp	x9, _stacks_end
	add	x9, x9, :lo12:_stacks_end
	mov	sp, x9
	mov	x0, x1
	b	arch_early_unknown_cpu
7:	ret

/* SP <- top of CPU x0's stack; TPIDR_EL2 <- &arch_cpus[x0]; VBAR_EL2. */
set_cpu_stack:
	mov	x9, #CPU_STACK_STRIDE
	add	x10, x0, #1
	mul	x10, x10, x9
	adrp	x9, _stacks_start
	add	x9, x9, :lo12:_stacks_start
	add	x9, x9, x10
	mov	sp, x9
	mov	x9, #CPU_SIZE
	mul	x10, x0, x9
	adrp	x9, arch_cpus
	add	x9, x9, :lo12:arch_cpus
	add	x9, x9, x10
	msr	tpidr_el2, x9
	adrp	x9, arch_vectors
	add	x9, x9, :lo12:arch_vectors
	msr	vbar_el2, x9
	isb
	ret

/* PSCI CPU_ON lands here with x0 = logical CPU index (context id). */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	ldr	x9, =SCTLR_EL2_RES1
	msr	sctlr_el2, x9
	ldr	x9, =HCR_EL2_RW
	msr	hcr_el2, x9
	isb
	/* MMU on before touching memory cacheably: values from the boot CPU. */
	bl	arch_mmu_enable
	mov	x0, x19
	bl	set_cpu_stack
	mov	x0, x19
	b	arch_secondary_init

/* A spin table releases a CPU here with nothing in x0 (Raspberry Pi: the
 * firmware's spin code): it finds its logical index from MPIDR. */
	.globl	spin_table_entry
spin_table_entry:
	msr	daifset, #0xf
	bl	find_cpu_index
	b	secondary_entry

/* Turn the MMU on with the values in arch_mmu_regs. Uses x9-x10 only and
 * no stack, so secondaries call it before they have one. */
	.globl	arch_mmu_enable
arch_mmu_enable:
	adrp	x9, arch_mmu_regs
	add	x9, x9, :lo12:arch_mmu_regs
	ldr	x10, [x9, #MMU_MAIR]
	msr	mair_el2, x10
	ldr	x10, [x9, #MMU_TCR]
	msr	tcr_el2, x10
	ldr	x10, [x9, #MMU_TTBR]
	msr	ttbr0_el2, x10
	isb
	tlbi	alle2
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	ldr	x10, [x9, #MMU_SCTLR]
	msr	sctlr_el2, x10
	isb
	ret

	.ltorg
