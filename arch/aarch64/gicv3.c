// SPDX-License-Identifier: Apache-2.0
/*
 * GICv3 physical interface for the hypervisor itself: distributor and
 * redistributor bring-up and the SGI Bulkhead uses to pull a CPU out of
 * its guest. Guest interrupts are the virtual GIC's business.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#include <arch/gic.h>
#include <arch/sysreg.h>

#define MMIO32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define MMIO64(a) (*(volatile uint64_t *)(uintptr_t)(a))
#define GIC_TIMEOUT 1000000

SYSREG_RW_NAMED(icc_sre_el2, "S3_4_C12_C9_5")
SYSREG_RW_NAMED(icc_pmr_el1, "S3_0_C4_C6_0")
SYSREG_RW_NAMED(icc_igrpen1_el1, "S3_0_C12_C12_7")
SYSREG_RW_NAMED(icc_sgi1r_el1, "S3_0_C12_C11_5")
SYSREG_RW_NAMED(icc_iar1_el1, "S3_0_C12_C12_0")
SYSREG_RW_NAMED(icc_eoir1_el1, "S3_0_C12_C12_1")

static uintptr_t rd_base[BH_MAX_CPUS];

void arch_gic_init_primary(void)
{
	uintptr_t d = (uintptr_t)bh_board.gic.dist.base;

	MMIO32(d + GICD_CTLR) = GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS;
	for (int i = 0; i < GIC_TIMEOUT && (MMIO32(d + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
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

void arch_gic_init_cpu(void)
{
	unsigned int cpu = arch_cpu_id();
	uintptr_t rd = find_redistributor(bh_board.cpu_mpidr[cpu]);
	uintptr_t sgi;

	rd_base[cpu] = rd;
	if (!rd)
		return; /* reported by the caller through missing IPIs; never fatal */
	sgi = rd + GICR_SGI_OFFSET;
	MMIO32(rd + GICR_WAKER) &= ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP;
	for (int i = 0; i < GIC_TIMEOUT && (MMIO32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP);
	     i++)
		;
	MMIO32(sgi + GICR_IGROUPR0) |= 1U << HYP_IPI_KICK;
	*(volatile uint8_t *)(sgi + GICR_IPRIORITYR + HYP_IPI_KICK) = 0x80;
	MMIO32(sgi + GICR_ISENABLER0) = 1U << HYP_IPI_KICK;

	/* System-register interface at EL2, and let EL1 use it too. */
	write_icc_sre_el2(ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_icc_pmr_el1(0xff);
	write_icc_igrpen1_el1(1);
	isb();
}

void arch_send_ipi(unsigned int cpu)
{
	uint64_t mpidr = bh_board.cpu_mpidr[cpu];
	uint64_t v = FIELD_PREP(ICC_SGI1R_TARGETS, 1U << (mpidr & 0xf)) |
		     FIELD_PREP(ICC_SGI1R_AFF1, (mpidr >> 8) & 0xff) |
		     FIELD_PREP(ICC_SGI1R_INTID, HYP_IPI_KICK) |
		     FIELD_PREP(ICC_SGI1R_AFF2, (mpidr >> 16) & 0xff) |
		     FIELD_PREP(ICC_SGI1R_AFF3, (mpidr >> 32) & 0xff);

	dsb_ish();
	write_icc_sgi1r_el1(v);
	isb();
}

unsigned int arch_gic_ack(void)
{
	return (unsigned int)(read_icc_iar1_el1() & 0xffffff);
}

void arch_gic_eoi(unsigned int intid)
{
	write_icc_eoir1_el1(intid);
	isb();
}
