// SPDX-License-Identifier: Apache-2.0
/*
 * uartirq: console input by interrupt. Enables the PL011's receive and
 * receive-timeout interrupts and its SPI, prints "uartirq: ready", and
 * collects one line from the interrupt handler (which drains the FIFO).
 * Meanwhile it prints "TICK <n>" every 20 ms so a test can see its output
 * is not held back by a flooding neighbour.
 *
 * With "uartirq.uart1" it reads the second PL011 instead (0x09040000, SPI
 * 40), passed through to the cell, and still prints on its console. No
 * ticks then: while the line comes in, nothing but the UART's interrupts
 * should take this vCPU out of the guest. Bulkhead's exit counter
 * (BH_HC_VCPU_EXITS) around the wait shows it: at most one exit per
 * interrupt (the physical IRQ Bulkhead forwards), none for the register
 * accesses, which go straight to the device.
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("uartirq");

#define UART_IRQ	 33 /* the console interrupt on QEMU virt and in our configs */
#define UART1_BASE	 0x09040000ULL
#define UART1_IRQ	 40
#define UART_DR		 0x000
#define UART_FR		 0x018
#define UART_FR_RXFE	 (1U << 4)
#define UART_LCR_H	 0x02c
#define UART_LCR_H_FEN	 (1U << 4)
#define UART_LCR_H_WLEN8 (3U << 5)
#define UART_CR		 0x030
#define UART_CR_UARTEN	 (1U << 0)
#define UART_CR_TXE	 (1U << 8)
#define UART_CR_RXE	 (1U << 9)
#define UART_IMSC	 0x038
#define UART_MIS	 0x040
#define UART_ICR	 0x044
#define UART_INT_ALL	 0x7ff
#define UART_INT_RX	 (1U << 4)
#define UART_INT_RT	 (1U << 6)
#define TICKS		 50
#define TICK_US		 20000
#define WAIT_US		 15000000

static volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)BM_UART_BASE;
static char line[64];
static volatile unsigned int len;
static volatile bool done;
static volatile unsigned int irqs, accesses;

static void uart_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	irqs++;
	/* Drain everything: the interrupt is a level while data waits. Each
	 * FR and DR access is counted (see the exit count in the test). */
	for (;;) {
		char c;

		accesses++;
		if (uart[UART_FR / 4] & UART_FR_RXFE)
			break;
		c = (char)(uart[UART_DR / 4] & 0xff);
		accesses++;
		if (c == '\r' || c == '\n')
			done = len > 0;
		else if (len < sizeof(line) - 1 && !done)
			line[len++] = c;
	}
}

/* Guest exits of this vCPU so far (Bulkhead hypercall; counts itself). */
static uint64_t exits_so_far(void)
{
	return bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
}

/* The second UART is ours alone: nobody set it up. 8 bits, FIFOs on. */
static void uart1_setup(void)
{
	uart[UART_CR / 4] = 0;
	uart[UART_IMSC / 4] = 0;
	uart[UART_ICR / 4] = UART_INT_ALL;
	uart[UART_LCR_H / 4] = UART_LCR_H_WLEN8 | UART_LCR_H_FEN;
	uart[UART_CR / 4] = UART_CR_UARTEN | UART_CR_RXE | UART_CR_TXE;
}

TEST(input_by_interrupt)
{
	bool uart1 = bm_bootarg("uartirq.uart1");
	unsigned int irq = uart1 ? UART1_IRQ : UART_IRQ, ticks = uart1 ? 0 : TICKS;
	unsigned int tick = 0, irqs0 = 0, accesses0 = 0;
	uint64_t start, next_tick, exits0 = 0, exits = 0;
	bool count_exits = uart1 && !bm_native();

	if (uart1) {
		uart = (volatile uint32_t *)(uintptr_t)UART1_BASE;
		uart1_setup();
	}
	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(irq, uart_irq, NULL);
	bm_gic_enable_irq(irq, BM_GIC_PRIO_DEF);
	uart[UART_IMSC / 4] = UART_INT_RX | UART_INT_RT;
	if (!count_exits)
		bm_irq_enable();
	bh_printf("uartirq: ready\n");
	if (count_exits) {
		/* The line may come while "ready" is still on its way out: keep
		 * interrupts masked until the counts are taken, so whatever
		 * arrives is handled inside the window. Nothing prints in it. */
		irqs0 = irqs;
		accesses0 = accesses;
		exits0 = exits_so_far();
		bm_irq_enable();
	}
	start = bm_cntvct();
	next_tick = start;
	while ((!done || tick < ticks) && bm_cntvct() - start < bm_us_to_ticks(WAIT_US)) {
		if (tick < ticks && bm_cntvct() >= next_tick) {
			bh_printf("TICK %u t=%lu\n", tick++, (unsigned long)bm_cntvct());
			next_tick += bm_us_to_ticks(TICK_US);
		}
	}
	bm_irq_disable();
	/* Minus the hypercall that reads the count. */
	if (count_exits)
		exits = exits_so_far() - exits0 - 1;
	uart[UART_IMSC / 4] = 0;
	line[len] = '\0';
	bh_printf("uartirq: got \"%s\" in %u interrupts\n", line, irqs);
	EXPECT_TRUE(done);
	EXPECT_TRUE(irqs > 0);
	/* Every interrupt drained the FIFO: no interrupt storm. */
	EXPECT_TRUE(irqs <= len + 2);
	if (!count_exits)
		return;
	bh_printf("uartirq: UART1 (INTID %u) while receiving: %u interrupts, %lu guest exits, "
		  "%u register accesses\n",
		  irq, irqs - irqs0, (unsigned long)exits, accesses - accesses0);
	/* One exit per interrupt at most (Bulkhead forwarding the physical
	 * IRQ), none for the FR/DR accesses: they never trapped. */
	EXPECT_TRUE(irqs - irqs0 > 0);
	EXPECT_TRUE(exits <= irqs - irqs0);
	EXPECT_TRUE(accesses - accesses0 > exits);
}
