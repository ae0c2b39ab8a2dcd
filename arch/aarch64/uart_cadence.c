// SPDX-License-Identifier: Apache-2.0
/*
 * Cadence UART console driver (Xilinx ZynqMP "xlnx,xuartps",
 * "cdns,uart-r1p12"); the UART contract: arch/uart.h. Its interrupt status
 * bits are sticky, so a condition that has passed is cleared here (an
 * emptied receive FIFO, a character queued) rather than left to assert the
 * line.
 */
#include <bulkhead/bits.h>

#include <arch/uart.h>

#define CDNS_IER	  0x08 /* interrupt enable */
#define CDNS_IDR	  0x0c /* interrupt disable */
#define CDNS_ISR	  0x14 /* interrupt status, write 1 to clear */
#define CDNS_RXTOUT	  0x1c /* receive timeout, in character times x 4 */
#define CDNS_RXWM	  0x20 /* receive FIFO trigger level */
#define CDNS_SR		  0x2c /* channel status */
#define CDNS_FIFO	  0x30
#define CDNS_SR_RXEMPTY	  BIT(1)
#define CDNS_SR_TXFULL	  BIT(4)
#define CDNS_IXR_RXTRIG	  BIT(0)
#define CDNS_IXR_TXEMPTY  BIT(3)
#define CDNS_IXR_TOUT	  BIT(8)
#define CDNS_IXR_ALL	  0x1fff
#define CDNS_RX_IRQS	  (CDNS_IXR_RXTRIG | CDNS_IXR_TOUT)
#define CDNS_RXTOUT_CHARS 10

static inline uint32_t rd(uintptr_t base, uintptr_t off)
{
	return *(volatile uint32_t *)(base + off);
}
static inline void wr(uintptr_t base, uintptr_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static bool cdns_try_putc(uintptr_t base, char c)
{
	if (rd(base, CDNS_SR) & CDNS_SR_TXFULL)
		return false;
	wr(base, CDNS_FIFO, (uint8_t)c);
	wr(base, CDNS_ISR, CDNS_IXR_TXEMPTY); /* no longer empty */
	return true;
}

static int cdns_getc(uintptr_t base)
{
	if (rd(base, CDNS_SR) & CDNS_SR_RXEMPTY) {
		wr(base, CDNS_ISR, CDNS_RX_IRQS); /* drained */
		return -1;
	}
	return (int)(rd(base, CDNS_FIFO) & 0xff);
}

static void cdns_irqs(uintptr_t base, bool rx, bool tx)
{
	uint32_t on = (rx ? (uint32_t)CDNS_RX_IRQS : 0) | (tx ? (uint32_t)CDNS_IXR_TXEMPTY : 0);

	wr(base, CDNS_RXWM, 1);
	wr(base, CDNS_RXTOUT, CDNS_RXTOUT_CHARS);
	wr(base, CDNS_IDR, CDNS_IXR_ALL & ~on);
	wr(base, CDNS_ISR, CDNS_IXR_ALL & ~(uint32_t)CDNS_RX_IRQS); /* keep pending input */
	wr(base, CDNS_IER, on);
}

const struct uart_ops uart_cadence_ops = {
	.try_putc = cdns_try_putc,
	.getc = cdns_getc,
	.irqs = cdns_irqs,
};
