// SPDX-License-Identifier: Apache-2.0
/* Console rings: whole lines, round-robin between cells, drops when full,
 * never waiting for the UART; input focus and the escape key. */
#include <bulkhead/console.h>
#include <bulkhead/printf.h>
#include <bulkhead/vdev.h>

#include "cellfix.h"
#include "ut.h"

static struct cell *list[2];
static struct cellfix *a, *b;

static void setup(void)
{
	a = cellfix_new("a", 0, 1, NULL, 0);
	b = cellfix_new("b", 1, 1, NULL, 0);
	list[0] = &a->c;
	list[1] = &b->c;
	fake_cells(list, 2);
	fake_console_reset();
	fake_gic_reset(4);
}

static void teardown(void)
{
	fake_console_room(-1);
	console_flush_cell(&a->c);
	console_flush_cell(&b->c);
	bh_printf("%s", ""); /* ends a line a test left open, as any message does */
	fake_console_reset();
	free(a);
	free(b);
}

static void line(struct cellfix *f, const char *s)
{
	arch_spin_lock(&f->c.lock);
	console_cell_line(&f->c, s, strlen(s));
	arch_spin_unlock(&f->c.lock);
}

TEST(console_round_robin_whole_lines_without_waiting)
{
	setup();
	fake_console_room(0); /* a UART that takes nothing yet */
	for (int i = 0; i < 5; i++)
		line(a, "aaaa");
	line(b, "bbbb");
	EXPECT_STREQ(fake_console_output(), ""); /* nobody waited */
	fake_console_room(9);			 /* half a line fits */
	console_kick();
	EXPECT_STREQ(fake_console_output(), "[a] aaaa\r");
	fake_console_room(-1);
	console_kick();
	/* The started line is finished, then b gets its turn before a's rest. */
	EXPECT_STREQ(fake_console_output(),
		     "[a] aaaa\r\n[b] bbbb\r\n[a] aaaa\r\n[a] aaaa\r\n[a] aaaa\r\n[a] aaaa\r\n");
	teardown();
}

TEST(console_full_ring_drops_lines_and_counts_them)
{
	char l[100];
	struct console_stats before;

	setup();
	before = console_cell_stats(&a->c); /* rings outlive a test */
	memset(l, 'x', sizeof(l) - 1);
	l[sizeof(l) - 1] = '\0';
	fake_console_room(0);
	for (int i = 0; i < 100; i++) /* 100 * 101 bytes > 8 KiB */
		line(a, l);
	EXPECT_EQ(console_cell_stats(&a->c).lines - before.lines, CONSOLE_RING_SIZE / 101);
	EXPECT_EQ(console_cell_stats(&a->c).dropped_lines - before.dropped_lines,
		  100 - CONSOLE_RING_SIZE / 101);
	/* The other cell's ring is its own: nothing of b is lost. */
	line(b, "still here");
	EXPECT_EQ(console_cell_stats(&b->c).dropped_lines, 0);
	EXPECT_EQ(console_cell_stats(&b->c).lines > 0, 1);
	fake_console_room(-1);
	console_kick();
	EXPECT_TRUE(strstr(fake_console_output(), "[b] still here\r\n") != NULL);
	teardown();
}

TEST(console_hypervisor_message_never_cuts_a_cell_line)
{
	setup();
	line(b, "first");
	fake_console_room(0);
	line(a, "0123456789");
	fake_console_room(6); /* "[a] 01" */
	console_kick();
	fake_console_room(-1);
	bh_printf("hyp says hi\n");
	EXPECT_TRUE(strstr(fake_console_output(), "[a] 0123456789\r\nhyp says hi\r\n") != NULL);
	teardown();
}

