// SPDX-License-Identifier: Apache-2.0
/* Console rings: whole lines, round-robin between cells, drops when full,
 * never waiting for the UART; input focus and the escape key; muting;
 * escape sequences that would make the terminal answer. */
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
	WRITE_ONCE(a->c.state, CELL_RUNNING);
	WRITE_ONCE(b->c.state, CELL_RUNNING);
	for (unsigned int i = 0; i < 2; i++)
		if (console_muted(i))
			console_set_muted(i, false);
	console_set_focus(0);
	console_poll(); /* input stalled by a test goes on */
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

static void partial(struct cellfix *f, const char *s)
{
	arch_spin_lock(&f->c.lock);
	console_cell_partial(&f->c, s, strlen(s));
	arch_spin_unlock(&f->c.lock);
}

/* Each of these makes a terminal answer (the answer would be typed into the
 * cell with the input) or send input nobody typed. */
static const char *const queries[] = {
	"\x1b[6n",	     /* cursor position report: busybox ash after its prompt */
	"\x1b[5n",	     /* status report */
	"\x1b[?6n",	     /* DEC cursor position report */
	"\x1b[c",	     /* primary device attributes */
	"\x1b[0c",	     /* ... with its parameter */
	"\x1b[>c",	     /* secondary device attributes */
	"\x1b[=c",	     /* tertiary device attributes */
	"\x1bZ",	     /* identify terminal */
	"\x1b[18t",	     /* text area size report */
	"\x1b[21t",	     /* window title report */
	"\x1b[x",	     /* terminal parameters */
	"\x1b[?25$p",	     /* mode query */
	"\x1b[>0q",	     /* version query */
	"\x1b[?u",	     /* keyboard protocol query */
	"\x1b]11;?\x07",     /* background colour query (OSC, BEL) */
	"\x1b]52;c;?\x1b\\", /* clipboard read (OSC, ST) */
	"\x1bP$qm\x1b\\",    /* setting query (DCS) */
	"\x1b[?1000h",	     /* mouse reports */
	"\x1b[?1;1006h",     /* mouse reports beside an allowed mode: all dropped */
	"\x1b[?1004h",	     /* focus reports */
	"\x1b[?2004h",	     /* bracketed paste markers */
	"\x1b[20h",	     /* Enter sends CR LF */
	"\x1b[>4;1m",	     /* what modified keys send */
	"\x05",		     /* answerback */
};

TEST(console_keeps_terminal_queries_from_the_terminal)
{
	char l[64];

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
		struct console_stats before = console_cell_stats(&a->c);

		fake_console_reset();
		snprintf(l, sizeof(l), "x%sy", queries[i]);
		line(a, l);
		if (strcmp(fake_console_output(), "[a] xy\r\n") != 0)
			ut_fail(__FILE__, __LINE__, "query %zu (\\e%s) passed: \"%s\"", i,
				queries[i] + 1, fake_console_output());
		EXPECT_EQ(console_cell_stats(&a->c).filtered - before.filtered, 1);
	}
	teardown();
}

TEST(console_passes_display_sequences)
{
	static const char *const display[] = {
		"\x1b[1;32m",
		"\x1b[0m",
		"\x1b[m",
		"\x1b[2J",
		"\x1b[H",
		"\x1b[10;5H",
		"\x1b[K",
		"\x1b[?25l",
		"\x1b[?1h",
		"\x1b=",
		"\x1b(B",
		"\x1b[4h",
		"\x1b[2 q",
		"\x1b"
		"7",
		"\x1b"
		"8",
		"\x1b[1;24r",
		"\x1b[3C",
		"\x1b"
		"c",
	};
	char l[64], want[80];

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(display); i++) {
		fake_console_reset();
		snprintf(l, sizeof(l), "x%sy", display[i]);
		snprintf(want, sizeof(want), "[a] %s\r\n", l);
		line(a, l);
		EXPECT_STREQ(fake_console_output(), want);
	}
	teardown();
}

TEST(console_judges_sequences_split_across_writes)
{
	setup();
	/* The prompt shows at once, the probe that followed it never. */
	partial(a, "/ # \x1b[");
	EXPECT_STREQ(fake_console_output(), "[a] / # ");
	partial(a, "6");
	partial(a, "n");
	partial(a, "\x1b[1;3");
	partial(a, "2mok");
	line(a, "\x1b[0m");
	EXPECT_STREQ(fake_console_output(), "[a] / # \x1b[1;32mok\x1b[0m\r\n");
	/* A sequence still open at the end of its line is dropped: the next
	 * line's tag would otherwise complete it. */
	fake_console_reset();
	line(a, "abc\x1b[6");
	line(a, "n");
	EXPECT_STREQ(fake_console_output(), "[a] abc\r\n[a] n\r\n");
	/* Too long to hold: dropped whole, and the text after it shows. */
	fake_console_reset();
	line(a, "\x1b[1111111111111111111111111111111111111111mz");
	EXPECT_STREQ(fake_console_output(), "[a] z\r\n");
	/* A control string ends at BEL or ESC \\; what follows shows. */
	fake_console_reset();
	line(a, "\x1b]0;title\x07t\x1b]8;;x\x1b\\u");
	EXPECT_STREQ(fake_console_output(), "[a] tu\r\n");
	teardown();
}

