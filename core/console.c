// SPDX-License-Identifier: Apache-2.0
/*
 * Hypervisor console: the hypervisor's own messages (written at once,
 * whole, after any cell line in progress) and the cells' output rings
 * (drained round-robin, a whole line at a time, without waiting).
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/printf.h>

#include <config.h>

#define RING_MASK (CONSOLE_RING_SIZE - 1)
#define TAG_MAX	  40

struct ring {
	char buf[CONSOLE_RING_SIZE];
	uint32_t head; /* producer: the cell, under its lock */
	uint32_t tail; /* consumer: the drainer, under the console lock */
	struct console_stats stats;
};

static struct ring rings[BH_NR_CPUS];
static arch_spinlock_t console_lock = ARCH_SPINLOCK_INIT;
static volatile int console_owner = -1;
static int cur = -1;	     /* ring whose line is being written out */
static int open_line = -1;   /* ring whose line the terminal shows unfinished */
static char prefix[TAG_MAX]; /* "\r\n" closing another's line, then "[name] " */
static unsigned int prefix_len, prefix_pos;
static unsigned int next_rr; /* round-robin start for the next line */
static bool tx_irq_on;
static bool rx_stalled; /* the focused cell's input FIFO is full */
static unsigned int focus;
static bool escaped;

static void raw_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

static uint32_t ring_used(const struct ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - r->tail;
}

static void ring_put(struct cell *c, const char *text, size_t len, bool eol)
{
	struct ring *r = &rings[c->index];
	uint32_t head = r->head;
	size_t need = len + (eol ? 2 : 0);

	if (CONSOLE_RING_SIZE - (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE)) < need) {
		r->stats.dropped_lines++;
	} else {
		for (size_t i = 0; i < len; i++)
			r->buf[head++ & RING_MASK] = text[i];
		if (eol) {
			r->buf[head++ & RING_MASK] = '\r';
			r->buf[head++ & RING_MASK] = '\n';
			r->stats.lines++;
		}
		__atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
	}
	console_kick();
}

void console_cell_line(struct cell *c, const char *line, size_t len)
{
	ring_put(c, line, len, true);
}

void console_cell_partial(struct cell *c, const char *text, size_t len)
{
	ring_put(c, text, len, false);
}

static bool out(char ch, bool wait)
{
	if (wait) {
		arch_console_putc(ch);
		return true;
	}
	return arch_console_try_putc(ch);
}

/* Write lines out; without @wait stop when the UART is full. With
 * @only_current, just finish the line in progress. Console lock held.
 * Returns true when nothing is left to do. */
static bool drain(bool wait, bool only_current)
{
	unsigned int n = cell_count();

	for (;;) {
		struct ring *r;

		if (cur < 0) {
			if (only_current)
				return true;
			for (unsigned int i = 0; i < n && cur < 0; i++) {
				unsigned int k = (next_rr + i) % n;

				if (ring_used(&rings[k]))
					cur = (int)k;
			}
			if (cur < 0)
				return true;
			/* A continued line needs no tag; a new one may first have to
			 * end another cell's unfinished line. */
			prefix_len = 0;
			prefix_pos = 0;
			if (open_line != cur) {
				int len = bh_snprintf(prefix, sizeof(prefix), "%s[%s] ",
						      open_line >= 0 ? "\r\n" : "",
						      cell_by_index((unsigned int)cur)->cfg->name);

				prefix_len =
					MIN((unsigned int)len, (unsigned int)sizeof(prefix) - 1);
			}
		}
		r = &rings[cur];
		for (; prefix_pos < prefix_len; prefix_pos++)
			if (!out(prefix[prefix_pos], wait))
				return false;
		open_line = cur;
		while (ring_used(r)) {
			char ch = r->buf[r->tail & RING_MASK];

			if (!out(ch, wait))
				return false;
			__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
			if (ch == '\n') {
				open_line = -1;
				break;
			}
		}
		next_rr = ((unsigned int)cur + 1) % n;
		cur = -1;
	}
}

static void set_tx_irq(bool on)
{
	if (on != tx_irq_on) {
		tx_irq_on = on;
		arch_console_irqs(!READ_ONCE(rx_stalled), on);
	}
}

/* Stop or resume taking input from the UART (console lock taken here). */
static void set_rx_stalled(bool stalled)
{
	int me = (int)arch_cpu_id();

	arch_spin_lock(&console_lock);
	console_owner = me;
	WRITE_ONCE(rx_stalled, stalled);
	arch_console_irqs(!stalled, tx_irq_on);
	console_owner = -1;
	arch_spin_unlock(&console_lock);
}

void console_kick(void)
{
	if (!arch_spin_trylock(&console_lock))
		return; /* the holder drains (it takes the lock's whole turn) */
	console_owner = (int)arch_cpu_id();
	set_tx_irq(!drain(false, false));
	console_owner = -1;
	arch_spin_unlock(&console_lock);
}

