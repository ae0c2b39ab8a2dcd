/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors. Each entry saves x0/x1, loads its kind and joins
 * one common path that saves the full frame and calls a single C entry.
 */
#include <arch/sysreg.h>
#include <asm-offsets.h>

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X0]
	mov	x0, #\kind
	b	vector_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	arch_vectors
arch_vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1
	ventry	2
	ventry	3
	ventry	4	/* current EL, SP_EL2: sync */
	ventry	5
	ventry	6
	ventry	7
	ventry	8	/* lower EL, AArch64: sync */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

vector_common:
	stp	x2, x3, [sp, #REGS_X0 + 16]
	stp	x4, x5, [sp, #REGS_X0 + 32]
	stp	x6, x7, [sp, #REGS_X0 + 48]
	stp	x8, x9, [sp, #REGS_X0 + 64]
	stp	x10, x11, [sp, #REGS_X0 + 80]
	stp	x12, x13, [sp, #REGS_X0 + 96]
	stp	x14, x15, [sp, #REGS_X0 + 112]
	stp	x16, x17, [sp, #REGS_X0 + 128]
	stp	x18, x19, [sp, #REGS_X0 + 144]
	stp	x20, x21, [sp, #REGS_X0 + 160]
	stp	x22, x23, [sp, #REGS_X0 + 176]
	stp	x24, x25, [sp, #REGS_X0 + 192]
	stp	x26, x27, [sp, #REGS_X0 + 208]
	stp	x28, x29, [sp, #REGS_X0 + 224]
	add	x1, sp, #REGS_SIZE
	stp	x30, x1, [sp, #REGS_X0 + 240]	/* x30, then the pre-exception SP */
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #REGS_ELR]
	mov	x1, sp
	/* Frame record so a debugger can unwind through the exception. */
	stp	x29, x2, [sp, #-16]!
	mov	x29, sp
	bl	arch_el2_exception		/* (kind, regs); does not return */
	b	.
