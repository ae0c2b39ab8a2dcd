// SPDX-License-Identifier: Apache-2.0
/*
 * PL011 console. The loader (QEMU or Bulkhead's emulated UART) has set it
 * up: we only poll the flags and use the data register. bh_printf() holds
 * the lock for a whole message; the lock records its owner so a vCPU that
 * faults while printing can still print its dump.
 */
#include <bulkhead/printf.h>

#include "internal.h"

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_RXFE BIT(4)
#define PL011_FR_TXFF BIT(5)

static bm_spinlock_t console_lock = BM_SPINLOCK_INIT;
static volatile int console_owner = -1;

void bm_putc(char c)
{
	while (bm_read32(BM_UART_BASE + PL011_FR) & PL011_FR_TXFF)
		;
	bm_write32(BM_UART_BASE + PL011_DR, (uint8_t)c);
}

int bm_getc(void)
{
	if (bm_read32(BM_UART_BASE + PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(bm_read32(BM_UART_BASE + PL011_DR) & 0xff);
}

static void console_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		bm_putc('\r');
	bm_putc(c);
}

void bh_vprintf(const char *fmt, va_list ap)
{
	int me = (int)bm_vcpu_id();
	/* No exclusives before the MMU is on; only one vCPU runs then. */
	bool lock = bm_mmu_on && console_owner != me;

	if (lock) {
		bm_spin_lock(&console_lock);
		console_owner = me;
	}
	bh_vformat(console_put, NULL, fmt, ap);
	if (lock) {
		console_owner = -1;
		bm_spin_unlock(&console_lock);
	}
}

void bh_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vprintf(fmt, ap);
	va_end(ap);
}

void bh_printf_unlocked(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bh_vformat(console_put, NULL, fmt, ap);
	va_end(ap);
}
