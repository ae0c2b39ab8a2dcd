// SPDX-License-Identifier: Apache-2.0
/* Emulated PL011: registers, tagged line output, input FIFO and its interrupt. */
#include <bulkhead/console.h>
#include <bulkhead/errno.h>
#include <bulkhead/vdev.h>

#include "cellfix.h"
#include "ut.h"

static struct cellfix *setup(void)
{
	static struct cell *list[1];
	struct cellfix *f = cellfix_new("rtos", 0, 1, NULL, 0);

	list[0] = &f->c;
	fake_cells(list, 1);
	fake_console_reset();
	fake_gic_reset(4);
	return f;
}

static uint64_t rd(struct cellfix *f, uint64_t off)
{
	struct mmio_access a = {.size = 4, .reg64 = true};

	EXPECT_EQ(vuart_mmio(&f->v[0], NULL, off, &a), 0);
	return a.value;
}

static int wr(struct cellfix *f, uint64_t off, uint64_t val, unsigned int size)
{
	struct mmio_access a = {.size = size, .write = true, .value = val};

	return vuart_mmio(&f->v[0], NULL, off, &a);
}

TEST(vuart_lines_are_tagged_and_whole)
{
	struct cellfix *f = setup();

	for (const char *p = "hello\r\nworld"; *p; p++)
		EXPECT_EQ(wr(f, 0x000, (uint64_t)*p, 4), 0);
	/* "world" waits for its newline; CR is dropped. */
	EXPECT_STREQ(fake_console_output(), "[rtos] hello\r\n");
	vuart_flush(&f->c);
	EXPECT_STREQ(fake_console_output(), "[rtos] hello\r\n[rtos] world\r\n");
	free(f);
}

TEST(vuart_long_lines_are_split_not_lost)
{
	struct cellfix *f = setup();

	for (size_t i = 0; i < VUART_LINE_MAX + 3; i++)
		wr(f, 0x000, 'a' + (i % 26), 1);
	wr(f, 0x000, '\n', 1);
	/* Two tagged lines with every character, in order. */
	EXPECT_EQ(strlen(fake_console_output()), 2 * strlen("[rtos] \r\n") + VUART_LINE_MAX + 3);
	free(f);
}

TEST(vuart_flags_and_identification)
{
	struct cellfix *f = setup();

	/* TX never full (TXFE set, TXFF clear), RX empty. */
	EXPECT_EQ(rd(f, 0x018), (1 << 7) | (1 << 4));
	EXPECT_EQ(rd(f, 0xfe0), 0x11);
	EXPECT_EQ(rd(f, 0xfe4), 0x10);
	EXPECT_EQ(rd(f, 0xff0), 0x0d);
	EXPECT_EQ(rd(f, 0xffc), 0xb1);
	EXPECT_EQ(rd(f, 0x800), 0);
	EXPECT_EQ(wr(f, 0x800, 0xffffffff, 4), 0);
	EXPECT_STREQ(fake_console_output(), "");
	/* 64-bit accesses do not exist on the PL011's 32-bit bus. */
	EXPECT_EQ(wr(f, 0x000, 'x', 8), (uint64_t)-BH_EINVAL);
	free(f);
}

TEST(vuart_control_registers_read_back)
{
	struct cellfix *f = setup();

	EXPECT_EQ(wr(f, 0x024, 0x1a, 4), 0);  /* IBRD */
	EXPECT_EQ(wr(f, 0x030, 0x301, 4), 0); /* CR */
	EXPECT_EQ(rd(f, 0x024), 0x1a);
	EXPECT_EQ(rd(f, 0x030), 0x301);
	free(f);
}

TEST(vuart_input_fifo_and_interrupt_level)
{
	struct cellfix *f = setup();

	/* Input before the driver asked for interrupts: level stays low. */
	arch_spin_lock(&f->c.lock);
	vuart_rx(&f->c, 'o');
	arch_spin_unlock(&f->c.lock);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_EQ(rd(f, 0x03c) & (1 << 4), 1 << 4); /* RIS.RX */
	EXPECT_EQ(rd(f, 0x040), 0);		    /* MIS: masked */
	/* Unmask RX: the line rises, the interrupt waits for the vCPU. */
	wr(f, 0x038, 1 << 4, 4);
	EXPECT_EQ(rd(f, 0x040), 1 << 4);
	EXPECT_EQ(f->v[0].vgic.queued, 1);
	EXPECT_EQ(f->v[0].vgic.queue[0].intid, 33);
	EXPECT_EQ(rd(f, 0x018) & (1 << 4), 0); /* RXFE clear */
	EXPECT_EQ(rd(f, 0x000), 'o');
	/* Drained: line low again, the pending interrupt withdrawn. */
	EXPECT_EQ(rd(f, 0x018) & (1 << 4), 1 << 4);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	/* Overrun: a full FIFO drops and counts, never blocks. */
	arch_spin_lock(&f->c.lock);
	for (int i = 0; i < VUART_RX_FIFO + 5; i++)
		vuart_rx(&f->c, 'x');
	arch_spin_unlock(&f->c.lock);
	EXPECT_EQ(f->c.vuart.rx_dropped, 5);
	free(f);
}