void bh_vprintf(const char *fmt, va_list ap)
{
	int me = (int)arch_cpu_id();
	bool nested = console_owner == me;

	if (!nested) {
		arch_spin_lock(&console_lock);
		console_owner = me;
		drain(true, true);    /* never cut a cell's line in two */
		if (open_line >= 0) { /* a cell's prompt: ours goes below it */
			arch_console_putc('\r');
			arch_console_putc('\n');
			open_line = -1;
		}
	}
	bh_vformat(raw_put, NULL, fmt, ap);
	if (!nested) {
		set_tx_irq(!drain(false, false));
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
	bh_vformat(raw_put, NULL, fmt, ap);
	va_end(ap);
}

void console_flush_cell(const struct cell *c)
{
	int me = (int)arch_cpu_id();
	bool nested = console_owner == me;

	if (!nested) {
		arch_spin_lock(&console_lock);
		console_owner = me;
	}
	while (ring_used(&rings[c->index]))
		drain(true, false);
	if (!nested) {
		console_owner = -1;
		arch_spin_unlock(&console_lock);
	}
}

struct console_stats console_cell_stats(const struct cell *c)
{
	return rings[c->index].stats;
}

unsigned int console_focus(void)
{
	return focus;
}

static bool takes_input(const struct cell *c)
{
	return c && c->cfg->console == BH_CONSOLE_VUART;
}

void console_set_focus(unsigned int index)
{
	struct cell *c = cell_by_index(index);

	if (!takes_input(c)) {
		bh_printf("[bulkhead] console: cell %u has no emulated console\n", index);
		return;
	}
	focus = index;
	bh_printf("[bulkhead] console: input goes to cell %u (%s)\n", index, c->cfg->name);
}

static void list_cells(void)
{
	bh_printf("[bulkhead] console: Ctrl-] then a cell number switches input; Ctrl-] Ctrl-] "
		  "sends Ctrl-]\n");
	for (unsigned int i = 0; i < cell_count(); i++) {
		struct cell *c = cell_by_index(i);
		struct console_stats st = rings[i].stats;

		bh_printf("[bulkhead]   %u %-12s %s%s, %llu lines, %llu dropped\n", i, c->cfg->name,
			  READ_ONCE(c->state) == CELL_STOPPED ? "stopped" : "running",
			  i == focus ? ", input" : "", (unsigned long long)st.lines,
			  (unsigned long long)st.dropped_lines);
	}
}

void console_input(char ch)
{
	struct cell *c;

	if (escaped) {
		escaped = false;
		if (ch >= '0' && ch <= '9') {
			console_set_focus((unsigned int)(ch - '0'));
			return;
		}
		if (ch != CONSOLE_ESCAPE) {
			list_cells();
			return;
		}
	} else if (ch == CONSOLE_ESCAPE) {
		escaped = true;
		return;
	}
	c = cell_by_index(focus);
	if (!takes_input(c))
		return;
	arch_spin_lock(&c->lock);
	vuart_rx(c, ch);
	arch_spin_unlock(&c->lock);
}

/* Never drop typed input: while the focused cell's FIFO is full, leave the
 * characters in the UART (whose sender then waits) until the guest reads. */
static bool input_blocked(void)
{
	struct cell *c = cell_by_index(focus);

	return takes_input(c) && !vuart_rx_room(c);
}

void console_irq(void)
{
	int ch;

	while (!READ_ONCE(rx_stalled)) {
		if (input_blocked()) {
			set_rx_stalled(true);
			break;
		}
		ch = arch_console_getc();
		if (ch < 0)
			break;
		console_input((char)ch);
	}
	console_kick();
}

void console_poll(void)
{
	uint64_t quiet = CONSOLE_PARTIAL_MS * arch_counter_freq() / 1000;
	struct cell *c = cell_by_index(focus);

	if (READ_ONCE(rx_stalled) && !input_blocked()) {
		set_rx_stalled(false);
		console_irq();
	}
	/* Only the cell being typed to needs its prompt shown; every other
	 * cell's lines stay whole even if it pauses mid-line. */
	if (!takes_input(c) || !c->vuart.line_len)
		return;
	arch_spin_lock(&c->lock);
	/* The time is read under the lock: read before it, a line begun while
	 * we waited would look older than it is (the difference would wrap). */
	if (c->vuart.line_len && arch_counter() - c->vuart.line_time >= quiet)
		vuart_flush_partial(c);
	arch_spin_unlock(&c->lock);
}

void console_start(unsigned int cpu)
{
	for (unsigned int i = 0; i < cell_count(); i++)
		if (takes_input(cell_by_index(i))) {
			focus = i;
			break;
		}
	arch_gic_spi_route(bh_board.console_irq, cpu);
	arch_gic_irq_enable(bh_board.console_irq, cpu, true);
	arch_console_irqs(true, false);
}
