// SPDX-License-Identifier: Apache-2.0
/* Arm PL011 console driver (the UART contract: arch/uart.h). */
#include <bulkhead/bits.h>

#include <arch/uart.h>

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_RXFE BIT(4)
#define PL011_FR_TXFF BIT(5)
#define PL011_IMSC    0x38
#define PL011_ICR     0x44
#define PL011_INT_RX  BIT(4)
#define PL011_INT_TX  BIT(5)
#define PL011_INT_RT  BIT(6)

static inline uint32_t rd(uintptr_t base, uintptr_t off)
{
	return *(volatile uint32_t *)(base + off);
}
static inline void wr(uintptr_t base, uintptr_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static bool pl011_try_putc(uintptr_t base, char c)
{
	if (rd(base, PL011_FR) & PL011_FR_TXFF)
		return false;
	wr(base, PL011_DR, (uint8_t)c);
	return true;
}

static int pl011_getc(uintptr_t base)
{
	if (rd(base, PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(rd(base, PL011_DR) & 0xff);
}

static void pl011_irqs(uintptr_t base, bool rx, bool tx)
{
	wr(base, PL011_ICR, PL011_INT_TX);
	wr(base, PL011_IMSC,
	   (rx ? (uint32_t)(PL011_INT_RX | PL011_INT_RT) : 0) | (tx ? (uint32_t)PL011_INT_TX : 0));
}

const struct uart_ops uart_pl011_ops = {
	.try_putc = pl011_try_putc,
	.getc = pl011_getc,
	.irqs = pl011_irqs,
};
