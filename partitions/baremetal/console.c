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

/*
 * Under Bulkhead, output goes out a line (or a message) at a time through
 * its console hypercall: one exit per line instead of one per character on
 * the emulated UART. Natively, and before the MMU is on (the hypervisor
 * would read the buffer through its caches), the PL011 takes it.
 */
#define BH_HC_CONSOLE_WRITE 0xc6000001U
#define HC_BUF		    256 /* BH_HC_CONSOLE_WRITE_MAX */

static char hc_buf[BM_MAX_VCPUS][HC_BUF];
static size_t hc_len[BM_MAX_VCPUS];
static int hc_ok = -1; /* not yet known */

/* Decided once, at the first output with the MMU on: an empty write that
 * Bulkhead answers with 0 (natively: not supported, or no hypervisor). */
static bool hypercall_console(void)
{
	if (!bm_mmu_on)
		return false;
	if (hc_ok < 0)
		hc_ok = !bm_native() &&
			bm_hvc(BH_HC_CONSOLE_WRITE, (uintptr_t)hc_buf[0], 0, 0).a0 == 0;
	return hc_ok == 1;
}

static void hc_flush(unsigned int me)
{
	if (hc_len[me] && (int64_t)bm_hvc(BH_HC_CONSOLE_WRITE, (uintptr_t)hc_buf[me], hc_len[me], 0)
				  .a0 < 0)
		hc_ok = 0; /* refused: the UART from now on (this text is lost) */
	hc_len[me] = 0;
}

static void console_put(void *ctx, char c)
{
	unsigned int me = bm_vcpu_id();

	(void)ctx;
	if (hypercall_console()) {
		hc_buf[me][hc_len[me]++] = c;
		if (c == '\n' || hc_len[me] == HC_BUF)
			hc_flush(me);
		return;
	}
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
	if (hypercall_console())
		hc_flush((unsigned int)me); /* a prompt without its newline goes out too */
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
