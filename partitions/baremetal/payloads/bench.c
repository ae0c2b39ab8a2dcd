// SPDX-License-Identifier: Apache-2.0
/*
 * bench: what each path costs, in instructions. Run under QEMU with
 * "-icount shift=0,sleep=off" a nanosecond of virtual time is exactly one
 * instruction, so the virtual counter (62.5 MHz: 16 instructions a tick)
 * averaged over many repetitions gives instruction counts that are the
 * same from run to run. tests/bench/bench.py runs this payload natively at
 * EL1 on QEMU and inside a cell, and reports the difference: what
 * Bulkhead adds on each path.
 *
 * Every line is "BENCH <name> <instructions per operation>" (one decimal).
 * vCPU 1 (if there is one) answers SGIs for the sibling round trip.
 */
#include <bm/bm.h>

BM_PAYLOAD("bench");

#define REPS	     2000 /* operations per synchronous path */
#define IRQ_REPS     200  /* interrupts per interrupt path */
#define LINES	     20	  /* console lines */
#define TIMER_DELAY  4000 /* ticks: the timer fires while we wait in WFI */
#define SGI_SELF     1
#define SGI_PING     2
#define SGI_PONG     3
#define VTIMER	     27
#define RTC_BASE     0x09010000ULL
#define RTC_SPI	     34
#define RTCDR	     0x00
#define RTCMR	     0x04
#define RTCIMSC	     0x10
#define RTCICR	     0x1c
#define GICD_TYPER   0x004
#define GICD_IPRIO   0x400
#define UARTFR	     0x18
#define UARTIMSC     0x38
#define BH_HC_EXITS  0xc6000002U
#define RESTART_MARK 0xbe9c4e57a27ULL

static volatile uint64_t stamp;	   /* counter in the last handler */
static volatile uint32_t handled; /* interrupts taken */
static volatile uint32_t v1_up, v1_stop;

/* Instructions per operation, one decimal, from counter ticks. */
static void report(const char *name, uint64_t ticks, uint64_t ops)
{
	uint64_t tenths = ticks * 10 * (1000000000ULL / bm_cntfrq()) / ops;

	bh_printf("BENCH %s %lu.%lu\n", name, (unsigned long)(tenths / 10),
		  (unsigned long)(tenths % 10));
}

static uint64_t exits(void)
{
	struct bm_smccc_res r = bm_hvc(BH_HC_EXITS, 0, 0, 0);

	return (int64_t)r.a0 < 0 ? 0 : r.a1; /* natively: no hypervisor, no exits */
}

static void on_irq(uint32_t intid, void *arg)
{
	(void)arg;
	stamp = bm_cntvct();
	if (intid == VTIMER)
		bm_write_sysreg(cntv_ctl_el0, 0);
	if (intid == RTC_SPI)
		bm_write32(RTC_BASE + RTCICR, 1);
	handled = handled + 1;
}

static void on_ping(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	bm_gic_send_sgi(SGI_PONG, 0);
}

static void vcpu1_main(void *arg)
{
	(void)arg;
	bm_gic_cpu_init();
	bm_irq_register(SGI_PING, on_ping, NULL);
	bm_gic_enable_irq(SGI_PING, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	__atomic_store_n(&v1_up, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&v1_stop, __ATOMIC_ACQUIRE))
		bm_wfi();
	bm_irq_disable();
}

/* A synchronous path: @op REPS times, less the loop's own cost. */
#define MEASURE(name, op)                                           \
	do {                                                        \
		uint64_t m0_ = bm_cntvct();                         \
		for (unsigned int i_ = 0; i_ < REPS; i_++) {        \
			op;                                         \
			__asm__ volatile("" : : : "memory");        \
		}                                                   \
		report(name, bm_cntvct() - m0_ - loop_ticks, REPS); \
	} while (0)

static uint64_t loop_ticks;

