// SPDX-License-Identifier: Apache-2.0
/*
 * pmu: a cell's PMU counts the cell and never the hypervisor. The cycle
 * counter and an instructions-retired counter run with their EL2 filter
 * bit set (PMCCFILTR_EL0.NSH / PMEVTYPER<n>_EL0.NSH: "count at EL2 too",
 * as Linux perf sets it by default) across an HVC and a load from the
 * emulated UART; each may count only the handful of guest instructions in
 * the measured window, not the few hundred the hypervisor runs to answer.
 * The filters read back as written, software increments count where the
 * guest made them and a wrap raises the PMU interrupt once, and a restart of the cell (PSCI
 * SYSTEM_RESET) leaves the PMU as at reset: the first boot leaves it
 * running, with interrupts and user access enabled, and resets the cell.
 *
 * Under QEMU TCG both counts come from the instruction count, and the
 * instructions-retired event exists only with -icount (precise, e.g.
 * "-icount shift=0": one instruction = one nanosecond = one cycle at
 * QEMU's 1 GHz PMU clock). Without it the measurement skips itself.
 */
#include <bm/bm.h>

#include <bulkhead/smccc.h>

BM_PAYLOAD("pmu");

#define PMCR_E		BIT(0)
#define PMCR_P		BIT(1)
#define PMCR_C		BIT(2)
#define PMCR_LC		BIT(6)
#define PMCR_N(v)	((unsigned int)((v) >> 11) & 0x1f)
#define PMEVTYPER_P	BIT(31) /* not at EL1 */
#define PMEVTYPER_U	BIT(30)
#define PMEVTYPER_NSH	BIT(27) /* count at EL2 as well */
#define PM_CYCLE_BIT	BIT(31) /* the cycle counter in PMCNTEN/PMINTEN/PMOVS */
#define PM_SEL_CYCLE	31	/* PMSELR_EL0.SEL: PMXEVTYPER_EL0 is PMCCFILTR_EL0 */
#define EV_INST_RETIRED 0x08
#define EV_SW_INCR	0x00
#define PMU_PPI		23 /* the PMU overflow interrupt on QEMU virt */
#define PMUVER(dfr0)	((unsigned int)((dfr0) >> 8) & 0xf)
#define PMUVER_V3P5	6 /* MDCR_EL2.HCCD */

/*
 * The measured window: from the first counter read to the last, at most
 * three guest instructions besides the one measured (the counter reads
 * themselves), each counted once. Allow a few more for how an emulator
 * attributes an exception entry or return to an exception level: any count
 * of the hypervisor's work (hundreds of instructions for an HVC or an
 * emulated load) is far above this.
 */
#define GUEST_BOUND 8
#define RUNS	    5

#define PSCI_VERSION_FID 0x84000000U
#define UART_FR		 (BM_UART_BASE + 0x18)

static uint64_t boot;
static unsigned int pmu_ver, ncounters;
static struct {
	uint64_t pmcr, cntenset, intenset, ovsset, userenr, evtyper0, ccfiltr, selr, ccntr, evcntr0;
} at_boot;

/* out[0..3] = cycles before, instructions before, instructions after,
 * cycles after. */
extern void pmu_measure_hvc(uint64_t out[4]);
extern void pmu_measure_load(uint64_t out[4], uint64_t addr);
extern void pmu_measure_nop(uint64_t out[4]);

