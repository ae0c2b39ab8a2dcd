// SPDX-License-Identifier: Apache-2.0
/*
 * GICv3, group 1 only, or GICv2 (GICD + GICC MMIO) when the device tree's
 * interrupt controller says so (bm_plat.gic_version). Registers are reached
 * with 32/64-bit accesses only (no byte accesses), which any emulation of
 * the GIC must support.
 */
#include "internal.h"

#define GICD_CTLR	0x0000
#define GICD_CTLR_RWP	BIT(31)
#define GICD_CTLR_ARE	BIT(4) /* ARE (one security state) or ARE_NS */
#define GICD_CTLR_GRP1	BIT(1) /* EnableGrp1 (one state) or EnableGrp1A (NS view) */
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_SGIR	0x0f00 /* GICv2 */
#define GICD_IROUTER	0x6000

#define GICR_CTLR	    0x0000
#define GICR_TYPER	    0x0008
#define GICR_TYPER_VLPIS    BIT(1)
#define GICR_TYPER_LAST	    BIT(4)
#define GICR_WAKER	    0x0014
#define GICR_WAKER_PSLEEP   BIT(1)
#define GICR_WAKER_CASLEEP  BIT(2)
#define GICR_SGI_OFFSET	    0x10000
#define GICR_IGROUPR0	    (GICR_SGI_OFFSET + 0x0080)
#define GICR_ISENABLER0	    (GICR_SGI_OFFSET + 0x0100)
#define GICR_ICENABLER0	    (GICR_SGI_OFFSET + 0x0180)
#define GICR_ISPENDR0	    (GICR_SGI_OFFSET + 0x0200)
#define GICR_IPRIORITYR0    (GICR_SGI_OFFSET + 0x0400)
#define GICR_MAX_FRAMES	    64
#define GIC_POLL_TIMEOUT_US 100000

#define ICC_SRE_SRE BIT(0)

/* GICv2 CPU interface. Without security extensions (QEMU, a GICv2 vCPU
 * interface) CTLR bit 0 enables group 0, which is signalled as IRQ; with
 * them it is the non-secure EnableGrp1. Either way bit 0 is what we want. */
#define GICC_CTLR	 0x0000
#define GICC_CTLR_EN	 BIT(0)
#define GICC_PMR	 0x0004
#define GICC_BPR	 0x0008
#define GICC_IAR	 0x000c
#define GICC_EOIR	 0x0010
#define GICD_CTLR_EN	 BIT(0)
#define GICD_SGIR_OTHERS (1U << 24)
#define GICD_SGIR_SELF	 (2U << 24)
#define GICV2_INTID_MASK 0x3ff /* IAR bits 12:10 name an SGI's source CPU */
#define GICV3_INTID_MASK 0xffffff

static uintptr_t gicr[BM_MAX_VCPUS];
static bm_spinlock_t gic_lock = BM_SPINLOCK_INIT;

static struct {
	bm_irq_handler_t fn;
	void *arg;
	bool eoi_first;
} irq_table[BM_GIC_MAX_INTID];

static bool gic_v2(void)
{
	return bm_plat.gic_version == 2;
}

static uintptr_t gicd(void)
{
	return (uintptr_t)bm_plat.gicd_base;
}

static void wait_clear(uintptr_t reg, uint32_t bits, const char *what)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(GIC_POLL_TIMEOUT_US);

	while (bm_read32(reg) & bits)
		if (bm_cntvct() - start > limit)
			bm_fatal("GIC: %s did not settle (0x%x at 0x%lx)", what, bm_read32(reg),
				 (unsigned long)reg);
}

void bm_gic_init(void)
{
	uint32_t ctlr = bm_read32(gicd() + GICD_CTLR);

	if (gic_v2()) {
		/* Interrupts keep their reset group (see GICC_CTLR_EN). */
		bm_write32(gicd() + GICD_CTLR, ctlr | GICD_CTLR_EN);
		return;
	}
	if ((ctlr & (GICD_CTLR_ARE | GICD_CTLR_GRP1)) == (GICD_CTLR_ARE | GICD_CTLR_GRP1))
		return;
	/* ARE must be set while the groups are still disabled. */
	bm_write32(gicd() + GICD_CTLR, GICD_CTLR_ARE);
	wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "GICD_CTLR.RWP");
	bm_write32(gicd() + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "GICD_CTLR.RWP");
}

/* The redistributor whose GICR_TYPER affinity matches @mpidr. */
static uintptr_t find_redist(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff);
	uintptr_t rd = (uintptr_t)bm_plat.gicr_base;

	for (int i = 0; i < GICR_MAX_FRAMES; i++) {
		uint64_t typer = bm_read64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return 0;
}

uintptr_t bm_gic_redist(unsigned int vcpu)
{
	if (vcpu >= BM_MAX_VCPUS || gic_v2())
		return 0;
	if (!gicr[vcpu])
		gicr[vcpu] = find_redist(bm_vcpu_mpidr(vcpu));
	return gicr[vcpu];
}

