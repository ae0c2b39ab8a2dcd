// SPDX-License-Identifier: Apache-2.0
/*
 * uartirq: console input by interrupt. Enables the PL011's receive and
 * receive-timeout interrupts and its SPI, prints "uartirq: ready", and
 * collects one line from the interrupt handler (which drains the FIFO).
 * Meanwhile it prints "TICK <n>" every 20 ms so a test can see its output
 * is not held back by a flooding neighbour.
 */
#include <bm/bm.h>

BM_PAYLOAD("uartirq");

#define UART_IRQ 33 /* the console interrupt on QEMU virt and in our configs */
#define UART_DR 0x000
#define UART_FR 0x018
#define UART_FR_RXFE (1U << 4)
#define UART_IMSC 0x038
#define UART_MIS 0x040
#define UART_INT_RX (1U << 4)
#define UART_INT_RT (1U << 6)
#define TICKS 50
#define TICK_US 20000
#define WAIT_US 15000000

static volatile uint32_t *const uart = (volatile uint32_t *)(uintptr_t)BM_UART_BASE;
static char line[64];
static volatile unsigned int len;
static volatile bool done;
static volatile unsigned int irqs;

static void uart_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	irqs++;
	/* Drain everything: the interrupt is a level while data waits. */
	while (!(uart[UART_FR / 4] & UART_FR_RXFE)) {
		char c = (char)(uart[UART_DR / 4] & 0xff);

		if (c == '\r' || c == '\n')
			done = len > 0;
		else if (len < sizeof(line) - 1 && !done)
			line[len++] = c;
	}
}

TEST(input_by_interrupt)
{
	uint64_t start, next_tick;
	unsigned int tick = 0;

	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(UART_IRQ, uart_irq, NULL);
	bm_gic_enable_irq(UART_IRQ, BM_GIC_PRIO_DEF);
	uart[UART_IMSC / 4] = UART_INT_RX | UART_INT_RT;
	bm_irq_enable();
	bh_printf("uartirq: ready\n");
	start = bm_cntvct();
	next_tick = start;
	while ((!done || tick < TICKS) && bm_cntvct() - start < bm_us_to_ticks(WAIT_US)) {
		if (tick < TICKS && bm_cntvct() >= next_tick) {
			bh_printf("TICK %u t=%lu\n", tick++, (unsigned long)bm_cntvct());
			next_tick += bm_us_to_ticks(TICK_US);
		}
	}
	bm_irq_disable();
	uart[UART_IMSC / 4] = 0;
	line[len] = '\0';
	bh_printf("uartirq: got \"%s\" in %u interrupts\n", line, irqs);
	EXPECT_TRUE(done);
	EXPECT_TRUE(irqs > 0);
	/* Every interrupt drained the FIFO: no interrupt storm. */
	EXPECT_TRUE(irqs <= len + 2);
}
