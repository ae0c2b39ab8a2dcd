// SPDX-License-Identifier: Apache-2.0
/*
 * fidelity: interrupts and timers behave in a cell as on bare metal, in the
 * manner of kvm-unit-tests' timer, pl031 and gic checks (our own code):
 *  - both EL1 timers, virtual and physical, show pending at the GIC while
 *    masked and interrupt once unmasked;
 *  - a level interrupt whose handler ends it (EOI) before quieting its
 *    device, as many drivers do, runs its handler exactly once per
 *    assertion: the timers (PPIs) and the PL031 RTC (an SPI the cell owns);
 *  - the distributor answers its ID registers at its version's offsets and,
 *    on GICv2, keeps SPI target masks (several targets, 1-of-N delivery).
 * The same payload runs natively on QEMU (bm.native) for comparison.
 */
#include <bm/bm.h>

BM_PAYLOAD("fidelity");

#define VTIMER_PPI     27
#define PTIMER_PPI     30
#define RTC_BASE       0x09010000ULL /* PL031 on QEMU virt: "rtc" */
#define RTC_SPI	       34
#define RTCDR	       0x00
#define RTCMR	       0x04
#define RTCIMSC	       0x10
#define RTCRIS	       0x14
#define RTCMIS	       0x18
#define RTCICR	       0x1c
#define CTL_ENABLE     BIT(0)
#define CTL_IMASK      BIT(1)
#define CTL_ISTATUS    BIT(2)
#define GICD_ISPENDR   0x200
#define GICD_ITARGETSR 0x800
#define GICR_ISPENDR0  0x10200
#define V2_ID_BASE     0xfd0
#define V3_ID_BASE     0xffd0
#define ROUNDS	       64
#define ROUND_US       300     /* timer period in the EOI-first rounds */
#define WAIT_US	       1000000 /* one interrupt, at most */
#define RTC_WAIT_US    3000000 /* an RTC alarm: up to two seconds away */
#define SETTLE_US      20000   /* time for a second, wrong, handler run */

/* ---- the two EL1 timers, by the registers the guest owns ---------------- */

struct timer {
	const char *name;
	uint32_t ppi;
	void (*set)(uint64_t cval, uint64_t ctl);
	uint64_t (*ctl)(void);
	volatile uint32_t runs; /* handler runs */
};

static void vset(uint64_t cval, uint64_t ctl)
{
	bm_write_sysreg(cntv_cval_el0, cval);
	bm_write_sysreg(cntv_ctl_el0, ctl);
	bm_isb();
}
static uint64_t vctl(void)
{
	return bm_read_sysreg(cntv_ctl_el0);
}
static void pset(uint64_t cval, uint64_t ctl)
{
	bm_write_sysreg(cntp_cval_el0, cval);
	bm_write_sysreg(cntp_ctl_el0, ctl);
	bm_isb();
}
static uint64_t pctl(void)
{
	return bm_read_sysreg(cntp_ctl_el0);
}

static struct timer vtimer = {"virtual", VTIMER_PPI, vset, vctl, 0};
static struct timer ptimer = {"physical", PTIMER_PPI, pset, pctl, 0};

/* Ordinary driver: quiet the source, then (the dispatcher) EOI. */
static void timer_quiet_then_eoi(uint32_t intid, void *arg)
{
	struct timer *t = arg;

	(void)intid;
	t->set(0, CTL_ENABLE | CTL_IMASK);
	t->runs = t->runs + 1;
}

/* EOI first (the dispatcher did), then quiet: the line is still high at
 * the EOI. kvm-unit-tests' timer micro-benchmark handler does this. */
static void timer_eoi_then_quiet(uint32_t intid, void *arg)
{
	struct timer *t = arg;

	(void)intid;
	t->runs = t->runs + 1;
	t->set(0, CTL_ENABLE | CTL_IMASK);
}

/* Pending bit of @intid at the GIC (redistributor for PPIs on GICv3). */
static bool gic_pending(uint32_t intid)
{
	uint64_t reg;

	if (bm_plat.gic_version == 3 && intid < 32)
		reg = bm_gic_redist(bm_vcpu_id()) + GICR_ISPENDR0;
	else
		reg = bm_plat.gicd_base + GICD_ISPENDR + (intid / 32) * 4;
	return (bm_read32(reg) >> (intid % 32)) & 1;
}

static bool wait_runs(volatile uint32_t *runs, uint32_t n, uint64_t us)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(us);

	while (*runs < n)
		if (bm_cntvct() - start > limit)
			return false;
	return true;
}

void bm_main(void)
{
	bm_gic_init();
	bm_gic_cpu_init();
}