__asm__(".pushsection .text.pmu_measure, \"ax\"\n"
	".globl pmu_measure_hvc\n"
	"pmu_measure_hvc:\n"
	"	mov x9, x0\n"
	"	mov w0, #0x84000000\n" /* PSCI_VERSION */
	"	isb\n"
	"	mrs x10, pmccntr_el0\n"
	"	mrs x11, pmevcntr0_el0\n"
	"	hvc #0\n"
	"	mrs x12, pmevcntr0_el0\n"
	"	mrs x13, pmccntr_el0\n"
	"	stp x10, x11, [x9]\n"
	"	stp x12, x13, [x9, #16]\n"
	"	ret\n"
	".globl pmu_measure_load\n"
	"pmu_measure_load:\n"
	"	mov x9, x0\n"
	"	isb\n"
	"	mrs x10, pmccntr_el0\n"
	"	mrs x11, pmevcntr0_el0\n"
	"	ldr w2, [x1]\n"
	"	mrs x12, pmevcntr0_el0\n"
	"	mrs x13, pmccntr_el0\n"
	"	stp x10, x11, [x9]\n"
	"	stp x12, x13, [x9, #16]\n"
	"	ret\n"
	".globl pmu_measure_nop\n"
	"pmu_measure_nop:\n"
	"	mov x9, x0\n"
	"	isb\n"
	"	mrs x10, pmccntr_el0\n"
	"	mrs x11, pmevcntr0_el0\n"
	"	nop\n"
	"	mrs x12, pmevcntr0_el0\n"
	"	mrs x13, pmccntr_el0\n"
	"	stp x10, x11, [x9]\n"
	"	stp x12, x13, [x9, #16]\n"
	"	ret\n"
	".popsection\n");

static uint64_t all_counters(void)
{
	return (ncounters ? BIT(ncounters) - 1 : 0) | PM_CYCLE_BIT;
}

static bool has_pmu(void)
{
	return pmu_ver != 0 && pmu_ver != 0xf;
}

void bm_main(void)
{
	uint64_t dfr0 = bm_read_sysreg(id_aa64dfr0_el1);

	pmu_ver = PMUVER(dfr0);
	if (has_pmu())
		ncounters = PMCR_N(bm_read_sysreg(pmcr_el0));
	bh_printf("pmu: ID_AA64DFR0_EL1 0x%lx: PMUVer %u, %u event counters\n", (unsigned long)dfr0,
		  pmu_ver, ncounters);
	if (!has_pmu())
		return;
	boot = bm_boot_count_next();
	if (boot == 1) {
		/* Leave the PMU running, interrupting and open to EL0. */
		bm_write_sysreg(pmevtyper0_el0, EV_INST_RETIRED | PMEVTYPER_NSH | PMEVTYPER_U);
		bm_write_sysreg(pmccfiltr_el0, PMEVTYPER_NSH);
		bm_write_sysreg(pmselr_el0, 2);
		bm_write_sysreg(pmuserenr_el0, 0xf);
		bm_write_sysreg(pmintenset_el1, all_counters());
		bm_write_sysreg(pmovsset_el0, all_counters());
		bm_write_sysreg(pmcntenset_el0, all_counters());
		bm_write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
		bm_isb();
		bm_psci_system_reset();
		bm_boot_count_clear();
		bm_fatal("PSCI SYSTEM_RESET returned");
	}
	bm_boot_count_clear();
	at_boot.pmcr = bm_read_sysreg(pmcr_el0);
	at_boot.cntenset = bm_read_sysreg(pmcntenset_el0);
	at_boot.intenset = bm_read_sysreg(pmintenset_el1);
	at_boot.ovsset = bm_read_sysreg(pmovsset_el0);
	at_boot.userenr = bm_read_sysreg(pmuserenr_el0);
	at_boot.evtyper0 = bm_read_sysreg(pmevtyper0_el0);
	at_boot.ccfiltr = bm_read_sysreg(pmccfiltr_el0);
	at_boot.selr = bm_read_sysreg(pmselr_el0);
	at_boot.ccntr = bm_read_sysreg(pmccntr_el0);
	at_boot.evcntr0 = bm_read_sysreg(pmevcntr0_el0);
	bh_printf("pmu: after reset PMCR 0x%lx CNTEN 0x%lx INTEN 0x%lx OVS 0x%lx USERENR 0x%lx "
		  "EVTYPER0 0x%lx CCFILTR 0x%lx SELR 0x%lx CCNTR 0x%lx EVCNTR0 0x%lx\n",
		  (unsigned long)at_boot.pmcr, (unsigned long)at_boot.cntenset,
		  (unsigned long)at_boot.intenset, (unsigned long)at_boot.ovsset,
		  (unsigned long)at_boot.userenr, (unsigned long)at_boot.evtyper0,
		  (unsigned long)at_boot.ccfiltr, (unsigned long)at_boot.selr,
		  (unsigned long)at_boot.ccntr, (unsigned long)at_boot.evcntr0);
}

