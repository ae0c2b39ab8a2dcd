/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Payload entry (Linux arm64 boot protocol: EL1h, x0 = DTB, MMU and caches
 * off), PSCI CPU_ON entry for secondaries, the EL1 vector table and the
 * MMU switch-on. The image starts with an arm64 Image header so loaders
 * that only take Images place it at RAM base + 2 MiB, where it is linked.
 */
#include <bm/layout.h>
#include <bm/sysreg.h>

#include "internal.h"

#define EARLY_WRONG_EL	  1
#define EARLY_WRONG_PLACE 2
#define EARLY_BAD_CPU	  3

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry			// code0
	.long	0				// code1
	.quad	BM_TEXT_OFFSET			// text_offset
	.quad	_image_end - _start		// image_size, bss and stacks included
	.quad	(1 << 1)			// flags: little-endian, 4 KiB pages
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary_entry:
	mrs	x20, cntvct_el0			// first thing: when this payload began
	msr	daifset, #0xf
	mov	x19, x0				// DTB, kept until C
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, #1
	b.ne	wrong_el
	/* Known EL1 state whatever the loader left: MMU and caches off. */
	ldr	x9, =SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	isb
	/* Linked at a fixed address: refuse to run anywhere else. */
	adr	x9, _start
	ldr	x10, =_start
	cmp	x9, x10
	b.ne	wrong_place

	adrp	x9, _bss_start
	add	x9, x9, :lo12:_bss_start
	adrp	x10, _bss_end
	add	x10, x10, :lo12:_bss_end
1:	cmp	x9, x10
	b.hs	2f
	stp	xzr, xzr, [x9], #16
	b	1b
2:
	adrp	x9, bm_entry_ticks		// after bss is cleared
	str	x20, [x9, :lo12:bm_entry_ticks]
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	cmp	x0, #BM_MAX_VCPUS
	b.hs	bad_cpu
	bl	set_vcpu_state
	bl	bm_mmu_build			// C, MMU off: tables and cache maintenance
	bl	bm_mmu_enable
	mov	x0, x19
	b	bm_primary_main

/* Boot failures before C is set up: report on the last stack slot. */
wrong_el:
	mov	x1, x9
	mov	x0, #EARLY_WRONG_EL
	b	early_fatal
wrong_place:
	mov	x1, x9
	mov	x0, #EARLY_WRONG_PLACE
	b	early_fatal
bad_cpu:
	mov	x1, x0
	mov	x0, #EARLY_BAD_CPU
early_fatal:
	adrp	x9, _stacks_end
	add	x9, x9, :lo12:_stacks_end
	mov	sp, x9
	b	bm_early_fatal

/* x0 = vCPU index: SP <- its stack top, TPIDR_EL1 <- index, VBAR_EL1. */
set_vcpu_state:
	msr	tpidr_el1, x0
	mov	x9, #BM_STACK_SIZE
	add	x10, x0, #1
	mul	x10, x10, x9
	adrp	x9, _stacks_start
	add	x9, x9, :lo12:_stacks_start
	add	x9, x9, x10
	mov	sp, x9
	adrp	x9, bm_vectors
	add	x9, x9, :lo12:bm_vectors
	msr	vbar_el1, x9
	isb
	ret

/* PSCI CPU_ON lands here: EL1, MMU off, x0 = context id = vCPU index. */
	.globl	bm_secondary_entry
bm_secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	ldr	x9, =SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	isb
	cmp	x19, #BM_MAX_VCPUS
	b.hs	3f
	/* MMU on before any memory access: the stack and the boot data are
	 * cacheable on the other vCPUs. */
	bl	bm_mmu_enable
	mov	x0, x19
	bl	set_vcpu_state
	mov	x0, x19
	b	bm_secondary_main
3:	wfe					// no stack to report with
	b	3b

/* Tables from bm_mmu_build; every value is a constant, so secondaries need
 * no memory access to get here. Uses x9-x10 only. */
	.globl	bm_mmu_enable
