// SPDX-License-Identifier: Apache-2.0
/*
 * irq: the interrupt helpers end to end. Virtual timer PPI, an SGI to
 * ourselves, an SGI from vCPU 0 to vCPU 1 and a software-pended SPI, each
 * taken through the IRQ vector and dispatched to its handler. The SPI is
 * the PL031 RTC's (its cell must own the "rtc" device); under Bulkhead an
 * SPI the cell does not own must not exist for it at all.
 */
#include <bm/bm.h>

BM_PAYLOAD("irq");

#define SGI_SELF       1
#define SGI_CROSS      2
#define TEST_SPI       34  /* PL031 RTC on QEMU virt */
#define FOREIGN_SPI    100 /* owned by no cell */
#define GICD_ISENABLER 0x100
#define GICD_ISPENDR   0x200
#define TIMER_DELAY    5000 /* us */
#define WAIT_TIMEOUT   1000000

struct irq_count {
	uint32_t count;
	uint32_t last_vcpu; /* vCPU that took it */
	uint64_t when;	    /* CNTVCT in the handler */
};

static struct irq_count timer_irq, sgi_self, sgi_cross, spi;
static uint32_t vcpu1_ready, vcpu1_exit;

static void count_irq(uint32_t intid, void *arg)
{
	struct irq_count *c = arg;

	(void)intid;
	c->when = bm_cntvct();
	c->last_vcpu = bm_vcpu_id();
	__atomic_fetch_add(&c->count, 1, __ATOMIC_RELEASE);
}

static void timer_handler(uint32_t intid, void *arg)
{
	/* Level-triggered: silence the source before the EOI. */
	bm_vtimer_stop();
	count_irq(intid, arg);
}

/* Wait with interrupts on until @c has counted @n, or time out. */
static bool wait_count(struct irq_count *c, uint32_t n)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(WAIT_TIMEOUT);

	while (__atomic_load_n(&c->count, __ATOMIC_ACQUIRE) < n)
		if (bm_cntvct() - start > limit)
			return false;
	return true;
}

void bm_main(void)
{
	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(BM_VTIMER_PPI, timer_handler, &timer_irq);
	bm_irq_register(SGI_SELF, count_irq, &sgi_self);
	bm_irq_register(SGI_CROSS, count_irq, &sgi_cross);
	bm_irq_register(TEST_SPI, count_irq, &spi);
}

TEST(virtual_timer)
{
	uint64_t armed;

	bm_gic_enable_irq(BM_VTIMER_PPI, BM_GIC_PRIO_DEF);
	armed = bm_cntvct() + bm_us_to_ticks(TIMER_DELAY);
	bm_vtimer_arm(armed);
	bm_irq_enable();
	ASSERT_TRUE(wait_count(&timer_irq, 1));
	bm_irq_disable();
	EXPECT_EQ(timer_irq.count, 1);
	EXPECT_TRUE(timer_irq.when >= armed); /* not early */
	EXPECT_FALSE(bm_read_sysreg(cntv_ctl_el0) & CNTV_CTL_ENABLE);
	bh_printf("irq: timer fired %lu us after its deadline\n",
		  (unsigned long)bm_ticks_to_us(timer_irq.when - armed));
}

TEST(timer_masked_stays_pending)
{
	uint64_t start, limit = bm_us_to_ticks(WAIT_TIMEOUT);

	/* With IRQs masked the interrupt waits; unmasking delivers it once. */
	bm_vtimer_arm_in(bm_us_to_ticks(100));
	start = bm_cntvct();
	while (!bm_vtimer_pending() && bm_cntvct() - start < limit)
		bm_cpu_relax();
	EXPECT_TRUE(bm_vtimer_pending());
	bm_udelay(1000);
	EXPECT_EQ(timer_irq.count, 1);
	bm_irq_enable();
	EXPECT_TRUE(wait_count(&timer_irq, 2));
	bm_irq_disable();
	EXPECT_EQ(timer_irq.count, 2);
}

TEST(sgi_to_self)
{
	bm_gic_enable_irq(SGI_SELF, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	bm_gic_send_sgi(SGI_SELF, (int)bm_vcpu_id());
	EXPECT_TRUE(wait_count(&sgi_self, 1));
	bm_irq_disable();
	EXPECT_EQ(sgi_self.last_vcpu, 0);
}

TEST(spi_software_pending)
{
	bm_gic_enable_irq(TEST_SPI, BM_GIC_PRIO_DEF);
	bm_gic_set_pending(TEST_SPI);
	bm_irq_enable();
	EXPECT_TRUE(wait_count(&spi, 1));
	bm_irq_disable();
	EXPECT_EQ(spi.count, 1);
	bm_gic_disable_irq(TEST_SPI);
}

static void vcpu1_main(void *arg)
{
	(void)arg;
	bm_gic_cpu_init();
	bm_gic_enable_irq(SGI_CROSS, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	__atomic_store_n(&vcpu1_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&vcpu1_exit, __ATOMIC_ACQUIRE))
		bm_wfi();
	bm_irq_disable();
}

TEST(sgi_to_vcpu1)
{
	uint64_t start;

	ASSERT_TRUE(bm_plat.ncpus >= 2);
	ASSERT_EQ(bm_cpu_on(1, vcpu1_main, NULL), PSCI_RET_SUCCESS);
	start = bm_cntvct();
	while (!__atomic_load_n(&vcpu1_ready, __ATOMIC_ACQUIRE))
		ASSERT_TRUE(bm_cntvct() - start < bm_us_to_ticks(WAIT_TIMEOUT));
	bm_gic_send_sgi(SGI_CROSS, 1);
	EXPECT_TRUE(wait_count(&sgi_cross, 1));
	EXPECT_EQ(sgi_cross.last_vcpu, 1);
	/* Its WFI needs an interrupt to notice the exit flag: a second SGI. */
	__atomic_store_n(&vcpu1_exit, 1, __ATOMIC_RELEASE);
	bm_gic_send_sgi(SGI_CROSS, 1);
	EXPECT_TRUE(bm_vcpu_wait_state(1, PSCI_AFF_OFF, WAIT_TIMEOUT));
	EXPECT_EQ(sgi_cross.count, 2);
	EXPECT_EQ(sgi_self.count, 1); /* vCPU 0 took none of them */
}

TEST(spi_not_owned_is_invisible)
{
	volatile uint32_t *en =
		(volatile uint32_t *)(uintptr_t)(bm_plat.gicd_base + GICD_ISENABLER +
						 (FOREIGN_SPI / 32) * 4);
	volatile uint32_t *pend =
		(volatile uint32_t *)(uintptr_t)(bm_plat.gicd_base + GICD_ISPENDR +
						 (FOREIGN_SPI / 32) * 4);
	struct irq_count foreign = {0};

	if (bm_native()) {
		bm_test_skip("natively every SPI is ours");
		return;
	}
	bm_irq_register(FOREIGN_SPI, count_irq, &foreign);
	bm_gic_enable_irq(FOREIGN_SPI, BM_GIC_PRIO_DEF);
	bm_gic_set_pending(FOREIGN_SPI);
	bm_irq_enable();
	bm_udelay(2000);
	bm_irq_disable();
	EXPECT_EQ(foreign.count, 0);
	/* Read as zero: enable and pending never stuck. */
	EXPECT_EQ(*en & (1U << (FOREIGN_SPI % 32)), 0);
	EXPECT_EQ(*pend & (1U << (FOREIGN_SPI % 32)), 0);
}
