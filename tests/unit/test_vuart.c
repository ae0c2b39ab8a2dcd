// SPDX-License-Identifier: Apache-2.0
/* Emulated PL011 register logic and the tagged, line-buffered output. */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/vdev.h>

#include <arch/fake.h>

#include "ut.h"

struct uart_fixture {
	struct bh_cell cfg;
	struct cell c;
	struct vcpu v;
};

static void setup(struct uart_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->cfg.name = "rtos";
	f->c.cfg = &f->cfg;
	f->v.cell = &f->c;
	fake_console_reset();
}

static uint64_t rd(struct uart_fixture *f, uint64_t off, unsigned int size)
{
	struct mmio_access a = {.size = size, .reg64 = true};

	EXPECT_EQ(vuart_mmio(&f->v, NULL, off, &a), 0);
	return a.value;
}

static int wr(struct uart_fixture *f, uint64_t off, uint64_t val, unsigned int size)
{
	struct mmio_access a = {.size = size, .write = true, .value = val};

	return vuart_mmio(&f->v, NULL, off, &a);
}

TEST(vuart_lines_are_tagged_and_whole)
{
	struct uart_fixture f;

	setup(&f);
	for (const char *p = "hello\r\nworld"; *p; p++)
		EXPECT_EQ(wr(&f, 0x000, (uint64_t)*p, 4), 0);
	/* "world" waits for its newline; CR is dropped. */
	EXPECT_STREQ(fake_console_output(), "[rtos] hello\r\n");
	vuart_flush(&f.c);
	EXPECT_STREQ(fake_console_output(), "[rtos] hello\r\n[rtos] world\r\n");
}

TEST(vuart_long_lines_are_split_not_lost)
{
	struct uart_fixture f;
	size_t cap = sizeof(f.c.line) - 1;

	setup(&f);
	for (size_t i = 0; i < cap + 3; i++)
		wr(&f, 0x000, 'a' + (i % 26), 1);
	wr(&f, 0x000, '\n', 1);
	/* Two tagged lines with every character, in order. */
	EXPECT_EQ(strlen(fake_console_output()), 2 * strlen("[rtos] \r\n") + cap + 3);
}

TEST(vuart_flags_and_identification)
{
	struct uart_fixture f;

	setup(&f);
	/* TX never full (TXFE set, TXFF clear), RX empty. */
	EXPECT_EQ(rd(&f, 0x018, 4), (1 << 7) | (1 << 4));
	/* PrimeCell IDs: a PL011 to any driver probing it. */
	EXPECT_EQ(rd(&f, 0xfe0, 4), 0x11);
	EXPECT_EQ(rd(&f, 0xfe4, 4), 0x10);
	EXPECT_EQ(rd(&f, 0xff0, 4), 0x0d);
	EXPECT_EQ(rd(&f, 0xffc, 4), 0xb1);
	/* Reserved offsets read as zero and ignore writes. */
	EXPECT_EQ(rd(&f, 0x800, 4), 0);
	EXPECT_EQ(wr(&f, 0x800, 0xffffffff, 4), 0);
	EXPECT_STREQ(fake_console_output(), "");
}

TEST(vuart_control_registers_read_back)
{
	struct uart_fixture f;

	setup(&f);
	EXPECT_EQ(wr(&f, 0x024, 0x1a, 4), 0); /* IBRD */
	EXPECT_EQ(wr(&f, 0x030, 0x301, 4), 0); /* CR */
	EXPECT_EQ(rd(&f, 0x024, 4), 0x1a);
	EXPECT_EQ(rd(&f, 0x030, 4), 0x301);
	/* Interrupt status stays clear: nothing is pending. */
	EXPECT_EQ(rd(&f, 0x03c, 4), 0);
	/* 64-bit accesses do not exist on the PL011's 32-bit bus. */
	EXPECT_EQ(wr(&f, 0x000, 'x', 8), (uint64_t)-BH_EINVAL);
}
