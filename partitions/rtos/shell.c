// SPDX-License-Identifier: Apache-2.0
/*
 * Console commands: help, status, stats, verbose [on|off]. Anything else
 * gets a hint. The PL011's receive interrupt (its number from the device
 * tree: the node of the UART at BM_UART_BASE) moves characters into a
 * buffer, in kernel context and nothing more, so typing costs the tasks a
 * few register reads per character. The monitor task echoes them (Enter,
 * backspace, Ctrl-U and Ctrl-C edit the line; terminal key sequences such
 * as arrows are ignored) and runs the command at each Enter.
 */
#include <bulkhead/string.h>

#include "rtos.h"
#include "shell.h"

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_FR_RXFE	BIT(4)
#define UART_IMSC	0x038
#define UART_INT_RX	BIT(4)
#define UART_INT_RT	BIT(6)
#define UART_INTID_QEMU 33 /* QEMU virt's PL011, if the device tree says nothing */

#define RX_SIZE	 256 /* a power of two */
#define LINE_MAX 64

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4

static volatile uint32_t *const uart = (volatile uint32_t *)(uintptr_t)BM_UART_BASE;

/* Filled by the interrupt handler, emptied by the monitor: same vCPU. */
static char rx[RX_SIZE];
static uint32_t rx_head, rx_tail;
static bool rx_masked; /* the buffer was full: receive interrupt off */
static uint64_t typed;

static char line[LINE_MAX];
static unsigned int line_len;
static unsigned int esc; /* 1: after ESC; 2: in ESC [ or ESC O, until its final byte */
static bool last_cr;

static void uart_rx_irq(void)
{
	while (!(uart[UART_FR / 4] & UART_FR_RXFE)) {
		if (rx_head - READ_ONCE(rx_tail) == RX_SIZE) {
			/* Leave the rest in the UART (Bulkhead then stops reading
			 * the keyboard) until the monitor has caught up. */
			uart[UART_IMSC / 4] = 0;
			WRITE_ONCE(rx_masked, true);
			return;
		}
		rx[rx_head % RX_SIZE] = (char)(uart[UART_DR / 4] & 0xff);
		WRITE_ONCE(rx_head, rx_head + 1);
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* @s (not trusted to end before @end) equals @lit. */
static bool str_is(const char *s, const uint8_t *end, const char *lit)
{
	for (; (const uint8_t *)s < end; s++, lit++) {
		if (*s != *lit)
			return false;
		if (!*s)
			return true;
	}
	return false;
}

/* A string list property of @len bytes names @lit. */
static bool list_has(const uint8_t *val, uint32_t len, const char *lit)
{
	for (uint32_t off = 0; off < len;) {
		const char *s = (const char *)val + off;

		if (str_is(s, val + len, lit))
			return true;
		while (off < len && val[off])
			off++;
		off++;
	}
	return false;
}

/* A GIC interrupt specifier <type number flags>: type 0 an SPI, 1 a PPI. */
static uint32_t gic_intid(const uint8_t *spec)
{
	uint32_t type = be32(spec), num = be32(spec + 4);

	if (type == 0 && num < BM_GIC_MAX_INTID - 32)
		return num + 32;
	if (type == 1 && num < 16)
		return num + 16;
	return 0;
}

/* The INTID of the PL011 at BM_UART_BASE in the device tree, 0 if none. */
static uint32_t dtb_uart_intid(void)
{
	const uint8_t *fdt = (const uint8_t *)(uintptr_t)bm_plat.dtb;
	uint32_t total, off_struct, off_strings, ac = 2, intid = 0;
	const uint8_t *p, *end;
	bool pl011 = false;
	uint64_t reg = 0;
	int depth = 0;

	if (!fdt)
		return 0;
	total = be32(fdt + 4);
	off_struct = be32(fdt + 8);
	off_strings = be32(fdt + 12);
	if (off_struct >= total || off_strings >= total)
		return 0;
	p = fdt + off_struct;
	end = fdt + total;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const uint8_t *name = p;

			while (p < end && *p)
				p++;
			p = name + (((uintptr_t)(p - name) + 4) & ~(uintptr_t)3);
			depth++;
			pl011 = false;
			reg = 0;
			intid = 0;
		} else if (tok == FDT_END_NODE) {
			if (pl011 && reg == BM_UART_BASE && intid)
				return intid;
			pl011 = false;
			if (--depth < 0)
				return 0;
		} else if (tok == FDT_PROP && p + 8 <= end) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *name = (const char *)fdt + off_strings + nameoff;

			if (len > (uint32_t)(end - val) || nameoff >= total - off_strings)
				return 0;
			if (depth == 1 && str_is(name, end, "#address-cells") && len == 4)
				ac = be32(val);
			else if (str_is(name, end, "compatible"))
				pl011 = list_has(val, len, "arm,pl011");
			else if (str_is(name, end, "reg") && (ac == 1 || ac == 2) && len >= 4 * ac)
				reg = ac == 2 ? (uint64_t)be32(val) << 32 | be32(val + 4)
					      : be32(val);
			else if (str_is(name, end, "interrupts") && len >= 12)
				intid = gic_intid(val);
			p = val + ((len + 3) & ~3U);
		} else if (tok != FDT_NOP) {
			return 0;
		}
	}
	return 0;
}