TEST(pmu_reset_after_restart)
{
	if (!has_pmu()) {
		bm_test_skip("no PMUv3");
		return;
	}
	EXPECT_EQ(boot, 2);
	EXPECT_EQ(at_boot.pmcr & PMCR_E, 0);
	EXPECT_EQ(at_boot.cntenset, 0);
	EXPECT_EQ(at_boot.intenset, 0);
	EXPECT_EQ(at_boot.ovsset, 0);
	EXPECT_EQ(at_boot.userenr, 0);
	EXPECT_EQ(at_boot.evtyper0, 0);
	EXPECT_EQ(at_boot.ccfiltr, 0);
	EXPECT_EQ(at_boot.selr, 0);
	EXPECT_EQ(at_boot.ccntr, 0);
	EXPECT_EQ(at_boot.evcntr0, 0);
}

TEST(filters_read_back)
{
	const uint64_t ev = EV_INST_RETIRED | PMEVTYPER_NSH;

	if (!has_pmu() || ncounters < 2) {
		bm_test_skip("needs two event counters");
		return;
	}
	bm_write_sysreg(pmevtyper0_el0, ev);
	EXPECT_EQ(bm_read_sysreg(pmevtyper0_el0), ev);
	bm_write_sysreg(pmccfiltr_el0, PMEVTYPER_NSH);
	EXPECT_EQ(bm_read_sysreg(pmccfiltr_el0), PMEVTYPER_NSH);
	/* The same through PMSELR_EL0 / PMXEVTYPER_EL0. */
	bm_write_sysreg(pmselr_el0, 1);
	bm_isb();
	bm_write_sysreg(pmxevtyper_el0, ev | PMEVTYPER_U);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(pmxevtyper_el0), ev | PMEVTYPER_U);
	EXPECT_EQ(bm_read_sysreg(pmevtyper1_el0), ev | PMEVTYPER_U);
	EXPECT_EQ(bm_read_sysreg(pmselr_el0), 1);
	bm_write_sysreg(pmselr_el0, PM_SEL_CYCLE);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(pmxevtyper_el0), PMEVTYPER_NSH);
	bm_write_sysreg(pmxevtyper_el0, 0);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(pmccfiltr_el0), 0);
	bm_write_sysreg(pmxevtyper_el0, PMEVTYPER_NSH | PMEVTYPER_U);
	bm_isb();
	EXPECT_EQ(bm_read_sysreg(pmccfiltr_el0), PMEVTYPER_NSH | PMEVTYPER_U);
	/* Clearing NSH reads back clear too. */
	bm_write_sysreg(pmevtyper0_el0, EV_INST_RETIRED);
	EXPECT_EQ(bm_read_sysreg(pmevtyper0_el0), EV_INST_RETIRED);
	bm_write_sysreg(pmselr_el0, 0);
	bm_write_sysreg(pmevtyper1_el0, 0);
	bm_write_sysreg(pmccfiltr_el0, 0);
	bm_isb();
}

static void start_counting(void)
{
	bm_write_sysreg(pmcr_el0, PMCR_P | PMCR_C | PMCR_LC); /* zero the counters */
	bm_write_sysreg(pmevtyper0_el0, EV_INST_RETIRED | PMEVTYPER_NSH);
	bm_write_sysreg(pmccfiltr_el0, PMEVTYPER_NSH);
	bm_write_sysreg(pmcntenset_el0, BIT(0) | PM_CYCLE_BIT);
	bm_write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	bm_isb();
}