bm_mmu_enable:
	ldr	x9, =MAIR_EL1_VALUE
	msr	mair_el1, x9
	ldr	x9, =TCR_EL1_VALUE
	msr	tcr_el1, x9
	adrp	x9, bm_pgtable_l1
	add	x9, x9, :lo12:bm_pgtable_l1
	msr	ttbr0_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x9, =SCTLR_EL1_MMUON
	msr	sctlr_el1, x9
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

	.ltorg

/* ---------------------------------------------------------------- vectors
 * Each entry saves x0/x1 and its kind, then one path saves the whole frame
 * (struct bm_regs), calls bm_exception(kind, regs) and returns with the
 * frame's ELR/SPSR, which the handler may have changed. */
.macro ventry kind
	.balign	0x80
	sub	sp, sp, #BM_REGS_SIZE
	stp	x0, x1, [sp, #BM_REGS_X0]
	mov	x0, #\kind
	b	vector_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	bm_vectors
bm_vectors:
	ventry	0	// current EL, SP_EL0: sync, irq, fiq, serror
	ventry	1
	ventry	2
	ventry	3
	ventry	4	// current EL, SP_EL1
	ventry	5
	ventry	6
	ventry	7
	ventry	8	// lower EL, AArch64
	ventry	9
	ventry	10
	ventry	11
	ventry	12	// lower EL, AArch32
	ventry	13
	ventry	14
	ventry	15

vector_common:
	stp	x2, x3, [sp, #BM_REGS_X0 + 16]
	stp	x4, x5, [sp, #BM_REGS_X0 + 32]
	stp	x6, x7, [sp, #BM_REGS_X0 + 48]
	stp	x8, x9, [sp, #BM_REGS_X0 + 64]
	stp	x10, x11, [sp, #BM_REGS_X0 + 80]
	stp	x12, x13, [sp, #BM_REGS_X0 + 96]
	stp	x14, x15, [sp, #BM_REGS_X0 + 112]
	stp	x16, x17, [sp, #BM_REGS_X0 + 128]
	stp	x18, x19, [sp, #BM_REGS_X0 + 144]
	stp	x20, x21, [sp, #BM_REGS_X0 + 160]
	stp	x22, x23, [sp, #BM_REGS_X0 + 176]
	stp	x24, x25, [sp, #BM_REGS_X0 + 192]
	stp	x26, x27, [sp, #BM_REGS_X0 + 208]
	stp	x28, x29, [sp, #BM_REGS_X0 + 224]
	add	x1, sp, #BM_REGS_SIZE
	stp	x30, x1, [sp, #BM_REGS_X0 + 240]	// x30, then the interrupted SP
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #BM_REGS_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #BM_REGS_ESR]
	mov	x1, sp
	/* Frame record so a debugger can unwind through the exception. */
	stp	x29, x2, [sp, #-16]!
	mov	x29, sp
	bl	bm_exception
	add	sp, sp, #16
	ldp	x2, x3, [sp, #BM_REGS_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #BM_REGS_X0 + 16]
	ldp	x4, x5, [sp, #BM_REGS_X0 + 32]
	ldp	x6, x7, [sp, #BM_REGS_X0 + 48]
	ldp	x8, x9, [sp, #BM_REGS_X0 + 64]
	ldp	x10, x11, [sp, #BM_REGS_X0 + 80]
	ldp	x12, x13, [sp, #BM_REGS_X0 + 96]
	ldp	x14, x15, [sp, #BM_REGS_X0 + 112]
	ldp	x16, x17, [sp, #BM_REGS_X0 + 128]
	ldp	x18, x19, [sp, #BM_REGS_X0 + 144]
	ldp	x20, x21, [sp, #BM_REGS_X0 + 160]
	ldp	x22, x23, [sp, #BM_REGS_X0 + 176]
	ldp	x24, x25, [sp, #BM_REGS_X0 + 192]
	ldp	x26, x27, [sp, #BM_REGS_X0 + 208]
	ldp	x28, x29, [sp, #BM_REGS_X0 + 224]
	ldr	x30, [sp, #BM_REGS_X0 + 240]
	ldp	x0, x1, [sp, #BM_REGS_X0]
	add	sp, sp, #BM_REGS_SIZE
	eret
