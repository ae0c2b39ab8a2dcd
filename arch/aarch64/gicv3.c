// SPDX-License-Identifier: Apache-2.0
/*
 * GICv3: distributor and redistributors with affinity routing, the
 * system-register CPU interface at EL2 (EOImode 1: priority drop and
 * deactivation are separate, so a forwarded interrupt stays active until
 * the guest ends it through a hardware list register), and the ICH_*
 * virtual interface.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/gic_regs.h>
#include <bulkhead/vgic.h>

#include <arch/gic.h>
#include <arch/sysreg.h>

#define MMIO32(a)   (*(volatile uint32_t *)(uintptr_t)(a))
#define MMIO64(a)   (*(volatile uint64_t *)(uintptr_t)(a))
#define MMIO8(a)    (*(volatile uint8_t *)(uintptr_t)(a))
#define GIC_TIMEOUT 1000000

/* ICC_SGI1R_EL1 */
#define ICC_SGI1R_TARGETS_SHIFT 0
#define ICC_SGI1R_TARGETS_WIDTH 16
#define ICC_SGI1R_AFF1_SHIFT	16
#define ICC_SGI1R_AFF1_WIDTH	8
#define ICC_SGI1R_INTID_SHIFT	24
#define ICC_SGI1R_INTID_WIDTH	4
#define ICC_SGI1R_AFF2_SHIFT	32
#define ICC_SGI1R_AFF2_WIDTH	8
#define ICC_SGI1R_AFF3_SHIFT	48
#define ICC_SGI1R_AFF3_WIDTH	8
#define ICC_SRE_SRE		BIT(0)
#define ICC_SRE_ENABLE		BIT(3)
#define ICC_CTLR_EOIMODE	BIT(1)

/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_SHIFT    0
#define ICH_LR_VINTID_WIDTH    32
#define ICH_LR_PINTID_SHIFT    32
#define ICH_LR_PINTID_WIDTH    13
#define ICH_LR_EOI	       BIT(41)
#define ICH_LR_PRIO_SHIFT      48
#define ICH_LR_PRIO_WIDTH      8
#define ICH_LR_GROUP	       BIT(60)
#define ICH_LR_HW	       BIT(61)
#define ICH_LR_STATE_SHIFT     62
#define ICH_LR_STATE_WIDTH     2
#define ICH_HCR_EN	       BIT(0)
#define ICH_HCR_UIE	       BIT(1)
#define ICH_VTR_LISTREGS_SHIFT 0
#define ICH_VTR_LISTREGS_WIDTH 5

SYSREG_RW_NAMED(icc_sre_el2, "S3_4_C12_C9_5")
SYSREG_RW_NAMED(icc_pmr_el1, "S3_0_C4_C6_0")
SYSREG_RW_NAMED(icc_ctlr_el1, "S3_0_C12_C12_4")
SYSREG_RW_NAMED(icc_igrpen1_el1, "S3_0_C12_C12_7")
SYSREG_RW_NAMED(icc_sgi1r_el1, "S3_0_C12_C11_5")
SYSREG_RW_NAMED(icc_iar1_el1, "S3_0_C12_C12_0")
SYSREG_RW_NAMED(icc_eoir1_el1, "S3_0_C12_C12_1")
SYSREG_RW_NAMED(icc_dir_el1, "S3_0_C12_C11_1")
SYSREG_RW_NAMED(ich_hcr_el2, "S3_4_C12_C11_0")
SYSREG_RW_NAMED(ich_vtr_el2, "S3_4_C12_C11_1")
SYSREG_RW_NAMED(ich_vmcr_el2, "S3_4_C12_C11_7")
SYSREG_RW_NAMED(ich_ap0r0_el2, "S3_4_C12_C8_0")
SYSREG_RW_NAMED(ich_ap1r0_el2, "S3_4_C12_C9_0")

