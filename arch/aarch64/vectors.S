/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors. Each entry saves x0/x1, loads its kind and joins
 * one common path that saves the full frame and calls a single C entry.
 */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <asm-offsets.h>

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X0]
	mov	x0, #\kind
	b	vector_common
.endm

/* While a guest runs, SP_EL2 points just past its vCPU's register frame, so
 * the same two instructions save into the vCPU itself. */
.macro gentry kind
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X0]
	mov	x0, #\kind
	b	guest_exit_common
.endm

.macro save_x2_x29
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
	gentry	8	/* lower EL, AArch64: sync */
	gentry	9
	gentry	10
	gentry	11
	gentry	12	/* lower EL, AArch32 */
	gentry	13
	gentry	14
	gentry	15

vector_common:
	save_x2_x29
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

/*
 * Guest exit. Only what C may clobber is saved first: x0-x18, x29, x30,
 * ELR and SPSR. C preserves x19-x28 itself (AAPCS64), so an exit that
 * returns to the guest through C never needs them in the frame. Exits that
 * read or write any guest register, or may dump them, save x19-x28 too
 * ("full"): all synchronous exits but HVC and data aborts on x0-x18,
 * x29, x30, and SErrors. IRQ/FIQ exits touch no guest register.
 * The frame's "full" word says what guest_return restores.
 */
guest_exit_common:
	stp	x2, x3, [sp, #REGS_X0 + 16]
	stp	x4, x5, [sp, #REGS_X0 + 32]
	stp	x6, x7, [sp, #REGS_X0 + 48]
	stp	x8, x9, [sp, #REGS_X0 + 64]
	stp	x10, x11, [sp, #REGS_X0 + 80]
	stp	x12, x13, [sp, #REGS_X0 + 96]
	stp	x14, x15, [sp, #REGS_X0 + 112]
	stp	x16, x17, [sp, #REGS_X0 + 128]
	str	x18, [sp, #REGS_X0 + 144]
	stp	x29, x30, [sp, #REGS_X0 + 232]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #REGS_ELR]
	cmp	x0, #VEC_KIND_LOW64_SYNC
	b.ne	1f
	mrs	x2, esr_el2
	ubfx	x3, x2, #ESR_EC_SHIFT, #ESR_EC_WIDTH
	cmp	x3, #EC_HVC64
	b.eq	2f
	cmp	x3, #EC_DABT_LOWER
	b.ne	3f
	tbz	x2, #ESR_DABT_ISV_BIT, 3f	/* no syndrome: a fault, full */
	ubfx	x3, x2, #ESR_DABT_SRT_SHIFT, #ESR_DABT_SRT_WIDTH
	sub	x3, x3, #19
	cmp	x3, #9				/* Rt in x19-x28: full */
	b.ls	3f
	b	2f
1:	cmp	x0, #VEC_KIND_LOW64_FIQ		/* IRQ or FIQ: partial */
	b.hi	3f
2:	str	xzr, [sp, #REGS_FULL]
	b	4f
3:	stp	x19, x20, [sp, #REGS_X0 + 152]
	stp	x21, x22, [sp, #REGS_X0 + 168]
	stp	x23, x24, [sp, #REGS_X0 + 184]
	stp	x25, x26, [sp, #REGS_X0 + 200]
	stp	x27, x28, [sp, #REGS_X0 + 216]
	mov	x2, #1
	str	x2, [sp, #REGS_FULL]
4:	mov	x1, sp
	mrs	x2, tpidr_el2
	ldr	x3, [x2, #CPU_STACK_TOP]
	mov	sp, x3			/* C on this CPU's own stack, from its top */
	mov	x29, #0			/* end of the frame-record chain */
	bl	arch_guest_exit		/* (kind, regs) -> regs; or never returns */
	b	guest_return

/* guest_resume(struct arch_regs *regs): enter with every register from the
 * frame (a vCPU's first entry). */
	.globl	guest_resume
guest_resume:
	mov	x1, #1
	str	x1, [x0, #REGS_FULL]
/* x0 = the frame: back into the guest, restoring what its exit saved. */
guest_return:
	ldr	x1, [x0, #REGS_FULL]
	cbz	x1, 1f
	ldp	x19, x20, [x0, #REGS_X0 + 152]
	ldp	x21, x22, [x0, #REGS_X0 + 168]
	ldp	x23, x24, [x0, #REGS_X0 + 184]
	ldp	x25, x26, [x0, #REGS_X0 + 200]
	ldp	x27, x28, [x0, #REGS_X0 + 216]
1:	ldp	x2, x3, [x0, #REGS_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	add	x1, x0, #REGS_SIZE
	mov	sp, x1			/* the next exit saves right here */
	ldp	x2, x3, [x0, #REGS_X0 + 16]
	ldp	x4, x5, [x0, #REGS_X0 + 32]
	ldp	x6, x7, [x0, #REGS_X0 + 48]
	ldp	x8, x9, [x0, #REGS_X0 + 64]
	ldp	x10, x11, [x0, #REGS_X0 + 80]
	ldp	x12, x13, [x0, #REGS_X0 + 96]
	ldp	x14, x15, [x0, #REGS_X0 + 112]
	ldp	x16, x17, [x0, #REGS_X0 + 128]
	ldr	x18, [x0, #REGS_X0 + 144]
	ldp	x29, x30, [x0, #REGS_X0 + 232]
	ldp	x0, x1, [x0, #REGS_X0]
	eret
	dsb	nsh			/* no speculation past the ERET */
	isb
