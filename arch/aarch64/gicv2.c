// SPDX-License-Identifier: Apache-2.0
/*
 * GICv2 with the virtualization extensions: memory-mapped distributor and
 * CPU interface (EOImode 1), GICH list registers; the guest's GICC is the
 * GICV frame mapped into its stage 2. Private interrupts are banked per
 * CPU, so they can only be programmed from the CPU they belong to.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/gic_regs.h>
#include <bulkhead/vgic.h>

#include <arch/gic.h>
#include <arch/sysreg.h>

#define MMIO32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define MMIO8(a)  (*(volatile uint8_t *)(uintptr_t)(a))

#define GICC_CTLR	    0x000
#define GICC_CTLR_ENABLE    0x3
#define GICC_CTLR_EOIMODE   BIT(9)
#define GICC_PMR	    0x004
#define GICC_IAR	    0x00c
#define GICC_EOIR	    0x010
#define GICC_DIR	    0x1000
#define GICH_HCR	    0x000
#define GICH_HCR_EN	    BIT(0)
#define GICH_HCR_UIE	    BIT(1)
#define GICH_VTR	    0x004
#define GICH_VMCR	    0x008
#define GICH_APR	    0x0f0
#define GICH_LR0	    0x100
#define GICH_LR_VID_SHIFT   0
#define GICH_LR_VID_WIDTH   10
#define GICH_LR_PID_SHIFT   10
#define GICH_LR_PID_WIDTH   10
#define GICH_LR_CPUID_SHIFT 10
#define GICH_LR_CPUID_WIDTH 3
#define GICH_LR_EOI	    BIT(19)
#define GICH_LR_PRIO_SHIFT  23 /* upper 5 bits of the 8-bit priority */
#define GICH_LR_PRIO_WIDTH  5
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_STATE_WIDTH 2
#define GICH_LR_GRP1	    BIT(30)
#define GICH_LR_HW	    BIT(31)

static uint8_t cpu_mask[BH_MAX_CPUS]; /* GIC CPU-interface bit of each CPU */

static uintptr_t gicd(void)
{
	return (uintptr_t)bh_board.gic.dist.base;
}
static uintptr_t gicc(void)
{
	return (uintptr_t)bh_board.gic.cpu.base;
}
static uintptr_t gich(void)
{
	return (uintptr_t)bh_board.gic.hyp.base;
}

/* Banked private interrupts exist only for the CPU running this code. */
static bool reachable(unsigned int intid, unsigned int cpu)
{
	return intid >= 32 || cpu == arch_cpu_id();
}

static void v2_init_primary(void)
{
	unsigned int lines = 32 * ((MMIO32(gicd() + GICD_TYPER) & 0x1f) + 1);

	MMIO32(gicd() + GICD_CTLR) = 0;
	for (unsigned int i = 32; i < lines && i < 1020; i += 32)
		MMIO32(gicd() + GICD_ICENABLER + i / 8) = ~0U;
	MMIO32(gicd() + GICD_CTLR) = GICD_CTLR_ENABLE;
}

static void v2_init_cpu(unsigned int cpu)
{
	/* ITARGETSR0 reads back this CPU's own interface bit. */
	cpu_mask[cpu] = MMIO8(gicd() + GICD_ITARGETSR);
	MMIO32(gicd() + GICD_ICENABLER) = ~0U;
	MMIO8(gicd() + GICD_IPRIORITYR + HYP_IPI_KICK) = GIC_PRIO_KICK;
	MMIO32(gicd() + GICD_ISENABLER) = 1U << HYP_IPI_KICK;
	MMIO8(gicd() + GICD_IPRIORITYR + bh_board.gic.maint_ppi) = GIC_PRIO_KICK;
	MMIO32(gicd() + GICD_ISENABLER) = 1U << bh_board.gic.maint_ppi;
	MMIO8(gicd() + GICD_IPRIORITYR + bh_board.timer_ppi_hyp) = GIC_PRIO_KICK;
	MMIO32(gicd() + GICD_ISENABLER) = 1U << bh_board.timer_ppi_hyp;
	MMIO32(gicc() + GICC_PMR) = GIC_PRIO_IDLE;
	MMIO32(gicc() + GICC_CTLR) = GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE;
	MMIO32(gich() + GICH_HCR) = 0;
}

