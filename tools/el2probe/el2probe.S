// SPDX-License-Identifier: Apache-2.0
/*
 * Can a QEMU machine run a hypervisor? Booted with -kernel, this prints the
 * exception level it was entered at, ID_AA64PFR0_EL1 (EL2, EL3 and GIC
 * fields), the counter frequency and, at EL2 with a GICv3, its virtual
 * interface's ICH_VTR_EL2; then it injects a virtual interrupt (INTID 27)
 * through list register 0, drops to EL1 with IRQs unmasked, and says
 * whether EL1 took it. Position independent; ends with PSCI SYSTEM_OFF
 * where there is PSCI. A GICv2's virtual interface is memory-mapped: look
 * for its GICH and GICV frames in QEMU's 'info mtree' instead.
 * Build and run: tools/el2probe/run.sh.
 * UART_BASE and UART_IMX (i.MX UART; default PL011) pick the console.
 */
	.text
_head:
	b	start
	.long	0
	.quad	0x200000		// text_offset
	.quad	_end - _head		// image_size
	.quad	2			// flags: 4K pages
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

start:
	ldr	x20, =UART_BASE
#ifdef UART_IMX
	mov	w1, #1			// UCR1.UARTEN
	str	w1, [x20, #0x80]
	mov	w1, #0x7		// UCR2: SRST (no reset), RXEN, TXEN
	str	w1, [x20, #0x84]
#endif
	adr	x0, s_el
	bl	puts
	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	bl	puthex
	adr	x0, s_pfr
	bl	puts
	mrs	x0, id_aa64pfr0_el1
	bl	puthex
	adr	x0, s_frq
	bl	puts
	mrs	x0, cntfrq_el0
	bl	puthex
	mrs	x0, CurrentEL
	cmp	x0, #8
	b.ne	done
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4		// GIC: 0 = no GICv3 system registers
	cbnz	x0, 1f
	adr	x0, s_nogic3
	bl	puts
	b	done
1:
	/* GICv3 system registers at EL2 */
	mov	x0, #0xf		// ICC_SRE_EL2: SRE, DFB, DIB, Enable
	msr	icc_sre_el2, x0
	isb
	adr	x0, s_vtr
	bl	puts
	mrs	x0, ich_vtr_el2
	bl	puthex
	/* Inject virtual INTID 27, group 1, priority 0xa0, pending. */
	mov	x0, #1			// ICH_HCR_EL2.En
	msr	ich_hcr_el2, x0
	mov	x0, #0xff000000		// VPMR 0xff
	orr	x0, x0, #2		// VENG1
	msr	ich_vmcr_el2, x0
	ldr	x0, =((1 << 62) | (1 << 60) | (0xa0 << 48) | 27)	// pending, group 1, prio 0xa0, vINTID 27
	msr	ich_lr0_el2, x0
	mov	x0, #(1 << 31)		// HCR_EL2.RW
	orr	x0, x0, #(1 << 4)	// IMO
	orr	x0, x0, #(1 << 3)	// FMO
	msr	hcr_el2, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	mov	x0, #0x345		// EL1h, D, A, F masked; I clear: IRQs reach EL1
	msr	spsr_el2, x0
	adr	x0, el1
	msr	elr_el2, x0
	msr	sctlr_el1, xzr
	isb
	eret
el1:
	mov	x1, #0
	mov	x2, #0x4000000
1:	add	x1, x1, #1
	cmp	x1, x2
	b.lo	1b
	adr	x0, s_novirq
	bl	puts
	b	off
done:	/* Not at EL2: nothing more to probe; PSCI by HVC (QEMU without EL3). */
	adr	x0, s_nl
	bl	puts
	ldr	x0, =0x84000008		// PSCI SYSTEM_OFF
	hvc	#0
	b	.
off:	/* At EL1 below our EL2: PSCI by SMC, to firmware (QEMU's, at EL3). */
	ldr	x0, =0x84000008
	smc	#0
	b	.

irq:
	adr	x0, s_virq
	bl	puts
	mrs	x0, icc_iar1_el1	// (ICV_IAR1_EL1)
	bl	puthex
	adr	x0, s_nl
	bl	puts
	b	off

puts:	/* x0 = string; uses x1-x3 */
	ldrb	w1, [x0], #1
	cbz	w1, 9f
#ifdef UART_IMX
	str	w1, [x20, #0x40]
#else
	str	w1, [x20]
#endif
	b	puts
9:	ret

puthex:	/* x0; uses x1-x4 */
	mov	x3, #60
8:	lsr	x1, x0, x3
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x2, x1, #'0'
	add	x4, x1, #('a' - 10)
	csel	x1, x4, x2, hs
#ifdef UART_IMX
	str	w1, [x20, #0x40]
#else
	str	w1, [x20]
#endif
	subs	x3, x3, #4
	b.ge	8b
	ret

	.balign	2048
vectors:
	.rept	5
	b	.
	.balign	128
	.endr
	b	irq			// 0x280: IRQ, current EL with SP_ELx
	.balign	128
	.rept	10
	b	.
	.balign	128
	.endr

s_el:	.asciz	"\r\nCurrentEL="
s_pfr:	.asciz	" ID_AA64PFR0_EL1="
s_frq:	.asciz	" CNTFRQ_EL0="
s_nogic3: .asciz	"\r\nno GICv3 system registers (a GICv2?)"
s_vtr:	.asciz	" ICH_VTR_EL2="
s_virq:	.asciz	"\r\nvIRQ taken at EL1, ICC_IAR1_EL1="
s_novirq: .asciz "\r\nno vIRQ reached EL1\r\n"
s_nl:	.asciz	"\r\n"
	.ltorg
	.balign	16
_end:
