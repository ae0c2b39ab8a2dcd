// SPDX-License-Identifier: Apache-2.0
/* PL011 output. Firmware has set the baud rate; we only poll and write. */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF BIT(5)

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

void arch_console_putc(char c)
{
	uintptr_t base = (uintptr_t)bh_board.console.base;

	while (mmio_read32(base + PL011_FR) & PL011_FR_TXFF)
		;
	mmio_write32(base + PL011_DR, (uint8_t)c);
}