static void gicv2_cpu_init(void)
{
	uintptr_t gicc = (uintptr_t)bm_plat.gicc_base;

	bm_write32(gicc + GICC_PMR, 0xff); /* let every priority through */
	bm_write32(gicc + GICC_BPR, 0);	   /* no preemption grouping */
	bm_write32(gicc + GICC_CTLR, GICC_CTLR_EN);
}

void bm_gic_cpu_init(void)
{
	unsigned int me = bm_vcpu_id();
	uintptr_t rd;

	if (gic_v2()) {
		gicv2_cpu_init();
		return;
	}
	rd = bm_gic_redist(me);
	if (!rd)
		bm_fatal("GIC: no redistributor for vcpu %u (mpidr 0x%lx)", me,
			 (unsigned long)bm_vcpu_mpidr(me));
	bm_write32(rd + GICR_WAKER, bm_read32(rd + GICR_WAKER) & ~(uint32_t)GICR_WAKER_PSLEEP);
	wait_clear(rd + GICR_WAKER, GICR_WAKER_CASLEEP, "GICR_WAKER.ChildrenAsleep");

	bm_write_sysreg(icc_sre_el1, bm_read_sysreg(icc_sre_el1) | ICC_SRE_SRE);
	bm_isb();
	if (!(bm_read_sysreg(icc_sre_el1) & ICC_SRE_SRE))
		bm_fatal("GIC: ICC_SRE_EL1.SRE stays 0: no system-register interface");
	bm_write_sysreg(icc_pmr_el1, 0xff); /* let every priority through */
	bm_write_sysreg(icc_bpr1_el1, 0);   /* no preemption grouping */
	bm_write_sysreg(icc_igrpen1_el1, 1);
	bm_isb();
}

/* Read-modify-write of the 8-bit field of @intid in a byte-array register. */
static void rmw_byte(uintptr_t base, uint32_t intid, uint8_t val)
{
	uintptr_t reg = base + (intid & ~3U);
	unsigned int shift = (intid & 3) * 8;
	uint32_t v = bm_read32(reg);

	v = (v & ~(0xffU << shift)) | ((uint32_t)val << shift);
	bm_write32(reg, v);
}

void bm_gic_enable_irq(uint32_t intid, uint8_t prio)
{
	uint32_t bit = 1U << (intid % 32);

	if (intid >= BM_GIC_MAX_INTID)
		bm_fatal("GIC: bad interrupt %u", intid);
	bm_spin_lock(&gic_lock);
	if (gic_v2()) {
		uintptr_t n = intid / 32 * 4;

		rmw_byte(gicd() + GICD_IPRIORITYR, intid, prio);
		/* Banked ITARGETSR0-7 read as this CPU's own target bit. */
		if (intid >= 32)
			rmw_byte(gicd() + GICD_ITARGETSR, intid,
				 (uint8_t)bm_read32(gicd() + GICD_ITARGETSR));
		bm_write32(gicd() + GICD_ISENABLER + n, bit);
	} else if (intid < 32) {
		uintptr_t rd = bm_gic_redist(bm_vcpu_id());

		bm_write32(rd + GICR_IGROUPR0, bm_read32(rd + GICR_IGROUPR0) | bit);
		rmw_byte(rd + GICR_IPRIORITYR0, intid, prio);
		bm_write32(rd + GICR_ISENABLER0, bit);
	} else {
		uintptr_t n = intid / 32 * 4;
		uint64_t mpidr = bm_read_sysreg(mpidr_el1);

		bm_write32(gicd() + GICD_IGROUPR + n, bm_read32(gicd() + GICD_IGROUPR + n) | bit);
		rmw_byte(gicd() + GICD_IPRIORITYR, intid, prio);
		/* Route to this vCPU: Aff3 at [39:32], Aff2-0 at [23:0]. */
		bm_write64(gicd() + GICD_IROUTER + 8 * (uintptr_t)intid, mpidr & MPIDR_AFF_MASK);
		bm_write32(gicd() + GICD_ISENABLER + n, bit);
	}
	bm_spin_unlock(&gic_lock);
}

void bm_gic_disable_irq(uint32_t intid)
{
	uint32_t bit = 1U << (intid % 32);

	if (gic_v2()) {
		/* No RWP in GICv2: the write takes effect at once. */
		if (intid < BM_GIC_MAX_INTID)
			bm_write32(gicd() + GICD_ICENABLER + intid / 32 * 4, bit);
	} else if (intid < 32) {
		uintptr_t rd = bm_gic_redist(bm_vcpu_id());

		bm_write32(rd + GICR_ICENABLER0, bit);
		wait_clear(rd + GICR_CTLR, BIT(3), "GICR_CTLR.RWP");
	} else if (intid < BM_GIC_MAX_INTID) {
		bm_write32(gicd() + GICD_ICENABLER + intid / 32 * 4, bit);
		wait_clear(gicd() + GICD_CTLR, GICD_CTLR_RWP, "GICD_CTLR.RWP");
	}
}