/* kvm-unit-tests timer: pending while masked, one interrupt when unmasked. */
static void check_timer_interrupts(struct timer *t)
{
	uint64_t start;

	t->runs = 0;
	bm_irq_register(t->ppi, timer_quiet_then_eoi, t);
	bm_gic_enable_irq(t->ppi, BM_GIC_PRIO_DEF);
	t->set(bm_cntvct() + bm_us_to_ticks(1000), CTL_ENABLE);
	start = bm_cntvct();
	while (!(t->ctl() & CTL_ISTATUS))
		ASSERT_TRUE(bm_cntvct() - start < bm_us_to_ticks(WAIT_US));
	bm_udelay(100); /* let it reach the GIC */
	EXPECT_TRUE(gic_pending(t->ppi));
	EXPECT_EQ(t->runs, 0); /* masked: not taken */
	bm_irq_enable();
	EXPECT_TRUE(wait_runs(&t->runs, 1, WAIT_US));
	bm_udelay(SETTLE_US);
	bm_irq_disable();
	EXPECT_EQ(t->runs, 1);
	EXPECT_FALSE(gic_pending(t->ppi)); /* quieted: no longer pending */
	bm_gic_disable_irq(t->ppi);
	bh_printf("fidelity: %s timer: pending while masked, %u handler run(s)\n", t->name,
		  t->runs);
}

TEST(virtual_timer_interrupts)
{
	check_timer_interrupts(&vtimer);
}

TEST(physical_timer_interrupts)
{
	check_timer_interrupts(&ptimer);
}

/* ROUNDS expiries, each handled by an EOI-first handler: exactly ROUNDS
 * runs, as on bare metal. */
static void check_eoi_first(struct timer *t)
{
	t->runs = 0;
	bm_irq_register_eoi_first(t->ppi, timer_eoi_then_quiet, t);
	bm_gic_enable_irq(t->ppi, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	for (uint32_t i = 0; i < ROUNDS; i++) {
		t->set(bm_cntvct() + bm_us_to_ticks(ROUND_US), CTL_ENABLE);
		if (!wait_runs(&t->runs, i + 1, WAIT_US))
			break;
	}
	bm_udelay(SETTLE_US);
	bm_irq_disable();
	t->set(0, 0);
	bm_gic_disable_irq(t->ppi);
	bh_printf("fidelity: %s timer: %u expiries, %u handler runs (EOI before quieting)\n",
		  t->name, ROUNDS, t->runs);
	EXPECT_EQ(t->runs, ROUNDS);
}

TEST(virtual_timer_eoi_before_quiet_runs_once_per_expiry)
{
	check_eoi_first(&vtimer);
}

TEST(physical_timer_eoi_before_quiet_runs_once_per_expiry)
{
	check_eoi_first(&ptimer);
}

/* ---- the PL031 RTC: a level SPI (kvm-unit-tests pl031 check_rtc_irq) ---- */

static volatile uint32_t rtc_runs, rtc_bad, rtc_vcpu;

static uint32_t rtc_rd(uint32_t reg)
{
	return bm_read32(RTC_BASE + reg);
}

static void rtc_eoi_then_quiet(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	/* Ended already; the device still asserts its line. */
	if (rtc_rd(RTCRIS) != 1 || rtc_rd(RTCMIS) != 1)
		rtc_bad = rtc_bad + 1;
	bm_write32(RTC_BASE + RTCICR, 1); /* bit 0 clears the alarm */
	if (rtc_rd(RTCRIS) != 0 || rtc_rd(RTCMIS) != 0)
		rtc_bad = rtc_bad + 1;
	rtc_vcpu = bm_vcpu_id();
	rtc_runs = rtc_runs + 1;
}

/* Alarm at the next RTC second; returns with it pending at the GIC. */
static bool rtc_alarm(void)
{
	uint64_t start = bm_cntvct();

	rtc_runs = rtc_bad = 0;
	bm_write32(RTC_BASE + RTCIMSC, 0);
	bm_write32(RTC_BASE + RTCICR, 1);
	bm_write32(RTC_BASE + RTCMR, rtc_rd(RTCDR) + 1);
	while (!(rtc_rd(RTCRIS) & 1))
		if (bm_cntvct() - start > bm_us_to_ticks(RTC_WAIT_US))
			return false;
	bm_write32(RTC_BASE + RTCIMSC, 1); /* now the line rises */
	return true;
}

TEST(rtc_eoi_before_quiet_runs_once)
{
	bm_irq_register_eoi_first(RTC_SPI, rtc_eoi_then_quiet, NULL);
	ASSERT_TRUE(rtc_alarm());
	EXPECT_TRUE(gic_pending(RTC_SPI)); /* disabled at the GIC: only pending */
	bm_gic_enable_irq(RTC_SPI, BM_GIC_PRIO_DEF);
	bm_irq_enable();
	EXPECT_TRUE(wait_runs(&rtc_runs, 1, WAIT_US));
	bm_udelay(SETTLE_US);
	bm_irq_disable();
	EXPECT_FALSE(gic_pending(RTC_SPI));
	bm_gic_disable_irq(RTC_SPI);
	bm_write32(RTC_BASE + RTCIMSC, 0);
	bh_printf("fidelity: rtc: %u handler run(s), %u with the device quiet\n", rtc_runs,
		  rtc_bad);
	EXPECT_EQ(rtc_runs, 1);
	EXPECT_EQ(rtc_bad, 0);
}

/* ---- distributor identification and GICv2 targets ------------------------ */

TEST(gic_id_registers)
{
	uint64_t base = bm_plat.gic_version == 2 ? V2_ID_BASE : V3_ID_BASE;
	uint32_t cidr = 0;

	for (unsigned int i = 0; i < 4; i++)
		cidr |= (bm_read32(bm_plat.gicd_base + base + 0x20 + 4 * i) & 0xff) << (8 * i);
	EXPECT_EQ(cidr, 0xb105f00d); /* PrimeCell component */
	/* PIDR2 (ICPIDR2 on GICv2): ArchRev in bits [7:4]. */
	EXPECT_EQ((bm_read32(bm_plat.gicd_base + base + 0x18) >> 4) & 0xf, bm_plat.gic_version);
	if (bm_plat.gic_version == 3)
		EXPECT_EQ((bm_read32(bm_gic_redist(0) + V3_ID_BASE + 0x18) >> 4) & 0xf, 3);
}

static uint8_t targets_rd(uint32_t intid)
{
	return (uint8_t)(bm_read32(bm_plat.gicd_base + GICD_ITARGETSR + (intid & ~3U)) >>
			 (8 * (intid & 3)));
}

static void targets_wr(uint32_t intid, uint8_t mask)
{
	uint64_t reg = bm_plat.gicd_base + GICD_ITARGETSR + (intid & ~3U);
	unsigned int shift = 8 * (intid & 3);

	bm_write32(reg, (bm_read32(reg) & ~(0xffU << shift)) | ((uint32_t)mask << shift));
}

TEST(gicv2_spi_targets_keep_every_cpu_named)
{
	uint8_t all = (uint8_t)((1U << bm_plat.ncpus) - 1);

	if (bm_plat.gic_version != 2) {
		bm_test_skip("GICv3 routes with IROUTER: no target masks");
		return;
	}
	targets_wr(RTC_SPI, 0xff);
	/* Bits of CPU interfaces that do not exist are RAZ/WI (QEMU's own GIC
	 * keeps them: natively only the existing ones are checked). */
	if (bm_native())
		EXPECT_EQ(targets_rd(RTC_SPI) & all, all);
	else
		EXPECT_EQ(targets_rd(RTC_SPI), all);
	targets_wr(RTC_SPI, 0x00);
	EXPECT_EQ(targets_rd(RTC_SPI), 0x00);
	targets_wr(RTC_SPI, 0x02);
	EXPECT_EQ(targets_rd(RTC_SPI), 0x02);
	targets_wr(RTC_SPI, 0x01);
	/* SGIs and PPIs read as the reading CPU's own interface. */
	EXPECT_EQ(targets_rd(VTIMER_PPI), 1U << bm_vcpu_id());
}

static volatile uint32_t v1_ready, v1_exit;

static void vcpu1_main(void *arg)
{
	(void)arg;
	bm_gic_cpu_init();
	bm_irq_enable();
	__atomic_store_n(&v1_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&v1_exit, __ATOMIC_ACQUIRE))
		bm_cpu_relax();
	bm_irq_disable();
}

