/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The executive's EL1 vector table, installed while tasks run. IRQs and SVC
 * (a task ending its job) save the whole integer context on the current
 * task's stack and return through whichever frame the scheduler hands
 * back. Every other exception goes to the runtime's own vector entry, so
 * faults still get its dump and failing result.
 */
#include <bm/sysreg.h>

#include "frame.h"

/* Entry @k of the runtime's table: same offset, same state on arrival. */
.macro	runtime k
	.balign	0x80
	b	bm_vectors + 0x80 * \k
.endm

	.section .text.rtos_vectors, "ax"
	.balign	0x800
	.globl	rtos_vectors
rtos_vectors:
	runtime	0		// current EL, SP_EL0: sync, irq, fiq, serror
	runtime	1
	runtime	2
	runtime	3

	.balign	0x80		// current EL, SP_EL1, sync: SVC from a task?
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el1
	ubfx	x0, x0, #ESR_EC_SHIFT, #ESR_EC_WIDTH
	cmp	x0, #ESR_EC_SVC64
	ldp	x0, x1, [sp], #16
	b.ne	bm_vectors + 0x80 * 4
	b	svc_entry

	.balign	0x80		// current EL, SP_EL1, IRQ
	b	irq_entry

	runtime	6
	runtime	7
	runtime	8		// lower EL: never used, the runtime reports them
	runtime	9
	runtime	10
	runtime	11
	runtime	12
	runtime	13
	runtime	14
	runtime	15

.macro	save_frame
	sub	sp, sp, #RTOS_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el1
	stp	x30, x0, [sp, #RTOS_FRAME_X30]
	mrs	x1, spsr_el1
	str	x1, [sp, #RTOS_FRAME_SPSR]
.endm

svc_entry:
	save_frame
	mov	x0, sp
	bl	rtos_svc
	b	frame_return

irq_entry:
	save_frame
	mov	x0, sp
	bl	rtos_irq

/* x0 = frame to resume; it sits at the top of its task's used stack. */
frame_return:
	mov	sp, x0
	ldp	x30, x0, [sp, #RTOS_FRAME_X30]
	msr	elr_el1, x0
	ldr	x1, [sp, #RTOS_FRAME_SPSR]
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	add	sp, sp, #RTOS_FRAME_SIZE
	eret