TEST(console_mute_counts_lines_and_never_blocks_the_cell)
{
	struct console_stats before;

	setup();
	before = console_cell_stats(&b->c);
	fake_console_input("\x1dm1");
	console_irq();
	EXPECT_TRUE(console_muted(1));
	EXPECT_TRUE(strstr(fake_console_output(), "cell 1 (b) muted") != NULL);
	fake_console_reset();
	fake_console_room(0); /* nothing is written, yet b is never held up */
	for (int i = 0; i < 10000; i++)
		line(b, "chatter");
	line(a, "kept");
	fake_console_room(-1);
	console_kick();
	EXPECT_STREQ(fake_console_output(), "[a] kept\r\n");
	EXPECT_EQ(console_cell_stats(&b->c).muted_lines - before.muted_lines, 10000);
	EXPECT_EQ(console_cell_stats(&b->c).dropped_lines - before.dropped_lines, 0);
	EXPECT_EQ(console_cell_stats(&b->c).lines - before.lines, 0);
	/* The list shows every key and each cell's state. */
	fake_console_input("\x1d?");
	console_irq();
	EXPECT_TRUE(strstr(fake_console_output(), "Ctrl-] <n> input to cell <n>") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "Ctrl-] m <n> mute or show cell <n>") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "Ctrl-] ? this list") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "Ctrl-] Ctrl-] a literal Ctrl-]") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "   0 a            running, input, ") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "   1 b            running, muted, ") != NULL);
	/* Shown again: new lines come through, the count is reported. */
	fake_console_reset();
	fake_console_input("\x1dm1");
	console_irq();
	EXPECT_TRUE(!console_muted(1));
	EXPECT_TRUE(strstr(fake_console_output(), "cell 1 (b) shown again") != NULL);
	line(b, "back");
	EXPECT_TRUE(strstr(fake_console_output(), "[b] back\r\n") != NULL);
	/* m then anything but a cell number just lists; nothing reaches a cell. */
	fake_console_input("\x1dmx");
	console_irq();
	EXPECT_EQ(a->c.vuart.rx_head, 0);
	EXPECT_TRUE(!console_muted(0) && !console_muted(1));
	teardown();
}

TEST(console_input_leaves_a_stopped_cell)
{
	char typed[VUART_RX_FIFO + 20];

	setup();
	console_set_focus(0);
	WRITE_ONCE(a->c.state, CELL_STOPPED);
	console_cell_stopped(&a->c);
	EXPECT_EQ(console_focus(), 1);
	EXPECT_TRUE(strstr(fake_console_output(),
			   "console: cell a stopped; input now goes to cell 1 (b)") != NULL);
	fake_console_input("ls\r");
	console_irq();
	EXPECT_EQ(b->c.vuart.rx_head, 3);
	EXPECT_EQ(a->c.vuart.rx_head, 0);
	/* Back to a stopped cell: refused. */
	console_set_focus(0);
	EXPECT_EQ(console_focus(), 1);
	EXPECT_TRUE(strstr(fake_console_output(), "cell 0 (a) is stopped") != NULL);
	/* A cell without the input stops: nothing to say. */
	fake_console_reset();
	console_cell_stopped(&a->c);
	EXPECT_STREQ(fake_console_output(), "");
	/* The last one with a console stops while another cell runs: said so;
	 * typing vanishes, the keys still work. */
	WRITE_ONCE(b->c.state, CELL_STOPPED);
	a->cfg.console = BH_CONSOLE_NONE;
	WRITE_ONCE(a->c.state, CELL_RUNNING);
	console_cell_stopped(&b->c);
	EXPECT_TRUE(strstr(fake_console_output(), "cell b stopped; no running cell takes input") !=
		    NULL);
	a->cfg.console = BH_CONSOLE_VUART;
	WRITE_ONCE(a->c.state, CELL_STOPPED);
	/* Nothing runs any more (the machine powers off): nothing to say. */
	fake_console_reset();
	console_cell_stopped(&b->c);
	EXPECT_STREQ(fake_console_output(), "");
	memset(typed, 'z', sizeof(typed) - 1);
	typed[sizeof(typed) - 1] = '\0';
	fake_console_input(typed);
	fake_console_input("\x1d?");
	console_irq();
	EXPECT_EQ(b->c.vuart.rx_head, 3);
	EXPECT_TRUE(strstr(fake_console_output(), "   1 b            stopped, input") != NULL);
	teardown();
}

TEST(console_input_to_a_stopped_focus_never_stalls_the_keys)
{
	/* However the focus came to be on a stopped cell, a full FIFO there
	 * must not stop the console from reading Ctrl-]. */
	char typed[VUART_RX_FIFO + 20];

	setup();
	console_set_focus(0);
	WRITE_ONCE(a->c.state, CELL_STOPPED);
	memset(typed, 'z', sizeof(typed) - 1);
	typed[sizeof(typed) - 1] = '\0';
	fake_console_input(typed);
	fake_console_input("\x1d"
			   "1");
	console_irq();
	console_poll();
	EXPECT_EQ(console_focus(), 1);
	teardown();
}