static void v2_send_sgi(unsigned int cpu, unsigned int sgi)
{
	dsb_ish();
	MMIO32(gicd() + GICD_SGIR) = (uint32_t)FIELD_PREP(GICD_SGIR_TARGETS, cpu_mask[cpu]) | sgi;
}

/* The raw IAR value: an SGI's source CPU rides along and must come back
 * with its EOI. */
static unsigned int v2_ack(void)
{
	return MMIO32(gicc() + GICC_IAR) & 0x1fff;
}
static void v2_eoi(unsigned int iar)
{
	MMIO32(gicc() + GICC_EOIR) = iar;
}
static void v2_deactivate(unsigned int iar)
{
	MMIO32(gicc() + GICC_DIR) = iar;
}

static void v2_irq_enable(unsigned int intid, unsigned int cpu, bool on)
{
	uint32_t mask = 1U << (intid % 32);

	if (!reachable(intid, cpu))
		return;
	if (on) {
		MMIO8(gicd() + GICD_IPRIORITYR + intid) = GIC_PRIO_GUEST;
		MMIO32(gicd() + GICD_ISENABLER + (intid / 32) * 4) = mask;
	} else {
		MMIO32(gicd() + GICD_ICENABLER + (intid / 32) * 4) = mask;
	}
}

static void v2_irq_set_pending(unsigned int intid, unsigned int cpu, bool pending)
{
	if (reachable(intid, cpu))
		MMIO32(gicd() + (pending ? GICD_ISPENDR : GICD_ICPENDR) + (intid / 32) * 4) =
			1U << (intid % 32);
}

static bool v2_test(unsigned int reg, unsigned int intid, unsigned int cpu)
{
	return reachable(intid, cpu) &&
	       (MMIO32(gicd() + reg + (intid / 32) * 4) >> (intid % 32)) & 1;
}

static bool v2_irq_is_pending(unsigned int intid, unsigned int cpu)
{
	return v2_test(GICD_ISPENDR, intid, cpu);
}

static bool v2_irq_is_active(unsigned int intid, unsigned int cpu)
{
	return v2_test(GICD_ISACTIVER, intid, cpu);
}

static void v2_irq_deactivate(unsigned int intid, unsigned int cpu)
{
	if (reachable(intid, cpu))
		MMIO32(gicd() + GICD_ICACTIVER + (intid / 32) * 4) = 1U << (intid % 32);
}

static void v2_spi_set_edge(unsigned int intid, bool edge)
{
	uintptr_t reg = gicd() + GICD_ICFGR + (intid / 16) * 4;
	uint32_t bitmask = 2U << (2 * (intid % 16));

	MMIO32(reg) = edge ? MMIO32(reg) | bitmask : MMIO32(reg) & ~bitmask;
}

static void v2_spi_route(unsigned int intid, unsigned int cpu)
{
	MMIO8(gicd() + GICD_ITARGETSR + intid) = cpu_mask[cpu];
}

/* 1-of-N, decided here: the lowest CPU of the set, or none. Offering the
 * interrupt to several CPUs gains nothing, since EL2 acknowledges it at once
 * on whichever CPU it reaches, guest masked or not; and QEMU's GICv2 model
 * lets each of them acknowledge the same level SPI, so a guest would take
 * it twice. */
static void v2_spi_route_cpus(unsigned int intid, uint32_t cpus)
{
	MMIO8(gicd() + GICD_ITARGETSR + intid) = cpus ? cpu_mask[__builtin_ctz(cpus)] : (uint8_t)0;
}

