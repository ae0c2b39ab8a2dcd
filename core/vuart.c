// SPDX-License-Identifier: Apache-2.0
/*
 * Emulated PL011: enough of the register file that unmodified PL011 drivers
 * (Linux amba-pl011, bare-metal polling code) work. Output goes to the
 * hypervisor console a line at a time, tagged with the cell's name.
 */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/printf.h>
#include <bulkhead/vdev.h>

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_FR_RXFE BIT(4)
#define UART_FR_TXFE BIT(7)
#define UART_IBRD 0x024
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define UART_ICR 0x044
#define UART_DMACR 0x048
#define UART_PERIPH_ID0 0xfe0
#define UART_ID_END 0x1000

/* PrimeCell identification: part 0x011 (PL011), designer ARM, rev 3. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct vuart_regs {
	uint32_t regs[(UART_DMACR - UART_IBRD) / 4 + 1]; /* IBRD..DMACR, read back */
};

static struct vuart_regs vuart_state[BH_MAX_CPUS];

void vuart_flush(struct cell *c)
{
	if (!c->line_len)
		return;
	c->line[c->line_len] = '\0';
	bh_printf("[%s] %s\n", c->cfg->name, c->line);
	c->line_len = 0;
}

void vuart_putc(struct cell *c, char ch)
{
	if (ch == '\r')
		return;
	if (ch == '\n') {
		if (!c->line_len)
			bh_printf("[%s] \n", c->cfg->name);
		vuart_flush(c);
		return;
	}
	c->line[c->line_len++] = ch;
	if (c->line_len == sizeof(c->line) - 1)
		vuart_flush(c);
}

int vuart_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a)
{
	struct cell *c = v->cell;
	struct vuart_regs *st = &vuart_state[c->index];

	if (a->size == 8)
		return -BH_EINVAL; /* the PL011 bus is 32 bits wide */
	if (a->write) {
		if (offset == UART_DR) {
			arch_spin_lock(&c->lock);
			vuart_putc(c, (char)(a->value & 0xff));
			arch_spin_unlock(&c->lock);
		} else if (offset >= UART_IBRD && offset <= UART_DMACR && !(offset & 3)) {
			st->regs[(offset - UART_IBRD) / 4] = (uint32_t)a->value;
		}
		/* ICR, RSR, ID registers and reserved offsets: write-ignored */
		return 0;
	}
	if (offset == UART_FR)
		a->value = UART_FR_TXFE | UART_FR_RXFE;
	else if (offset >= UART_IBRD && offset <= UART_DMACR && !(offset & 3) &&
		 offset != UART_RIS && offset != UART_MIS && offset != UART_ICR)
		a->value = st->regs[(offset - UART_IBRD) / 4];
	else if (offset >= UART_PERIPH_ID0 && offset < UART_ID_END && !(offset & 3))
		a->value = pl011_id[(offset - UART_PERIPH_ID0) / 4];
	else
		a->value = 0; /* DR with no input, reserved: read-as-zero */
	return 0;
}
