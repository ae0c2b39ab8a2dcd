// SPDX-License-Identifier: Apache-2.0
/*
 * ticker: the EL1 virtual timer at 1 kHz for one second, rearmed on an
 * absolute grid (CVAL += period, so late interrupts do not lose ticks).
 * Checks the count against the time that passed and, under Bulkhead,
 * how many times the vCPU left the guest per timer interrupt:
 * "BM-TICKER: irqs=<n> exits=<e> per_irq=<e/n * 1000>/1000".
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("ticker");

#define VTIMER_PPI 27
#define PERIOD_US  1000
#define RUN_US	   1000000

static volatile uint32_t ticks;
static uint64_t period, next;

static void tick(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	ticks++;
	next += period;
	bm_vtimer_arm(next);
}

static uint64_t exits_so_far(void)
{
	return bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
}

TEST(periodic_virtual_timer)
{
	uint64_t start, elapsed, e0 = 0, e1 = 0;
	uint32_t n;

	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(VTIMER_PPI, tick, NULL);
	bm_gic_enable_irq(VTIMER_PPI, BM_GIC_PRIO_DEF);
	period = bm_us_to_ticks(PERIOD_US);
	if (!bm_native())
		e0 = exits_so_far();
	start = bm_cntvct();
	next = start + period;
	bm_vtimer_arm(next);
	bm_irq_enable();
	while (bm_cntvct() - start < bm_us_to_ticks(RUN_US))
		bm_wfi();
	bm_irq_disable();
	bm_vtimer_stop();
	n = ticks;
	elapsed = bm_cntvct() - start;
	if (!bm_native())
		e1 = exits_so_far() - 1; /* the call counts itself */
	bh_printf("BM-TICKER: irqs=%u exits=%lu per_irq=%lu/1000 elapsed_us=%lu\n", n,
		  (unsigned long)(e1 - e0), n ? (unsigned long)((e1 - e0) * 1000 / n) : 0UL,
		  (unsigned long)bm_ticks_to_us(elapsed));
	/* Every period that passed was counted (the grid cannot drop ticks). */
	EXPECT_TRUE(n + 2 >= elapsed / period && n <= elapsed / period + 1);
	EXPECT_TRUE(n >= RUN_US / PERIOD_US - 2);
}