static void synchronous_paths(void)
{
	uint64_t t0 = bm_cntvct();

	for (unsigned int i = 0; i < REPS; i++)
		__asm__ volatile("" : : : "memory");
	loop_ticks = bm_cntvct() - t0;
	MEASURE("hvc_psci_version", (void)bm_psci_version());
	MEASURE("sysreg_actlr_read", (void)bm_read_sysreg(actlr_el1));
	MEASURE("mmio_gicd_typer_read", (void)bm_read32(bm_plat.gicd_base + GICD_TYPER));
	MEASURE("mmio_gicd_priority_write",
		bm_write32(bm_plat.gicd_base + GICD_IPRIO + 32, 0xa0a0a0a0));
	MEASURE("mmio_uart_fr_read", (void)bm_read32(BM_UART_BASE + UARTFR));
	MEASURE("mmio_uart_imsc_write", bm_write32(BM_UART_BASE + UARTIMSC, 0));
}

/* The virtual timer, from its expiry to the handler. */
static void timer_latency(void)
{
	uint64_t sum = 0;

	bm_irq_register(VTIMER, on_irq, NULL);
	bm_gic_enable_irq(VTIMER, BM_GIC_PRIO_DEF);
	for (unsigned int i = 0; i < IRQ_REPS; i++) {
		uint64_t cval = bm_cntvct() + TIMER_DELAY;
		uint32_t before = handled;

		bm_write_sysreg(cntv_cval_el0, cval);
		bm_write_sysreg(cntv_ctl_el0, 1);
		bm_irq_enable();
		while (handled == before)
			bm_wfi();
		bm_irq_disable();
		sum += stamp - cval;
	}
	bm_gic_disable_irq(VTIMER);
	report("vtimer_expiry_to_handler", sum, IRQ_REPS);
}

