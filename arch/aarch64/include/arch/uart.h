/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract of a console UART driver: one small file per UART
 * (arch/aarch64/uart_*.c), picked by board data (bh_board.console_kind).
 * Firmware has set the line up (baud rate, format); a driver only moves
 * characters and switches its two interrupt sources. It works with the
 * MMU off too (early messages).
 */
#pragma once

#include <bulkhead/types.h>

struct uart_ops {
	/* Queue one character; false if the transmit FIFO is full. */
	bool (*try_putc)(uintptr_t base, char c);
	/* A received character, or -1. */
	int (*getc)(uintptr_t base);
	/* Interrupt on received data (and receive timeout) / on TX FIFO room. */
	void (*irqs)(uintptr_t base, bool rx, bool tx);
};

extern const struct uart_ops uart_pl011_ops;
extern const struct uart_ops uart_cadence_ops;
