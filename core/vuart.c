// SPDX-License-Identifier: Apache-2.0
/*
 * Emulated PL011: enough of the register file that unmodified PL011 drivers
 * (Linux amba-pl011, bare-metal polling code) work, including the receive
 * interrupt. Output goes to the console a whole line at a time, tagged with
 * the cell's name; the transmitter is never full.
 */
#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/errno.h>
#include <bulkhead/printf.h>
#include <bulkhead/string.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vgic.h>

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_FR_RXFE	BIT(4)
#define UART_FR_TXFE	BIT(7)
#define UART_IBRD	0x024
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_DMACR	0x048
#define UART_INT_RX	BIT(4)
#define UART_INT_TX	BIT(5)
#define UART_INT_RT	BIT(6)
#define UART_INT_ALL	0x7ff
#define UART_PERIPH_ID0 0xfe0
#define UART_ID_END	0x1000

/* PrimeCell identification: part 0x011 (PL011), designer ARM, rev 3. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static uint32_t rx_count(const struct vuart *u)
{
	return u->rx_head - u->rx_tail;
}

/* Raw interrupt status: TX always wants data; RX/timeout while data waits. */
static uint32_t ris(const struct vuart *u)
{
	return UART_INT_TX | (rx_count(u) ? UART_INT_RX | UART_INT_RT : 0);
}

/* The emulated UART's interrupt is a level: tell the vGIC when it moves. */
static void update_irq(struct cell *c)
{
	bool level = (ris(&c->vuart) & c->vuart.imsc) != 0;

	if (level != c->vuart.line_level) {
		c->vuart.line_level = level;
		vgic_set_sw_level(c, c->cfg->console_irq, level);
	}
}

void vuart_flush(struct cell *c)
{
	struct vuart *u = &c->vuart;

	if (!u->line_len)
		return;
	console_cell_line(c, u->line, u->line_len);
	u->line_len = 0;
}

void vuart_flush_partial(struct cell *c)
{
	struct vuart *u = &c->vuart;

	console_cell_partial(c, u->line, u->line_len);
	u->line_len = 0;
}

void vuart_putc(struct cell *c, char ch)
{
	struct vuart *u = &c->vuart;

	if (ch == '\r')
		return;
	if (ch == '\n') {
		console_cell_line(c, u->line, u->line_len);
		u->line_len = 0;
		return;
	}
	if (!u->line_len)
		u->line_time = arch_counter();
	u->line[u->line_len++] = ch;
	if (u->line_len == sizeof(u->line))
		vuart_flush(c); /* an over-long line continues on the next */
}

unsigned int vuart_rx_room(const struct cell *c)
{
	return VUART_RX_FIFO - rx_count(&c->vuart);
}

void vuart_rx(struct cell *c, char ch)
{
	struct vuart *u = &c->vuart;

	if (rx_count(u) == VUART_RX_FIFO) {
		u->rx_dropped++; /* overrun, as a real FIFO would */
		return;
	}
	u->rx[u->rx_head++ % VUART_RX_FIFO] = ch;
	update_irq(c);
}

void vuart_reset(struct cell *c)
{
	memset(&c->vuart, 0, sizeof(c->vuart));
}

int vuart_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a)
{
	struct cell *c = v->cell;
	struct vuart *u = &c->vuart;
	bool ctl = offset >= UART_IBRD && offset <= UART_DMACR && !(offset & 3);

	(void)dev;
	if (a->size == 8)
		return -BH_EINVAL; /* the PL011 bus is 32 bits wide */
	arch_spin_lock(&c->lock);
	if (a->write) {
		if (offset == UART_DR) {
			vuart_putc(c, (char)(a->value & 0xff));
		} else if (offset == UART_IMSC) {
			u->imsc = (uint32_t)a->value & UART_INT_ALL;
			update_irq(c);
		} else if (ctl && offset != UART_RIS && offset != UART_MIS && offset != UART_ICR) {
			u->ctl[(offset - UART_IBRD) / 4] = (uint32_t)a->value;
		}
		/* ICR (our sources are levels), RSR, ID registers, reserved: ignored */
	} else if (offset == UART_DR) {
		a->value = 0;
		if (rx_count(u))
			a->value = (uint8_t)u->rx[u->rx_tail++ % VUART_RX_FIFO];
		update_irq(c);
	} else if (offset == UART_FR) {
		a->value = UART_FR_TXFE | (rx_count(u) ? 0 : UART_FR_RXFE);
	} else if (offset == UART_IMSC) {
		a->value = u->imsc;
	} else if (offset == UART_RIS) {
		a->value = ris(u);
	} else if (offset == UART_MIS) {
		a->value = ris(u) & u->imsc;
	} else if (ctl && offset != UART_ICR) {
		a->value = u->ctl[(offset - UART_IBRD) / 4];
	} else if (offset >= UART_PERIPH_ID0 && offset < UART_ID_END && !(offset & 3)) {
		a->value = pl011_id[(offset - UART_PERIPH_ID0) / 4];
	} else {
		a->value = 0; /* reserved: read-as-zero */
	}
	arch_spin_unlock(&c->lock);
	return 0;
}
