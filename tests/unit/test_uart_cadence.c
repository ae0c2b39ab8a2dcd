// SPDX-License-Identifier: Apache-2.0
/*
 * The Cadence UART console driver (arch/aarch64/uart_cadence.c) against its
 * registers as plain memory: what it writes where, in which case. That the
 * hardware (or QEMU's model) then does what those writes ask is for the
 * QEMU scenarios on xlnx-zcu102.
 */
#include <arch/uart.h>

#include "ut.h"

#define CR     0x00
#define IER    0x08
#define IDR    0x0c
#define ISR    0x14
#define RXTOUT 0x1c
#define RXWM   0x20
#define SR     0x2c
#define FIFO   0x30
#define UNSET  0xdeadbeefU

#define CR_RESET    0x128 /* RX and TX disabled, stop break: as out of reset */
#define CR_ON	    0x14  /* RX and TX enabled */
#define SR_RXEMPTY  0x02
#define SR_TXEMPTY  0x08
#define SR_TXFULL   0x10
#define IXR_RX	    0x101 /* receive trigger, receive timeout */
#define IXR_TXEMPTY 0x08
#define IXR_ALL	    0x1fff

static uint32_t regs[0x40 / 4];

static uintptr_t uart(uint32_t cr, uint32_t sr)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		regs[i] = UNSET;
	regs[CR / 4] = cr;
	regs[SR / 4] = sr;
	return (uintptr_t)regs;
}

static uint32_t reg(unsigned int off)
{
	return regs[off / 4];
}

TEST(cadence_putc_turns_on_a_line_left_off)
{
	uintptr_t base = uart(CR_RESET, SR_TXEMPTY | SR_RXEMPTY);

	EXPECT_TRUE(uart_cadence_ops.try_putc(base, 'A'));
	/* A disabled transmitter drops characters silently: turned on first. */
	EXPECT_EQ(reg(CR), CR_ON);
	EXPECT_EQ(reg(FIFO), 'A');
	/* The FIFO is no longer empty: its sticky status is cleared. */
	EXPECT_EQ(reg(ISR), IXR_TXEMPTY);
}

TEST(cadence_putc_leaves_a_line_firmware_set_up)
{
	/* Enabled, with a bit the driver would not write (stop break). */
	uintptr_t base = uart(CR_ON | 0x100, SR_TXEMPTY);

	EXPECT_TRUE(uart_cadence_ops.try_putc(base, 'B'));
	EXPECT_EQ(reg(CR), CR_ON | 0x100);
	EXPECT_EQ(reg(FIFO), 'B');
}

TEST(cadence_putc_turns_on_a_half_disabled_line)
{
	/* Enable and disable both set: disabled, per the TRM and QEMU. */
	uintptr_t base = uart(CR_ON | 0x20, SR_TXEMPTY);

	EXPECT_TRUE(uart_cadence_ops.try_putc(base, 'C'));
	EXPECT_EQ(reg(CR), CR_ON);
}

TEST(cadence_putc_full_fifo_writes_nothing)
{
	uintptr_t base = uart(CR_ON, SR_TXFULL);

	EXPECT_TRUE(!uart_cadence_ops.try_putc(base, 'D'));
	EXPECT_EQ(reg(FIFO), UNSET);
	EXPECT_EQ(reg(ISR), UNSET);
}

TEST(cadence_getc_reads_the_fifo)
{
	uintptr_t base = uart(CR_ON, SR_TXEMPTY);

	regs[FIFO / 4] = 0x1a5;
	EXPECT_EQ(uart_cadence_ops.getc(base), 0xa5);
	EXPECT_EQ(reg(ISR), UNSET);
}

TEST(cadence_getc_empty_clears_receive_status)
{
	uintptr_t base = uart(CR_ON, SR_TXEMPTY | SR_RXEMPTY);

	EXPECT_EQ(uart_cadence_ops.getc(base), -1);
	/* Drained: the sticky receive interrupts are cleared, so the line
	 * drops until the next character. */
	EXPECT_EQ(reg(ISR), IXR_RX);
}

TEST(cadence_irqs_receive_only)
{
	uintptr_t base = uart(CR_RESET, SR_TXEMPTY | SR_RXEMPTY);

	uart_cadence_ops.irqs(base, true, false);
	EXPECT_EQ(reg(CR), CR_ON);
	EXPECT_EQ(reg(RXWM), 1);
	EXPECT_EQ(reg(RXTOUT), 10);
	EXPECT_EQ(reg(IER), IXR_RX);
	EXPECT_EQ(reg(IDR), IXR_ALL & ~IXR_RX);
	/* Stale status cleared, except input that is waiting. */
	EXPECT_EQ(reg(ISR), IXR_ALL & ~IXR_RX);
}

TEST(cadence_irqs_transmit_room)
{
	uintptr_t base = uart(CR_ON, SR_TXEMPTY);

	uart_cadence_ops.irqs(base, true, true);
	EXPECT_EQ(reg(IER), IXR_RX | IXR_TXEMPTY);
	EXPECT_EQ(reg(IDR), IXR_ALL & ~(IXR_RX | IXR_TXEMPTY));
	uart_cadence_ops.irqs(base, false, false);
	EXPECT_EQ(reg(IER), 0);
	EXPECT_EQ(reg(IDR), IXR_ALL);
}