/* One accessor pair per list register; the static assertion lets each use end in ";". */
#define ICH_LR(n, crm, op2)                                          \
	SYSREG_RW_NAMED(ich_lr##n##_el2, "S3_4_C12_C" #crm "_" #op2) \
	_Static_assert(n < 16, "list register")
ICH_LR(0, 12, 0);
ICH_LR(1, 12, 1);
ICH_LR(2, 12, 2);
ICH_LR(3, 12, 3);
ICH_LR(4, 12, 4);
ICH_LR(5, 12, 5);
ICH_LR(6, 12, 6);
ICH_LR(7, 12, 7);
ICH_LR(8, 13, 0);
ICH_LR(9, 13, 1);
ICH_LR(10, 13, 2);
ICH_LR(11, 13, 3);
ICH_LR(12, 13, 4);
ICH_LR(13, 13, 5);
ICH_LR(14, 13, 6);
ICH_LR(15, 13, 7);

static uintptr_t rd_base[BH_MAX_CPUS];

static uintptr_t gicd(void)
{
	return (uintptr_t)bh_board.gic.dist.base;
}

/* Where the register bit/byte for @intid lives: GICD for SPIs, the CPU's
 * redistributor SGI frame for private interrupts. */
static uintptr_t regs_for(unsigned int intid, unsigned int cpu)
{
	return intid < 32 ? rd_base[cpu] + GICR_SGI_BASE : gicd();
}

static void wait_rwp(void)
{
	for (int i = 0; i < GIC_TIMEOUT && (MMIO32(gicd() + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

static void v3_init_primary(void)
{
	unsigned int lines = 32 * ((MMIO32(gicd() + GICD_TYPER) & 0x1f) + 1);

	/* Nothing fires until a cell that owns it enables it. */
	for (unsigned int i = 32; i < lines && i < 1020; i += 32)
		MMIO32(gicd() + GICD_ICENABLER + i / 8) = ~0U;
	wait_rwp();
	MMIO32(gicd() + GICD_CTLR) = GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS;
	wait_rwp();
}

/* The redistributor frame whose affinity matches this CPU's MPIDR. */
static uintptr_t find_redistributor(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);
	uintptr_t base = (uintptr_t)bh_board.gic.redist.base;
	uintptr_t end = base + bh_board.gic.redist.size;

	for (; base < end; base += GICR_FRAME_SIZE) {
		uint64_t typer = MMIO64(base + GICR_TYPER);

		if (FIELD_GET(GICR_TYPER_AFF, typer) == aff)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static void setup_private(uintptr_t sgi, unsigned int intid, uint8_t prio)
{
	MMIO32(sgi + GICD_IGROUPR) |= 1U << intid;
	MMIO8(sgi + GICD_IPRIORITYR + intid) = prio;
	MMIO32(sgi + GICD_ISENABLER) = 1U << intid;
}

static void v3_init_cpu(unsigned int cpu)
{
	uintptr_t rd = find_redistributor(bh_board.cpu_mpidr[cpu]);
	uintptr_t sgi;

	rd_base[cpu] = rd;
	if (!rd)
		return;
	sgi = rd + GICR_SGI_BASE;
	MMIO32(rd + GICR_WAKER) &= ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP;
	for (int i = 0; i < GIC_TIMEOUT && (MMIO32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP);
	     i++)
		;
	MMIO32(sgi + GICD_ICENABLER) = ~0U;
	setup_private(sgi, HYP_IPI_KICK, GIC_PRIO_KICK);
	setup_private(sgi, bh_board.gic.maint_ppi, GIC_PRIO_KICK);
	setup_private(sgi, bh_board.timer_ppi_hyp, GIC_PRIO_KICK);

	/* System-register interface at EL2, and let EL1 use it too. */
	write_icc_sre_el2(ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_icc_pmr_el1(GIC_PRIO_IDLE);
	write_icc_ctlr_el1(read_icc_ctlr_el1() | ICC_CTLR_EOIMODE);
	write_icc_igrpen1_el1(1);
	write_ich_hcr_el2(0);
	isb();
}

static void v3_send_sgi(unsigned int cpu, unsigned int sgi)
{
	uint64_t mpidr = bh_board.cpu_mpidr[cpu];
	uint64_t v = FIELD_PREP(ICC_SGI1R_TARGETS, 1U << (mpidr & 0xf)) |
		     FIELD_PREP(ICC_SGI1R_AFF1, (mpidr >> 8) & 0xff) |
		     FIELD_PREP(ICC_SGI1R_INTID, sgi) |
		     FIELD_PREP(ICC_SGI1R_AFF2, (mpidr >> 16) & 0xff) |
		     FIELD_PREP(ICC_SGI1R_AFF3, (mpidr >> 32) & 0xff);

	dsb_ish();
	write_icc_sgi1r_el1(v);
	isb();
}

static unsigned int v3_ack(void)
{
	return (unsigned int)(read_icc_iar1_el1() & 0xffffff);
}

static void v3_eoi(unsigned int intid)
{
	write_icc_eoir1_el1(intid);
	isb();
}

static void v3_deactivate(unsigned int intid)
{
	write_icc_dir_el1(intid);
	isb();
}

static void v3_irq_enable(unsigned int intid, unsigned int cpu, bool on)
{
	uintptr_t base = regs_for(intid, cpu);
	uint32_t mask = 1U << (intid % 32);

	if (!base)
		return;
	if (on) {
		MMIO32(base + GICD_IGROUPR + (intid / 32) * 4) |= mask;
		MMIO8(base + GICD_IPRIORITYR + intid) = GIC_PRIO_GUEST;
		MMIO32(base + GICD_ISENABLER + (intid / 32) * 4) = mask;
	} else {
		MMIO32(base + GICD_ICENABLER + (intid / 32) * 4) = mask;
		if (intid >= 32)
			wait_rwp();
	}
}

static void v3_irq_set_pending(unsigned int intid, unsigned int cpu, bool pending)
{
	uintptr_t base = regs_for(intid, cpu);

	if (base)
		MMIO32(base + (pending ? GICD_ISPENDR : GICD_ICPENDR) + (intid / 32) * 4) =
			1U << (intid % 32);
}

static bool v3_test(unsigned int reg, unsigned int intid, unsigned int cpu)
{
	uintptr_t base = regs_for(intid, cpu);

	return base && (MMIO32(base + reg + (intid / 32) * 4) >> (intid % 32)) & 1;
}

static bool v3_irq_is_pending(unsigned int intid, unsigned int cpu)
{
	return v3_test(GICD_ISPENDR, intid, cpu);
}

static bool v3_irq_is_active(unsigned int intid, unsigned int cpu)
{
	return v3_test(GICD_ISACTIVER, intid, cpu);
}

static void v3_irq_deactivate(unsigned int intid, unsigned int cpu)
{
	uintptr_t base = regs_for(intid, cpu);

	if (base)
		MMIO32(base + GICD_ICACTIVER + (intid / 32) * 4) = 1U << (intid % 32);
}

static void v3_spi_set_edge(unsigned int intid, bool edge)
{
	uintptr_t reg = gicd() + GICD_ICFGR + (intid / 16) * 4;
	uint32_t bitmask = 2U << (2 * (intid % 16));

	MMIO32(reg) = edge ? MMIO32(reg) | bitmask : MMIO32(reg) & ~bitmask;
}

static void v3_spi_route(unsigned int intid, unsigned int cpu)
{
	uint64_t mpidr = bh_board.cpu_mpidr[cpu];

	MMIO64(gicd() + GICD_IROUTER + 8 * intid) =
		(mpidr & 0xffffff) | ((mpidr & 0xff00000000ULL));
}

/* Affinity routing names one CPU (IRM would let the GIC pick any CPU of the
 * machine, other cells' included): the lowest of the set. */
static void v3_spi_route_cpus(unsigned int intid, uint32_t cpus)
{
	if (cpus)
		v3_spi_route(intid, (unsigned int)__builtin_ctz(cpus));
}

static unsigned int v3_nr_lrs(void)
{
	return (unsigned int)FIELD_GET(ICH_VTR_LISTREGS, read_ich_vtr_el2()) + 1;
}

static uint64_t lr_get(unsigned int i)
{
	switch (i) {
	case 0:
		return read_ich_lr0_el2();
	case 1:
		return read_ich_lr1_el2();
	case 2:
		return read_ich_lr2_el2();
	case 3:
		return read_ich_lr3_el2();
	case 4:
		return read_ich_lr4_el2();
	case 5:
		return read_ich_lr5_el2();
	case 6:
		return read_ich_lr6_el2();
	case 7:
		return read_ich_lr7_el2();
	case 8:
		return read_ich_lr8_el2();
	case 9:
		return read_ich_lr9_el2();
	case 10:
		return read_ich_lr10_el2();
	case 11:
		return read_ich_lr11_el2();
	case 12:
		return read_ich_lr12_el2();
	case 13:
		return read_ich_lr13_el2();
	case 14:
		return read_ich_lr14_el2();
	default:
		return read_ich_lr15_el2();
	}
}

static void lr_set(unsigned int i, uint64_t v)
{
	switch (i) {
	case 0:
		write_ich_lr0_el2(v);
		break;
	case 1:
		write_ich_lr1_el2(v);
		break;
	case 2:
		write_ich_lr2_el2(v);
		break;
	case 3:
		write_ich_lr3_el2(v);
		break;
	case 4:
		write_ich_lr4_el2(v);
		break;
	case 5:
		write_ich_lr5_el2(v);
		break;
	case 6:
		write_ich_lr6_el2(v);
		break;
	case 7:
		write_ich_lr7_el2(v);
		break;
	case 8:
		write_ich_lr8_el2(v);
		break;
	case 9:
		write_ich_lr9_el2(v);
		break;
	case 10:
		write_ich_lr10_el2(v);
		break;
	case 11:
		write_ich_lr11_el2(v);
		break;
	case 12:
		write_ich_lr12_el2(v);
		break;
	case 13:
		write_ich_lr13_el2(v);
		break;
	case 14:
		write_ich_lr14_el2(v);
		break;
	default:
		write_ich_lr15_el2(v);
		break;
	}
}

static void v3_read_lr(unsigned int i, struct vlr *lr)
{
	uint64_t v = lr_get(i);

	lr->intid = (uint32_t)FIELD_GET(ICH_LR_VINTID, v);
	lr->hw = (v & ICH_LR_HW) != 0;
	lr->pintid = lr->hw ? (uint32_t)FIELD_GET(ICH_LR_PINTID, v) : 0;
	lr->eoi_maint = !lr->hw && (v & ICH_LR_EOI);
	lr->prio = (uint8_t)FIELD_GET(ICH_LR_PRIO, v);
	lr->group1 = (v & ICH_LR_GROUP) != 0;
	lr->state = (uint8_t)FIELD_GET(ICH_LR_STATE, v);
	lr->source = 0;
}

static void v3_write_lr(unsigned int i, const struct vlr *lr)
{
	uint64_t v = FIELD_PREP(ICH_LR_VINTID, lr->intid) | FIELD_PREP(ICH_LR_PRIO, lr->prio) |
		     FIELD_PREP(ICH_LR_STATE, lr->state) | (lr->group1 ? ICH_LR_GROUP : 0);

	if (lr->hw)
		v |= ICH_LR_HW | FIELD_PREP(ICH_LR_PINTID, lr->pintid);
	else if (lr->eoi_maint)
		v |= ICH_LR_EOI;
	lr_set(i, v);
}

static void v3_set_underflow(bool on)
{
	uint64_t hcr = read_ich_hcr_el2();

	write_ich_hcr_el2(on ? hcr | ICH_HCR_UIE : hcr & ~ICH_HCR_UIE);
}

static void v3_vcpu_reset(void)
{
	for (unsigned int i = 0; i < v3_nr_lrs(); i++)
		lr_set(i, 0);
	write_ich_ap0r0_el2(0);
	write_ich_ap1r0_el2(0);
	write_ich_vmcr_el2(0);
	write_ich_hcr_el2(0);
	isb();
}

static void v3_vcpu_enable(void)
{
	write_ich_hcr_el2(ICH_HCR_EN);
	isb();
}

static void v3_set_pmr(uint8_t pmr)
{
	write_icc_pmr_el1(pmr);
	isb();
}

const struct gic_ops gicv3_ops = {
	.init_primary = v3_init_primary,
	.init_cpu = v3_init_cpu,
	.send_sgi = v3_send_sgi,
	.ack = v3_ack,
	.eoi = v3_eoi,
	.deactivate = v3_deactivate,
	.irq_enable = v3_irq_enable,
	.irq_set_pending = v3_irq_set_pending,
	.irq_is_pending = v3_irq_is_pending,
	.irq_is_active = v3_irq_is_active,
	.irq_deactivate = v3_irq_deactivate,
	.spi_set_edge = v3_spi_set_edge,
	.spi_route = v3_spi_route,
	.spi_route_cpus = v3_spi_route_cpus,
	.nr_lrs = v3_nr_lrs,
	.read_lr = v3_read_lr,
	.write_lr = v3_write_lr,
	.set_underflow = v3_set_underflow,
	.vcpu_reset = v3_vcpu_reset,
	.vcpu_enable = v3_vcpu_enable,
	.set_pmr = v3_set_pmr,
};