static unsigned int v2_nr_lrs(void)
{
	return (MMIO32(gich() + GICH_VTR) & 0x3f) + 1;
}

static void v2_read_lr(unsigned int i, struct vlr *lr)
{
	uint32_t v = MMIO32(gich() + GICH_LR0 + 4 * i);

	lr->intid = (uint32_t)FIELD_GET(GICH_LR_VID, v);
	lr->hw = (v & GICH_LR_HW) != 0;
	lr->pintid = lr->hw ? (uint32_t)FIELD_GET(GICH_LR_PID, v) : 0;
	lr->source = lr->hw ? 0 : (uint8_t)FIELD_GET(GICH_LR_CPUID, v);
	lr->eoi_maint = !lr->hw && (v & GICH_LR_EOI);
	lr->prio = (uint8_t)(FIELD_GET(GICH_LR_PRIO, v) << 3);
	lr->group1 = (v & GICH_LR_GRP1) != 0;
	lr->state = (uint8_t)FIELD_GET(GICH_LR_STATE, v);
}

static void v2_write_lr(unsigned int i, const struct vlr *lr)
{
	uint32_t v =
		(uint32_t)(FIELD_PREP(GICH_LR_VID, lr->intid) |
			   FIELD_PREP(GICH_LR_PRIO, lr->prio >> 3) |
			   FIELD_PREP(GICH_LR_STATE, lr->state) | (lr->group1 ? GICH_LR_GRP1 : 0));

	if (lr->hw)
		v |= (uint32_t)(GICH_LR_HW | FIELD_PREP(GICH_LR_PID, lr->pintid));
	else
		v |= (uint32_t)(FIELD_PREP(GICH_LR_CPUID, lr->intid < 16 ? lr->source : 0) |
				(lr->eoi_maint ? GICH_LR_EOI : 0));
	MMIO32(gich() + GICH_LR0 + 4 * i) = v;
}

static void v2_set_underflow(bool on)
{
	uint32_t hcr = MMIO32(gich() + GICH_HCR);

	MMIO32(gich() + GICH_HCR) =
		on ? hcr | (uint32_t)GICH_HCR_UIE : hcr & ~(uint32_t)GICH_HCR_UIE;
}

static void v2_vcpu_reset(void)
{
	for (unsigned int i = 0; i < v2_nr_lrs(); i++)
		MMIO32(gich() + GICH_LR0 + 4 * i) = 0;
	MMIO32(gich() + GICH_APR) = 0;
	MMIO32(gich() + GICH_VMCR) = 0;
	MMIO32(gich() + GICH_HCR) = 0;
}

static void v2_vcpu_enable(void)
{
	MMIO32(gich() + GICH_HCR) = GICH_HCR_EN;
}

static void v2_set_pmr(uint8_t pmr)
{
	MMIO32(gicc() + GICC_PMR) = pmr;
}

const struct gic_ops gicv2_ops = {
	.init_primary = v2_init_primary,
	.init_cpu = v2_init_cpu,
	.send_sgi = v2_send_sgi,
	.ack = v2_ack,
	.eoi = v2_eoi,
	.deactivate = v2_deactivate,
	.irq_enable = v2_irq_enable,
	.irq_set_pending = v2_irq_set_pending,
	.irq_is_pending = v2_irq_is_pending,
	.irq_is_active = v2_irq_is_active,
	.irq_deactivate = v2_irq_deactivate,
	.spi_set_edge = v2_spi_set_edge,
	.spi_route = v2_spi_route,
	.spi_route_cpus = v2_spi_route_cpus,
	.nr_lrs = v2_nr_lrs,
	.read_lr = v2_read_lr,
	.write_lr = v2_write_lr,
	.set_underflow = v2_set_underflow,
	.vcpu_reset = v2_vcpu_reset,
	.vcpu_enable = v2_vcpu_enable,
	.set_pmr = v2_set_pmr,
};