static void stop_counting(void)
{
	bm_write_sysreg(pmcr_el0, PMCR_LC);
	bm_write_sysreg(pmcntenclr_el0, all_counters());
	bm_write_sysreg(pmevtyper0_el0, 0);
	bm_write_sysreg(pmccfiltr_el0, 0);
	bm_isb();
}

struct measured {
	uint64_t insns_min, insns_max, cycles_min, cycles_max;
};

static struct measured measure(const char *what, void (*fn)(uint64_t out[4], uint64_t arg),
			       uint64_t arg)
{
	struct measured m = {~0ULL, 0, ~0ULL, 0};

	for (unsigned int i = 0; i < RUNS; i++) {
		uint64_t out[4];
		uint64_t insns, cycles;

		fn(out, arg);
		insns = out[2] - out[1];
		cycles = out[3] - out[0];
		m.insns_min = MIN(m.insns_min, insns);
		m.insns_max = MAX(m.insns_max, insns);
		m.cycles_min = MIN(m.cycles_min, cycles);
		m.cycles_max = MAX(m.cycles_max, cycles);
	}
	bh_printf("pmu: %s: instructions %lu..%lu, cycles %lu..%lu (%u runs, bound %u)\n", what,
		  (unsigned long)m.insns_min, (unsigned long)m.insns_max,
		  (unsigned long)m.cycles_min, (unsigned long)m.cycles_max, RUNS, GUEST_BOUND);
	return m;
}

static void hvc_fn(uint64_t out[4], uint64_t arg)
{
	(void)arg;
	pmu_measure_hvc(out);
}

static void nop_fn(uint64_t out[4], uint64_t arg)
{
	(void)arg;
	pmu_measure_nop(out);
}

static bool can_measure(void)
{
	if (!has_pmu()) {
		bm_test_skip("no PMUv3");
		return false;
	}
	if (!(bm_read_sysreg(pmceid0_el0) & BIT(EV_INST_RETIRED))) {
		bm_test_skip("no instructions-retired event (QEMU: run with -icount)");
		return false;
	}
	return true;
}

TEST(counts_exclude_hypervisor_hvc)
{
	struct measured base, m;

	if (!can_measure())
		return;
	start_counting();
	base = measure("nop", nop_fn, 0);
	m = measure("hvc PSCI_VERSION", hvc_fn, 0);
	stop_counting();
	EXPECT_TRUE(base.insns_min <= GUEST_BOUND);
	EXPECT_TRUE(base.cycles_min <= GUEST_BOUND);
	/* Several runs: an emulator may switch CPUs inside one window. */
	EXPECT_TRUE(m.insns_min <= GUEST_BOUND);
	EXPECT_TRUE(m.cycles_min <= GUEST_BOUND);
}

TEST(counts_exclude_hypervisor_mmio)
{
	struct measured m;

	if (!can_measure())
		return;
	start_counting();
	m = measure("ldr emulated UART", pmu_measure_load, UART_FR);
	stop_counting();
	EXPECT_TRUE(m.insns_min <= GUEST_BOUND);
	EXPECT_TRUE(m.cycles_min <= GUEST_BOUND);
}

static volatile uint32_t overflow_irqs;
static volatile uint64_t overflow_flags;

static void pmu_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	/* Level-triggered: quiet the source (the overflow flag) before the EOI. */
	overflow_flags = bm_read_sysreg(pmovsset_el0);
	bm_write_sysreg(pmovsclr_el0, overflow_flags);
	bm_isb();
	overflow_irqs = overflow_irqs + 1;
}

static void software_increment(void)
{
	bm_write_sysreg(pmswinc_el0, BIT(0));
	bm_isb();
}

