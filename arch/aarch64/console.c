// SPDX-License-Identifier: Apache-2.0
/* The console hardware contract (arch.h), dispatched to the board's UART driver. */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#include <arch/uart.h>

static const struct uart_ops *uart(void)
{
	return bh_board.console_kind == BH_UART_CADENCE ? &uart_cadence_ops : &uart_pl011_ops;
}

static uintptr_t base(void)
{
	return (uintptr_t)bh_board.console.base;
}

void arch_console_putc(char c)
{
	while (!uart()->try_putc(base(), c))
		;
}

bool arch_console_try_putc(char c)
{
	return uart()->try_putc(base(), c);
}

int arch_console_getc(void)
{
	return uart()->getc(base());
}

void arch_console_irqs(bool rx, bool tx)
{
	uart()->irqs(base(), rx, tx);
}