/* An SGI to ourselves, from the write to the handler. */
static void sgi_self(void)
{
	uint64_t sum = 0;

	bm_irq_register(SGI_SELF, on_irq, NULL);
	bm_gic_enable_irq(SGI_SELF, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	for (unsigned int i = 0; i < IRQ_REPS; i++) {
		uint32_t before = handled;
		uint64_t t0 = bm_cntvct();

		bm_gic_send_sgi(SGI_SELF, (int)bm_vcpu_id());
		while (handled == before)
			;
		sum += stamp - t0;
	}
	bm_irq_disable();
	report("sgi_self_to_handler", sum, IRQ_REPS);
}

/* To vCPU 1 and back: its handler answers with an SGI of its own. */
static void sgi_sibling(void)
{
	uint64_t sum = 0;

	if (bm_plat.ncpus < 2 || bm_cpu_on(1, vcpu1_main, NULL) != PSCI_RET_SUCCESS)
		return;
	while (!__atomic_load_n(&v1_up, __ATOMIC_ACQUIRE))
		;
	bm_irq_register(SGI_PONG, on_irq, NULL);
	bm_gic_enable_irq(SGI_PONG, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	for (unsigned int i = 0; i < IRQ_REPS; i++) {
		uint32_t before = handled;
		uint64_t t0 = bm_cntvct();

		bm_gic_send_sgi(SGI_PING, 1);
		while (handled == before)
			bm_wfi();
		sum += stamp - t0;
	}
	bm_irq_disable();
	__atomic_store_n(&v1_stop, 1, __ATOMIC_RELEASE);
	bm_gic_send_sgi(SGI_PING, 1);
	(void)bm_vcpu_wait_state(1, PSCI_AFF_OFF, 1000000);
	report("sgi_sibling_round_trip", sum, IRQ_REPS);
}

/* Sleep in WFI until the counter reaches @until (sleeping costs nothing
 * under "sleep=off": QEMU skips to the next event). */
static void sleep_until(uint64_t until)
{
	uint32_t before = handled;

	bm_write_sysreg(cntv_cval_el0, until);
	bm_write_sysreg(cntv_ctl_el0, 1);
	bm_irq_enable();
	while (handled == before)
		bm_wfi();
	bm_irq_disable();
}

/* The counter at the RTC's next second, to within the polling loop: found
 * coarsely by millisecond sleeps, then by polling its last millisecond. */
static uint64_t rtc_next_second(void)
{
	uint64_t ms = bm_cntfrq() / 1000, t;
	uint32_t dr = bm_read32(RTC_BASE + RTCDR);

	while (bm_read32(RTC_BASE + RTCDR) == dr)
		sleep_until(bm_cntvct() + ms);
	t = bm_cntvct(); /* the second began within the last millisecond */
	dr = bm_read32(RTC_BASE + RTCDR);
	sleep_until(t + bm_cntfrq() - 2 * ms);
	while (bm_read32(RTC_BASE + RTCDR) == dr)
		;
	return bm_cntvct();
}

/* The PL031's alarm (a passed-through level SPI), from the RTC second it
 * matches to the handler. Needs "-rtc clock=vm": the RTC then keeps the
 * virtual clock, as the counter does. */
static void rtc_latency(void)
{
	const unsigned int alarms = 3;
	uint64_t sum = 0;

	bm_irq_register(VTIMER, on_irq, NULL);
	bm_gic_enable_irq(VTIMER, BM_GIC_PRIO_DEF);
	bm_irq_register(RTC_SPI, on_irq, NULL);
	bm_gic_enable_irq(RTC_SPI, BM_GIC_PRIO_DEF);
	for (unsigned int i = 0; i < alarms; i++) {
		uint64_t edge = rtc_next_second();
		uint32_t before;

		/* Alarm at the next second, one second after this edge. */
		bm_write32(RTC_BASE + RTCICR, 1);
		bm_write32(RTC_BASE + RTCMR, bm_read32(RTC_BASE + RTCDR) + 1);
		before = handled;
		bm_write32(RTC_BASE + RTCIMSC, 1);
		bm_irq_enable();
		while (handled == before)
			bm_wfi();
		bm_irq_disable();
		bm_write32(RTC_BASE + RTCIMSC, 0);
		sum += stamp - (edge + bm_cntfrq());
	}
	bm_gic_disable_irq(RTC_SPI);
	bm_gic_disable_irq(VTIMER);
	report("rtc_alarm_to_handler", sum, alarms);
}

/* Console output: instructions and guest exits per printed line. */
static void console_lines(void)
{
	uint64_t e0 = exits(), t0 = bm_cntvct(), e1;

	for (unsigned int i = 0; i < LINES; i++)
		bh_printf("bench: line %02u of console output, sixty characters long...\n", i);
	e1 = exits();
	report("console_line", bm_cntvct() - t0, LINES);
	bh_printf("BENCH console_line_exits %lu.%lu\n", (unsigned long)((e1 - e0) / LINES),
		  (unsigned long)((e1 - e0) * 10 / LINES % 10));
}

void bm_main(void)
{
	uint64_t *persist = (uint64_t *)BM_PERSIST_ADDR;

	bm_gic_init();
	bm_gic_cpu_init();
	if (persist[0] == RESTART_MARK) {
		/* Second boot: from the restart request to this payload's start. */
		report("cell_restart_to_entry", bm_entry_ticks - persist[1], 1);
		persist[0] = 0;
		bm_dcache_clean(persist, 16);
		bh_printf("BENCH-DONE\n");
		return;
	}
	report("reset_to_entry", bm_entry_ticks, 1);
	synchronous_paths();
	timer_latency();
	sgi_self();
	sgi_sibling();
	rtc_latency();
	console_lines();
	if (bm_native()) {
		bh_printf("BENCH-DONE\n");
		return;
	}
	persist[0] = RESTART_MARK;
	persist[1] = bm_cntvct();
	bm_dcache_clean(persist, 16);
	(void)bm_psci_system_reset();
}