/* Both vCPUs named: the interrupt reaches exactly one of them, once. */
TEST(gicv2_spi_to_two_targets_is_taken_once)
{
	uint64_t start;

	if (bm_plat.gic_version != 2) {
		bm_test_skip("GICv3 routes with IROUTER: no target masks");
		return;
	}
	if (bm_native()) {
		/* QEMU's own GICv2 latches a level SPI pending on every target
		 * CPU and lets each acknowledge it: not 1-of-N, so no baseline. */
		bm_test_skip("QEMU's GICv2 model delivers a multi-target level SPI to each target");
		return;
	}
	ASSERT_TRUE(bm_plat.ncpus >= 2);
	ASSERT_EQ(bm_cpu_on(1, vcpu1_main, NULL), PSCI_RET_SUCCESS);
	start = bm_cntvct();
	while (!__atomic_load_n(&v1_ready, __ATOMIC_ACQUIRE))
		ASSERT_TRUE(bm_cntvct() - start < bm_us_to_ticks(WAIT_US));
	bm_irq_register(RTC_SPI, rtc_eoi_then_quiet, NULL);
	bm_write32(RTC_BASE + RTCIMSC, 0);
	bm_gic_enable_irq(RTC_SPI, BM_GIC_PRIO_DEF); /* targets the caller... */
	targets_wr(RTC_SPI, 0x03);		     /* ...then both */
	ASSERT_TRUE(rtc_alarm());		     /* vCPU 1 can take it at once */
	bm_irq_enable();
	EXPECT_TRUE(wait_runs(&rtc_runs, 1, WAIT_US));
	bm_udelay(SETTLE_US);
	bm_irq_disable();
	__atomic_store_n(&v1_exit, 1, __ATOMIC_RELEASE);
	EXPECT_TRUE(bm_vcpu_wait_state(1, PSCI_AFF_OFF, WAIT_US));
	bm_gic_disable_irq(RTC_SPI);
	bm_write32(RTC_BASE + RTCIMSC, 0);
	bh_printf("fidelity: rtc to vCPUs 0 and 1: %u run(s), on vCPU %u\n", rtc_runs, rtc_vcpu);
	EXPECT_EQ(rtc_runs, 1);
	EXPECT_TRUE(rtc_vcpu < 2);
}
