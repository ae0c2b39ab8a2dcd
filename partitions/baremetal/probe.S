/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accesses that may fault on purpose. Each faulting instruction has an
 * entry in __bm_extable (instruction, fixup); the sync exception handler
 * records ESR/FAR/ELR and resumes at the fixup, which returns false.
 */

.macro extable insn, fixup
	.pushsection __bm_extable, "a"
	.balign	8
	.quad	\insn, \fixup
	.popsection
.endm

	.text
/* bool bm_probe_read(uint64_t addr, uint64_t *val) */
	.globl	bm_probe_read
bm_probe_read:
1:	ldr	x2, [x0]
	str	x2, [x1]
	mov	w0, #1
	ret
2:	mov	w0, #0
	ret
	extable	1b, 2b

/* bool bm_probe_write(uint64_t addr, uint64_t val) */
	.globl	bm_probe_write
bm_probe_write:
1:	str	x1, [x0]
	mov	w0, #1
	ret
2:	mov	w0, #0
	ret
	extable	1b, 2b

/* bool bm_probe_read32(uint64_t addr, uint32_t *val) */
	.globl	bm_probe_read32
bm_probe_read32:
1:	ldr	w2, [x0]
	str	w2, [x1]
	mov	w0, #1
	ret
2:	mov	w0, #0
	ret
	extable	1b, 2b

/* bool bm_probe_write32(uint64_t addr, uint32_t val) */
	.globl	bm_probe_write32
bm_probe_write32:
1:	str	w1, [x0]
	mov	w0, #1
	ret
2:	mov	w0, #0
	ret
	extable	1b, 2b

/*
 * bool bm_smccc_probe(uint64_t args[4], bool smc): x0..x3 from args, HVC or
 * SMC, results back into args. False if the instruction itself faulted.
 * SMCCC lets the callee clobber x4-x17, which are caller-saved anyway.
 */
	.globl	bm_smccc_probe
bm_smccc_probe:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	mov	w9, w1
	ldp	x0, x1, [x19]
	ldp	x2, x3, [x19, #16]
	cbnz	w9, 3f
6:	hvc	#0
	b	4f
3:
1:	smc	#0
4:	stp	x0, x1, [x19]
	stp	x2, x3, [x19, #16]
	mov	w0, #1
	b	5f
2:	mov	w0, #0
5:	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	extable	1b, 2b
	extable	6b, 2b
