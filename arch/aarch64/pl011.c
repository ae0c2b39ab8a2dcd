// SPDX-License-Identifier: Apache-2.0
/*
 * The PL011 Bulkhead owns. Firmware has set the baud rate; Bulkhead polls
 * and writes, never waiting on a full FIFO except for its own messages.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_RXFE BIT(4)
#define PL011_FR_TXFF BIT(5)
#define PL011_IMSC    0x38
#define PL011_ICR     0x44
#define PL011_INT_RX  BIT(4)
#define PL011_INT_TX  BIT(5)
#define PL011_INT_RT  BIT(6)

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}
static uintptr_t base(void)
{
	return (uintptr_t)bh_board.console.base;
}

void arch_console_putc(char c)
{
	while (mmio_read32(base() + PL011_FR) & PL011_FR_TXFF)
		;
	mmio_write32(base() + PL011_DR, (uint8_t)c);
}

bool arch_console_try_putc(char c)
{
	if (mmio_read32(base() + PL011_FR) & PL011_FR_TXFF)
		return false;
	mmio_write32(base() + PL011_DR, (uint8_t)c);
	return true;
}

int arch_console_getc(void)
{
	if (mmio_read32(base() + PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(mmio_read32(base() + PL011_DR) & 0xff);
}

void arch_console_irqs(bool rx, bool tx)
{
	mmio_write32(base() + PL011_ICR, PL011_INT_TX);
	mmio_write32(base() + PL011_IMSC, (rx ? (uint32_t)(PL011_INT_RX | PL011_INT_RT) : 0) |
						  (tx ? (uint32_t)PL011_INT_TX : 0));
}