/* Software increments count at the guest's EL under its filters; the one
 * that wraps the counter raises the PMU interrupt, once, and the guest's
 * handler clears it: the cell's PMU interrupt is its own. */
TEST(software_increment_and_overflow_interrupt)
{
	uint64_t start;

	if (!has_pmu()) {
		bm_test_skip("no PMUv3");
		return;
	}
	bm_gic_init();
	bm_gic_cpu_init();
	bm_irq_register(PMU_PPI, pmu_irq, NULL);
	bm_gic_enable_irq(PMU_PPI, BM_GIC_PRIO_DEF);
	overflow_irqs = 0;
	bm_write_sysreg(pmcr_el0, PMCR_P | PMCR_C | PMCR_LC);
	bm_write_sysreg(pmevtyper0_el0, EV_SW_INCR | PMEVTYPER_NSH);
	bm_write_sysreg(pmevcntr0_el0, 0xfffffffdULL); /* 32-bit counter: wraps at the third */
	bm_write_sysreg(pmintenset_el1, BIT(0));
	bm_write_sysreg(pmcntenset_el0, BIT(0));
	bm_write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	bm_isb();
	software_increment();
	EXPECT_EQ(bm_read_sysreg(pmevcntr0_el0), 0xfffffffeULL);
	/* Filtered at EL1 (P): not counted. */
	bm_write_sysreg(pmevtyper0_el0, EV_SW_INCR | PMEVTYPER_P);
	bm_isb();
	software_increment();
	EXPECT_EQ(bm_read_sysreg(pmevcntr0_el0), 0xfffffffeULL);
	bm_write_sysreg(pmevtyper0_el0, EV_SW_INCR);
	bm_isb();
	software_increment();
	EXPECT_EQ(bm_read_sysreg(pmevcntr0_el0), 0xffffffffULL);
	EXPECT_EQ(bm_read_sysreg(pmovsset_el0), 0);
	EXPECT_EQ(overflow_irqs, 0);
	bm_irq_enable();
	software_increment(); /* wraps */
	start = bm_cntvct();
	while (!overflow_irqs && bm_cntvct() - start < bm_us_to_ticks(1000000))
		bm_cpu_relax();
	bm_udelay(1000); /* a second one would come now if the line stayed up */
	bm_irq_disable();
	EXPECT_EQ(overflow_irqs, 1);
	EXPECT_EQ(overflow_flags & BIT(0), BIT(0));
	/* PMUv3p5 counters are 64 bits; with PMCR_EL0.LP clear they overflow
	 * at 32 bits all the same. */
	EXPECT_EQ(bm_read_sysreg(pmevcntr0_el0) & 0xffffffffULL, 0);
	EXPECT_EQ(bm_read_sysreg(pmovsset_el0), 0);
	bm_write_sysreg(pmintenclr_el1, BIT(0));
	stop_counting();
	bm_gic_disable_irq(PMU_PPI);
}

/* Where the CPU can keep EL2 out of the counts by itself (PMUv3p5:
 * MDCR_EL2.HPMD and HCCD) the PMU is not trapped: reading a counter costs
 * no exit. Below PMUv3p5 every PMU access is emulated. */
TEST(pmu_trapped_only_without_hccd)
{
	uint64_t e0, e1;

	if (bm_native() || !has_pmu()) {
		bm_test_skip(bm_native() ? "no hypervisor" : "no PMUv3");
		return;
	}
	e0 = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
	for (unsigned int i = 0; i < 10; i++)
		(void)bm_read_sysreg(pmccntr_el0);
	e1 = bm_hvc(BH_HC_VCPU_EXITS, 0, 0, 0).a1;
	bh_printf("pmu: PMUVer %u: 10 counter reads took %lu exits\n", pmu_ver,
		  (unsigned long)(e1 - e0 - 1));
	if (pmu_ver >= PMUVER_V3P5)
		EXPECT_EQ(e1 - e0, 1);
	else
		EXPECT_EQ(e1 - e0, 11);
}
