// SPDX-License-Identifier: Apache-2.0
/*
 * Hypervisor console. Each bh_printf() holds the lock for the whole
 * message, so lines from different CPUs never interleave. The lock records
 * its owner: a CPU that faults while printing can still print its dump.
 */
#include <bulkhead/arch.h>
#include <bulkhead/printf.h>

static arch_spinlock_t console_lock = ARCH_SPINLOCK_INIT;
static volatile int console_owner = -1;

static void console_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

void bh_vprintf(const char *fmt, va_list ap)
{
	int me = (int)arch_cpu_id();
	bool nested = console_owner == me;

	if (!nested) {
		arch_spin_lock(&console_lock);
		console_owner = me;
	}
	bh_vformat(console_put, NULL, fmt, ap);
	if (!nested) {
		console_owner = -1;
		arch_spin_unlock(&console_lock);
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
