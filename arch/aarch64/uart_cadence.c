// SPDX-License-Identifier: Apache-2.0
/*
 * Cadence UART console driver (Xilinx ZynqMP "xlnx,xuartps",
 * "cdns,uart-r1p12"); the UART contract: arch/uart.h. Its interrupt status
 * bits are sticky, so a condition that has passed is cleared here (an
 * emptied receive FIFO, a character queued) rather than left to assert the
 * line.
 *
 * Its transmitter and receiver come out of reset disabled (CR = 0x128), and
 * a disabled transmitter drops what it is given without a sign in the
 * status register. Firmware on the board (FSBL, U-Boot) enables both; QEMU's
 * xlnx-zcu102 started with -kernel runs nothing before Bulkhead. So the
 * driver enables them itself whenever it finds them off, which changes
 * nothing on a line firmware has set up.
 */
#include <bulkhead/bits.h>

#include <arch/uart.h>

#define CDNS_CR		  0x00 /* control */
#define CDNS_IER	  0x08 /* interrupt enable */
#define CDNS_IDR	  0x0c /* interrupt disable */
#define CDNS_ISR	  0x14 /* interrupt status, write 1 to clear */
#define CDNS_RXTOUT	  0x1c /* receive timeout, in character times x 4 */
#define CDNS_RXWM	  0x20 /* receive FIFO trigger level */
#define CDNS_SR		  0x2c /* channel status */
#define CDNS_FIFO	  0x30
#define CDNS_CR_RX_EN	  BIT(2)
#define CDNS_CR_RX_DIS	  BIT(3)
#define CDNS_CR_TX_EN	  BIT(4)
#define CDNS_CR_TX_DIS	  BIT(5)
#define CDNS_CR_ON	  (CDNS_CR_RX_EN | CDNS_CR_TX_EN)
#define CDNS_CR_OFF	  (CDNS_CR_RX_DIS | CDNS_CR_TX_DIS)
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

/* Transmitter and receiver on (see above); the FIFO resets and break
 * bits are left clear. */
static void cdns_enable(uintptr_t base)
{
	uint32_t cr = rd(base, CDNS_CR);

	if ((cr & CDNS_CR_ON) != CDNS_CR_ON || (cr & CDNS_CR_OFF))
		wr(base, CDNS_CR, CDNS_CR_ON);
}

static bool cdns_try_putc(uintptr_t base, char c)
{
	cdns_enable(base);
	if (rd(base, CDNS_SR) & CDNS_SR_TXFULL)
		return false;
	wr(base, CDNS_FIFO, (uint8_t)c);
	wr(base, CDNS_ISR, CDNS_IXR_TXEMPTY); /* no longer empty */
	return true;
}

static int cdns_getc(uintptr_t base)
{
	if (rd(base, CDNS_SR) & CDNS_SR_RXEMPTY) {
		/* Drained: clear the sticky status, then look once more, so a
		 * character that came in between keeps its interrupt. */
		wr(base, CDNS_ISR, CDNS_RX_IRQS);
		if (rd(base, CDNS_SR) & CDNS_SR_RXEMPTY)
			return -1;
	}
	return (int)(rd(base, CDNS_FIFO) & 0xff);
}

static void cdns_irqs(uintptr_t base, bool rx, bool tx)
{
	uint32_t on = (rx ? (uint32_t)CDNS_RX_IRQS : 0) | (tx ? (uint32_t)CDNS_IXR_TXEMPTY : 0);

	cdns_enable(base);
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