void shell_init(void)
{
	uint32_t intid = dtb_uart_intid();

	if (!intid || intid >= BM_GIC_MAX_INTID)
		intid = UART_INTID_QEMU;
	rtos_irq_attach(intid, uart_rx_irq);
	uart[UART_IMSC / 4] = UART_INT_RX | UART_INT_RT;
	bh_printf("rtos: commands on this console (UART interrupt %u): type help\n", intid);
}

void shell_break_line(void)
{
	if (line_len)
		bh_printf("\n");
}

void shell_redraw(void)
{
	line[line_len] = '\0';
	if (line_len)
		bh_printf("%s", line);
}

uint64_t shell_typed(void)
{
	return typed;
}

/* @s starts with the word @w (then ends or a space follows); *@rest after it. */
static bool word(const char *s, const char *w, const char **rest)
{
	for (; *w; s++, w++)
		if (*s != *w) /* also where s ends first */
			return false;
	if (*s && *s != ' ')
		return false;
	while (*s == ' ')
		s++;
	*rest = s;
	return true;
}

static void run(char *cmd)
{
	const char *arg;

	while (*cmd == ' ')
		cmd++;
	for (size_t n = strlen(cmd); n && cmd[n - 1] == ' ';)
		cmd[--n] = '\0';
	if (!*cmd)
		return;
	if (word(cmd, "help", &arg) && !*arg)
		app_help();
	else if (word(cmd, "status", &arg) && !*arg)
		app_status();
	else if (word(cmd, "stats", &arg) && !*arg)
		app_stats();
	else if (word(cmd, "verbose", &arg) && !strcmp(arg, "on"))
		app_verbose(1);
	else if (word(cmd, "verbose", &arg) && !strcmp(arg, "off"))
		app_verbose(0);
	else if (word(cmd, "verbose", &arg) && !*arg)
		app_verbose(-1);
	else
		bh_printf("rtos: unknown command '%s'; commands: help, status, stats, "
			  "verbose on|off\n",
			  cmd);
}

static void key(char ch)
{
	bool cr = ch == '\r';

	if (esc) { /* a key that sends a sequence (arrows, F-keys): ignored */
		esc = esc == 1 ? (ch == '[' || ch == 'O' ? 2 : 0)
			       : (ch >= 0x40 && ch <= 0x7e ? 0 : 2);
		return;
	}
	if (ch == '\n' && last_cr) { /* CR LF is one Enter */
		last_cr = false;
		return;
	}
	last_cr = cr;
	if (cr || ch == '\n') {
		bh_printf("\n");
		line[line_len] = '\0';
		line_len = 0;
		run(line);
	} else if (ch == 0x1b) {
		esc = 1;
	} else if (ch == 0x7f || ch == '\b') {
		if (line_len) {
			line_len--;
			bh_printf("\b \b");
		}
	} else if (ch == 0x15) { /* Ctrl-U: the line is gone */
		for (; line_len; line_len--)
			bh_printf("\b \b");
	} else if (ch == 0x03) { /* Ctrl-C: as in a shell */
		bh_printf("^C\n");
		line_len = 0;
	} else if (ch >= 0x20 && ch < 0x7f && line_len < LINE_MAX - 1) {
		line[line_len++] = ch;
		bh_printf("%c", ch);
	}
}

void shell_poll(void)
{
	uint32_t head = READ_ONCE(rx_head);

	while (rx_tail != head) {
		char ch = rx[rx_tail % RX_SIZE];

		WRITE_ONCE(rx_tail, rx_tail + 1);
		typed++;
		key(ch);
	}
	if (READ_ONCE(rx_masked)) {
		uint64_t daif = bm_read_sysreg(daif);

		bm_irq_disable();
		rx_masked = false;
		uart[UART_IMSC / 4] = UART_INT_RX | UART_INT_RT;
		bm_write_sysreg(daif, daif);
	}
}
