// SPDX-License-Identifier: Apache-2.0
/*
 * Hypervisor console: the hypervisor's own messages (written at once,
 * whole, after any cell line in progress) and the cells' output rings
 * (drained round-robin, a whole line at a time, without waiting). What a
 * cell writes reaches the terminal only as text and display sequences:
 * nothing that makes the terminal answer (it would type into whichever
 * cell has the input) or send input on its own.
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/printf.h>

#include <config.h>

#define RING_MASK (CONSOLE_RING_SIZE - 1)
#define TAG_MAX	  40
#define SEQ_MAX	  32 /* longest escape sequence passed on */
#define ESC	  '\x1b'

/* Where a cell's output is in an escape sequence (see filter()). */
enum esc_state {
	ESC_NONE,
	ESC_START,  /* after ESC */
	ESC_INTER,  /* ESC and an intermediate byte: one final byte follows */
	ESC_CSI,    /* ESC [ and parameters */
	ESC_STR,    /* a control string (OSC, DCS, APC, PM, SOS): dropped */
	ESC_STR_ESC /* ESC inside a control string: \ ends it */
};

struct ring {
	char buf[CONSOLE_RING_SIZE];
	uint32_t head; /* producer: the cell, under its lock */
	uint32_t tail; /* consumer: the drainer, under the console lock */
	struct console_stats stats;
	bool muted; /* set by the console CPU, read by the producer */
	/* Producer side: the escape sequence being read, held back until its
	 * last byte shows whether the terminal may see it. */
	uint8_t esc;
	uint8_t seq_len;
	bool seq_long; /* longer than SEQ_MAX: dropped when it ends */
	char seq[SEQ_MAX];
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
static bool rx_stalled;	   /* the focused cell's input FIFO is full */
static unsigned int focus; /* written by the console CPU and by a stopping cell */
static bool escaped, mute_next;

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

static bool one_of(const char *set, char ch)
{
	for (; *set; set++)
		if (*set == ch)
			return true;
	return false;
}

/* The DEC private modes after which the terminal sends input nobody typed:
 * mouse and focus reports, bracketed-paste markers. */
static bool reporting_mode(unsigned int mode)
{
	return mode == 9 || (mode >= 1000 && mode <= 1006) || mode == 1015 || mode == 1016 ||
	       mode == 2004;
}

/* May the terminal see this complete "ESC [ ... final" sequence? Only what
 * draws: cursor motion, erasing, scrolling, attributes, insert mode, DEC
 * modes other than input reports, the cursor style. Status, device and
 * window reports (ESC[6n, ESC[c, ESC[18t ...), mode and version queries,
 * and everything else that makes the terminal answer or changes what its
 * keys send are dropped. */
static bool csi_allowed(const char *s, unsigned int len)
{
	char final = s[len - 1], priv = 0, inter = 0;
	unsigned int i = 2, mode = 0;
	bool only_irm = true;

	if (s[i] >= '<' && s[i] <= '?')
		priv = s[i++];
	for (; i < len - 1; i++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9') {
			mode = mode * 10 + (unsigned int)(ch - '0');
			if (mode > 100000)
				return false;
			continue;
		}
		if (ch == ';' || ch == ':') {
			if (priv == '?' && reporting_mode(mode))
				return false;
			only_irm &= mode == 4;
			mode = 0;
			continue;
		}
		if (ch < 0x20 || ch > 0x2f || inter)
			return false; /* a second marker, or a second intermediate */
		inter = ch;
	}
	if (priv == '?' && reporting_mode(mode))
		return false;
	only_irm &= mode == 4;
	if (inter)
		return inter == ' ' && final == 'q' && !priv; /* cursor style */
	if (priv == '?')
		return final == 'h' || final == 'l' || final == 'J' || final == 'K';
	if (priv)
		return false;
	if (final == 'h' || final == 'l')
		return only_irm; /* ANSI modes: insert/replace only */
	return one_of("@ABCDEFGHIJKLMPSTXZ`abdefgmrsu", final);
}

/* "ESC final" and "ESC intermediate final": charset selection, cursor
 * save/restore, index, keypad mode, reset. Not ESC Z (identify). */
static bool esc_allowed(const char *s, unsigned int len)
{
	if (len == 2)
		return one_of("78=>DEHMNOc", s[1]);
	return one_of("()*+-./#%", s[1]);
}

static void emit(struct ring *r, uint32_t *head, char ch)
{
	r->buf[(*head)++ & RING_MASK] = ch;
}

/* End the sequence being read: pass it on if the terminal may see it. */
static void seq_end(struct ring *r, uint32_t *head, bool allowed)
{
	if (allowed && !r->seq_long)
		for (unsigned int i = 0; i < r->seq_len; i++)
			emit(r, head, r->seq[i]);
	else
		r->stats.filtered++;
	r->esc = ESC_NONE;
	r->seq_len = 0;
	r->seq_long = false;
}