void bm_gic_set_pending(uint32_t intid)
{
	uint32_t bit = 1U << (intid % 32);

	if (intid >= BM_GIC_MAX_INTID)
		return;
	if (gic_v2() && intid < 16)
		/* GICv2 ignores ISPENDR0's SGI bits: send it to ourselves. */
		bm_write32(gicd() + GICD_SGIR, GICD_SGIR_SELF | intid);
	else if (gic_v2() || intid >= 32)
		bm_write32(gicd() + GICD_ISPENDR + intid / 32 * 4, bit);
	else
		bm_write32(bm_gic_redist(bm_vcpu_id()) + GICR_ISPENDR0, bit);
}

uint32_t bm_gic_ack(void)
{
	uint32_t iar = gic_v2() ? bm_read32((uintptr_t)bm_plat.gicc_base + GICC_IAR)
				: (uint32_t)bm_read_sysreg(icc_iar1_el1);

	/* Observe the acknowledge before touching what the handler protects. */
	__asm__ volatile("dsb sy" : : : "memory");
	return iar;
}

void bm_gic_eoi(uint32_t iar)
{
	if (gic_v2()) {
		bm_write32((uintptr_t)bm_plat.gicc_base + GICC_EOIR, iar);
		return;
	}
	bm_write_sysreg(icc_eoir1_el1, iar);
	bm_isb();
}

uint32_t bm_gic_intid(uint32_t iar)
{
	return iar & (gic_v2() ? GICV2_INTID_MASK : GICV3_INTID_MASK);
}

/* GICv2 names targets by CPU interface number; on QEMU virt and in
 * Bulkhead cells that is the vCPU index (MPIDR Aff0). */
static void gicv2_send_sgi(uint32_t intid, int vcpu)
{
	uint32_t v = intid & 0xf;

	if (vcpu < 0)
		v |= GICD_SGIR_OTHERS;
	else if ((unsigned int)vcpu == bm_vcpu_id())
		v |= GICD_SGIR_SELF;
	else
		v |= (1U << ((unsigned int)vcpu & 7)) << 16;
	bm_dsb_ish();
	bm_write32(gicd() + GICD_SGIR, v);
}

void bm_gic_send_sgi(uint32_t intid, int vcpu)
{
	uint64_t v = (uint64_t)(intid & 0xf) << 24;

	if (gic_v2()) {
		gicv2_send_sgi(intid, vcpu);
		return;
	}
	if (vcpu < 0) {
		v |= BIT(40); /* IRM: all but self */
	} else {
		uint64_t mpidr = bm_vcpu_mpidr((unsigned int)vcpu);
		uint64_t aff0 = mpidr & 0xff;

		v |= (mpidr >> 8 & 0xff) << 16;	 /* Aff1 */
		v |= (mpidr >> 16 & 0xff) << 32; /* Aff2 */
		v |= (mpidr >> 32 & 0xff) << 48; /* Aff3 */
		v |= (aff0 / 16) << 44;		 /* RS: which 16 Aff0 values */
		v |= 1ULL << (aff0 % 16);	 /* target list */
	}
	/* Make earlier stores visible to the target before it takes the SGI. */
	bm_dsb_ish();
	bm_write_sysreg(icc_sgi1r_el1, v);
	bm_isb();
}

void bm_irq_register(uint32_t intid, bm_irq_handler_t fn, void *arg)
{
	if (intid >= BM_GIC_MAX_INTID)
		bm_fatal("irq: bad interrupt %u", intid);
	irq_table[intid].arg = arg;
	irq_table[intid].eoi_first = false;
	WRITE_ONCE(irq_table[intid].fn, fn);
}

void bm_irq_register_eoi_first(uint32_t intid, bm_irq_handler_t fn, void *arg)
{
	bm_irq_register(intid, fn, arg);
	irq_table[intid].eoi_first = true;
}

void bm_irq_dispatch(void)
{
	for (;;) {
		uint32_t iar = bm_gic_ack();
		uint32_t intid = bm_gic_intid(iar);
		bm_irq_handler_t fn;

		if (intid >= BM_GIC_MAX_INTID)
			return; /* 1023: nothing (more) pending */
		fn = READ_ONCE(irq_table[intid].fn);
		if (fn && irq_table[intid].eoi_first) {
			bm_gic_eoi(iar);
			fn(intid, irq_table[intid].arg);
			continue;
		}
		if (fn)
			fn(intid, irq_table[intid].arg);
		else
			bh_printf("bm: vcpu %u: unhandled interrupt %u\n", bm_vcpu_id(), intid);
		bm_gic_eoi(iar);
	}
}