TEST(console_escape_switches_input_focus)
{
	setup();
	console_set_focus(0);
	fake_console_input("x\x1d"
			   "1y\x1d\x1dz");
	console_irq();
	EXPECT_EQ(console_focus(), 1);
	EXPECT_EQ(a->c.vuart.rx_head, 1); /* "x" */
	EXPECT_EQ(a->c.vuart.rx[0], 'x');
	EXPECT_EQ(b->c.vuart.rx_head, 3); /* "y", a literal Ctrl-], "z" */
	EXPECT_EQ(b->c.vuart.rx[1], 0x1d);
	EXPECT_TRUE(strstr(fake_console_output(), "input goes to cell 1 (b)") != NULL);
	/* Any other key after the escape lists the cells. */
	fake_console_input("\x1d?");
	console_irq();
	EXPECT_TRUE(strstr(fake_console_output(), "   1 b            running, input") != NULL);
	teardown();
}

TEST(console_unfinished_lines_shown_and_continued_untagged)
{
	setup();
	arch_spin_lock(&a->c.lock);
	console_cell_partial(&a->c, "/ # ", 4);
	arch_spin_unlock(&a->c.lock);
	line(b, "tick");
	arch_spin_lock(&a->c.lock);
	console_cell_partial(&a->c, "l", 1);
	console_cell_line(&a->c, "s", 1);
	arch_spin_unlock(&a->c.lock);
	/* The prompt shows at once; b's line first ends it; a's echo starts a
	 * tagged line, and its own continuation is not tagged again. */
	EXPECT_STREQ(fake_console_output(), "[a] / # \r\n[b] tick\r\n[a] ls\r\n");
	teardown();
}

TEST(console_poll_shows_quiet_partial_lines_only)
{
	struct vcpu *v;
	struct mmio_access ch = {.size = 4, .write = true, .value = '$'};

	setup();
	console_set_focus(1);
	v = &a->v[0];
	fake_set_counter(1000);
	vuart_mmio(v, NULL, 0, &ch);
	fake_set_counter(1000 + 62500000);
	console_poll();
	/* Cell a has no input focus: its line waits for its newline. */
	EXPECT_TRUE(strstr(fake_console_output(), "$") == NULL);
	console_set_focus(0);
	fake_console_reset();
	vuart_flush(&a->c);
	fake_console_reset();
	fake_set_counter(1000);
	vuart_mmio(v, NULL, 0, &ch);
	console_poll();
	EXPECT_STREQ(fake_console_output(), ""); /* not quiet long enough */
	fake_set_counter(1000 + 62500000 / 1000 * CONSOLE_PARTIAL_MS);
	console_poll();
	EXPECT_STREQ(fake_console_output(), "[a] $");
	teardown();
}

TEST(console_input_backpressure_loses_nothing)
{
	char typed[VUART_RX_FIFO + 40];
	struct mmio_access rd = {.size = 4, .reg64 = true};
	unsigned int got = 0;

	setup();
	console_set_focus(0);
	for (size_t i = 0; i < sizeof(typed) - 1; i++)
		typed[i] = (char)('a' + i % 26);
	typed[sizeof(typed) - 1] = '\0';
	fake_console_input(typed);
	console_irq();
	/* The FIFO is full; the rest waits in the UART, nothing is dropped. */
	EXPECT_EQ(a->c.vuart.rx_head - a->c.vuart.rx_tail, VUART_RX_FIFO);
	EXPECT_EQ(a->c.vuart.rx_dropped, 0);
	/* The guest drains; the next poll takes the rest. */
	while (got < sizeof(typed) - 1) {
		struct mmio_access fr = {.size = 4, .reg64 = true};

		vuart_mmio(&a->v[0], NULL, 0x018, &fr);
		if (fr.value & (1 << 4)) { /* RXFE: let the console refill */
			console_poll();
			vuart_mmio(&a->v[0], NULL, 0x018, &fr);
			if (fr.value & (1 << 4))
				break;
		}
		vuart_mmio(&a->v[0], NULL, 0x000, &rd);
		EXPECT_EQ(rd.value, (uint64_t)(unsigned char)typed[got]);
		got++;
	}
	EXPECT_EQ(got, sizeof(typed) - 1);
	EXPECT_EQ(a->c.vuart.rx_dropped, 0);
	teardown();
}