static void seq_add(struct ring *r, char ch)
{
	if (r->seq_len < SEQ_MAX)
		r->seq[r->seq_len++] = ch;
	else
		r->seq_long = true;
}

/* One character of a cell's output (never a newline: lines end in
 * ring_put). Escape sequences are held back until complete, then written
 * or dropped whole; control strings are dropped as they come. */
static void filter(struct ring *r, uint32_t *head, char ch)
{
	unsigned char u = (unsigned char)ch;

	switch (r->esc) {
	case ESC_NONE:
		break;
	case ESC_START:
		if (ch == '[') {
			seq_add(r, ch);
			r->esc = ESC_CSI;
		} else if (ch == ']' || ch == 'P' || ch == 'X' || ch == '^' || ch == '_') {
			r->stats.filtered++;
			r->esc = ESC_STR;
			r->seq_len = 0;
		} else if (u >= 0x20 && u <= 0x2f) {
			seq_add(r, ch);
			r->esc = ESC_INTER;
		} else if (u >= 0x30 && u <= 0x7e) {
			seq_add(r, ch);
			seq_end(r, head, esc_allowed(r->seq, r->seq_len));
		} else {
			seq_end(r, head, false);
			break; /* ESC again, or a control: looked at afresh */
		}
		return;
	case ESC_INTER:
		if (u >= 0x30 && u <= 0x7e) {
			seq_add(r, ch);
			seq_end(r, head, esc_allowed(r->seq, r->seq_len));
			return;
		}
		seq_end(r, head, false);
		break;
	case ESC_CSI:
		if (u >= 0x40 && u <= 0x7e) {
			seq_add(r, ch);
			seq_end(r, head, csi_allowed(r->seq, r->seq_len));
			return;
		}
		if (u >= 0x20 && u <= 0x3f) {
			seq_add(r, ch);
			return;
		}
		seq_end(r, head, false);
		break;
	case ESC_STR:
		if (ch == ESC)
			r->esc = ESC_STR_ESC;
		else if (ch == '\a')
			r->esc = ESC_NONE;
		return;
	case ESC_STR_ESC:
		r->esc = ch == '\\' ? ESC_NONE : ESC_STR;
		return;
	default:
		r->esc = ESC_NONE;
		break;
	}
	if (ch == ESC) {
		r->esc = ESC_START;
		r->seq[0] = ch;
		r->seq_len = 1;
	} else if (ch == 0x05 || ch == 0x18 || ch == 0x1a) {
		r->stats.filtered++; /* ENQ asks for the answerback; CAN, SUB cancel */
	} else {
		emit(r, head, ch);
	}
}

static void filter_reset(struct ring *r)
{
	if (r->esc != ESC_NONE)
		r->stats.filtered++; /* a sequence cut by the end of its line */
	r->esc = ESC_NONE;
	r->seq_len = 0;
	r->seq_long = false;
}

static void ring_put(struct cell *c, const char *text, size_t len, bool eol)
{
	struct ring *r = &rings[c->index];
	uint32_t head = r->head;
	/* The sequence held back so far may come out with this text. */
	size_t need = r->seq_len + len + (eol ? 2 : 0);

	if (READ_ONCE(r->muted)) {
		/* Counted, never stored: a muted cell is never held up. */
		filter_reset(r);
		if (eol)
			r->stats.muted_lines++;
		return;
	}
	if (CONSOLE_RING_SIZE - (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE)) < need) {
		r->stats.dropped_lines++;
		filter_reset(r);
	} else {
		for (size_t i = 0; i < len; i++)
			filter(r, &head, text[i]);
		if (eol) {
			/* The tag of the next line would finish a sequence left open. */
			filter_reset(r);
			emit(r, &head, '\r');
			emit(r, &head, '\n');
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

size_t console_cell_room(const struct cell *c)
{
	const struct ring *r = &rings[c->index];

	if (READ_ONCE(r->muted))
		return SIZE_MAX; /* never stored, never full */
	return CONSOLE_RING_SIZE - ring_used(r) - r->seq_len;
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
	return READ_ONCE(focus);
}

static bool has_vuart(const struct cell *c)
{
	return c && c->cfg->console == BH_CONSOLE_VUART;
}

/* Typed input reaches a cell only while it runs; for a stopped cell it
 * would vanish (and fill its FIFO, which would stop all input). */
static bool takes_input(const struct cell *c)
{
	return has_vuart(c) && READ_ONCE(c->state) != CELL_STOPPED;
}

static const char *cell_name(unsigned int index)
{
	return cell_by_index(index)->cfg->name;
}

void console_set_focus(unsigned int index)
{
	struct cell *c = cell_by_index(index);

	if (!has_vuart(c)) {
		bh_printf("[bulkhead] console: cell %u has no emulated console\n", index);
		return;
	}
	if (!takes_input(c)) {
		bh_printf("[bulkhead] console: cell %u (%s) is stopped; input stays with cell %u "
			  "(%s)\n",
			  index, c->cfg->name, console_focus(), cell_name(console_focus()));
		return;
	}
	WRITE_ONCE(focus, index);
	bh_printf("[bulkhead] console: input goes to cell %u (%s)%s\n", index, c->cfg->name,
		  READ_ONCE(rings[index].muted) ? "; its output is muted" : "");
}

void console_cell_stopped(const struct cell *c)
{
	unsigned int n = cell_count();
	bool others_run = false;

	if (c->index != console_focus())
		return;
	for (unsigned int i = 1; i < n; i++) {
		unsigned int k = (c->index + i) % n;

		if (takes_input(cell_by_index(k))) {
			WRITE_ONCE(focus, k);
			bh_printf("[bulkhead] console: cell %s stopped; input now goes to cell %u "
				  "(%s)\n",
				  c->cfg->name, k, cell_name(k));
			return;
		}
		others_run |= READ_ONCE(cell_by_index(k)->state) != CELL_STOPPED;
	}
	/* With nothing left running the machine is about to power off. */
	if (others_run)
		bh_printf("[bulkhead] console: cell %s stopped; no running cell takes input\n",
			  c->cfg->name);
}

void console_set_muted(unsigned int index, bool muted)
{
	struct ring *r = &rings[index];

	if (index >= cell_count()) {
		bh_printf("[bulkhead] console: no cell %u\n", index);
		return;
	}
	WRITE_ONCE(r->muted, muted);
	if (muted)
		bh_printf("[bulkhead] console: cell %u (%s) muted: its lines are counted, not "
			  "shown (Ctrl-] m %u shows them)\n",
			  index, cell_name(index), index);
	else
		bh_printf("[bulkhead] console: cell %u (%s) shown again; %llu lines were muted\n",
			  index, cell_name(index), (unsigned long long)r->stats.muted_lines);
}

bool console_muted(unsigned int index)
{
	return index < BH_NR_CPUS && READ_ONCE(rings[index].muted);
}

static void list_cells(void)
{
	bh_printf("[bulkhead] console keys: Ctrl-] <n> input to cell <n>; Ctrl-] m <n> mute or "
		  "show cell <n>; Ctrl-] ? this list; Ctrl-] Ctrl-] a literal Ctrl-]\n");
	for (unsigned int i = 0; i < cell_count(); i++) {
		struct cell *c = cell_by_index(i);
		struct console_stats st = rings[i].stats;

		bh_printf("[bulkhead]   %u %-12s %s%s%s, %llu lines, %llu muted, %llu dropped\n", i,
			  c->cfg->name, READ_ONCE(c->state) == CELL_STOPPED ? "stopped" : "running",
			  i == console_focus() ? ", input" : "",
			  READ_ONCE(rings[i].muted) ? ", muted" : "", (unsigned long long)st.lines,
			  (unsigned long long)st.muted_lines, (unsigned long long)st.dropped_lines);
	}
}

/* The key after Ctrl-]: a cell number, m (then a cell number), Ctrl-]. */
static bool escape_key(char ch)
{
	if (mute_next) {
		mute_next = false;
		if (ch >= '0' && ch <= '9')
			console_set_muted((unsigned int)(ch - '0'),
					  !console_muted((unsigned int)(ch - '0')));
		else
			list_cells();
		return true;
	}
	escaped = false;
	if (ch >= '0' && ch <= '9') {
		console_set_focus((unsigned int)(ch - '0'));
		return true;
	}
	if (ch == 'm') {
		mute_next = true;
		return true;
	}
	if (ch == CONSOLE_ESCAPE)
		return false; /* a literal one, for the cell */
	list_cells();
	return true;
}

void console_input(char ch)
{
	struct cell *c;

	if (escaped || mute_next) {
		if (escape_key(ch))
			return;
	} else if (ch == CONSOLE_ESCAPE) {
		escaped = true;
		return;
	}
	c = cell_by_index(console_focus());
	if (!takes_input(c))
		return; /* nobody runs to take it */
	arch_spin_lock(&c->lock);
	vuart_rx(c, ch);
	arch_spin_unlock(&c->lock);
}

/* Never drop typed input: while the focused cell's FIFO is full, leave the
 * characters in the UART (whose sender then waits) until the guest reads. */
static bool input_blocked(void)
{
	struct cell *c = cell_by_index(console_focus());

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
	struct cell *c = cell_by_index(console_focus());

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
	/* Input to the first cell that runs, else the first that could. */
	for (unsigned int i = cell_count(); i-- > 0;)
		if (has_vuart(cell_by_index(i)))
			focus = i;
	for (unsigned int i = 0; i < cell_count(); i++)
		if (takes_input(cell_by_index(i))) {
			focus = i;
			break;
		}
	arch_gic_spi_route(bh_board.console_irq, cpu);
	arch_gic_irq_enable(bh_board.console_irq, cpu, true);
	arch_console_irqs(true, false);
}
