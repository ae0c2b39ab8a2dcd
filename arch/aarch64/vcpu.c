// SPDX-License-Identifier: Apache-2.0
/*
 * Running guests: which traps are on (docs/traps.md says why), stage-2
 * control, vCPU reset to the Linux boot state, and exception injection.
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/pgtable.h>
#include <bulkhead/printf.h>
#include <bulkhead/string.h>

#include <arch/esr.h>
#include <arch/gic.h>
#include <arch/layout.h>
#include <arch/regs.h>
#include <arch/sysreg.h>
#include <arch/vsysreg.h>

#include <config.h>

extern char _image_end[];
__noreturn void guest_resume(struct arch_regs *regs);

/* Everything a guest needs trapped, and nothing more (see docs/traps.md). */
#define HCR_GUEST                                                                                  \
	(HCR_EL2_VM | HCR_EL2_IMO | HCR_EL2_FMO | HCR_EL2_AMO | HCR_EL2_FB |                       \
	 FIELD_PREP(HCR_EL2_BSU, HCR_EL2_BSU_INNER) | HCR_EL2_TSC | HCR_EL2_TIDCP | HCR_EL2_TACR | \
	 HCR_EL2_TSW | HCR_EL2_RW | HCR_EL2_TLOR | HCR_EL2_APK | HCR_EL2_API)

/* ID_AA64MMFR0_EL1.PARange and VTCR_EL2.PS share this encoding. */
static const unsigned int pa_size_bits[] = {32, 36, 40, 42, 44, 48};

unsigned int arch_ipa_bits(void)
{
	uint64_t pa = FIELD_GET(ID_AA64MMFR0_PARANGE, read_id_aa64mmfr0_el1());

	/* 52-bit PAs need 64 KiB pages or FEAT_LPA2: 48 is the 4 KiB limit. */
	return pa < ARRAY_SIZE(pa_size_bits) ? pa_size_bits[pa] : 48;
}

/* Stage 2 covers the IPA size the board states (bhcfg checked every cell
 * against it), if the CPU can translate that much; cells_init() refuses to
 * start cells when it cannot. */
static unsigned int stage2_ipa_bits(void)
{
	return MIN(bh_board.pa_bits, arch_ipa_bits());
}

static uint64_t pa_size_field(unsigned int bits)
{
	uint64_t f = 0;

	while (f + 1 < ARRAY_SIZE(pa_size_bits) && pa_size_bits[f] < bits)
		f++;
	return f;
}

void arch_hyp_heap(uintptr_t *base, size_t *size)
{
	uintptr_t start = ALIGN_UP((uintptr_t)_image_end, PAGE_SIZE);

	*base = start;
	*size = (size_t)(bh_board.hyp_mem.base + bh_board.hyp_mem.size - start);
}

static uintptr_t dcache_line(void)
{
	return 4UL << FIELD_GET(CTR_EL0_DMINLINE, read_ctr_el0());
}

void arch_clean_dcache_range(const void *p, size_t len)
{
	uintptr_t line = dcache_line();

	for (uintptr_t a = ALIGN_DOWN((uintptr_t)p, line); a < (uintptr_t)p + len; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb_sy();
}

void arch_clean_inval_dcache_range(const void *p, size_t len)
{
	uintptr_t line = dcache_line();

	for (uintptr_t a = ALIGN_DOWN((uintptr_t)p, line); a < (uintptr_t)p + len; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb_sy();
}

void arch_icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}

void arch_virt_init_primary(void)
{
	arch_gic_init_primary();
}

void arch_virt_init_cpu(void)
{
	unsigned int ipa = stage2_ipa_bits();
	unsigned int start_level = 0, tables;
	uint64_t mdcr;

	/* The same geometry pt_init() gives every cell's stage-2 table: the
	 * start level (SL0 counts down from level 2) and, implied by T0SZ, how
	 * many tables are concatenated there. */
	(void)pt_geometry(ARCH_PT_STAGE2, ipa, &start_level, &tables);
	write_vtcr_el2(VTCR_RES1 | FIELD_PREP(VTCR_T0SZ, 64 - ipa) |
		       FIELD_PREP(VTCR_SL0, VTCR_SL0_LEVEL2 - start_level) |
		       FIELD_PREP(VTCR_IRGN0, TCR_RGN_WBWA) | FIELD_PREP(VTCR_ORGN0, TCR_RGN_WBWA) |
		       FIELD_PREP(VTCR_SH0, TCR_SH_INNER) | FIELD_PREP(VTCR_TG0, TCR_TG0_4K) |
		       FIELD_PREP(VTCR_PS, pa_size_field(ipa)));
	/* Debug registers trapped and emulated (the guest's self-hosted debug,
	 * vdebug.c), debug exceptions to EL1 (TDE clear); trace and SPE
	 * trapped; the PMU stays the guest's own, but never counts at EL2
	 * (vpmu.c: trapped unless the CPU has HPMD and HCCD). */
	mdcr = MDCR_EL2_TDA | MDCR_EL2_TDOSA | MDCR_EL2_TDRA | MDCR_EL2_TPMS | MDCR_EL2_TTRF;
	mdcr |= vpmu_init_cpu();
	write_mdcr_el2(mdcr);
	vdebug_init_cpu();
	write_cptr_el2(CPTR_EL2_RES1 | CPTR_EL2_TTA | CPTR_EL2_TAM);
	write_cnthctl_el2(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_cntvoff_el2(0);
	write_hcr_el2(HCR_EL2_RW);
	isb();
	arch_gic_init_cpu();
}

void arch_vcpu_load(struct vcpu *v)
{
	write_vttbr_el2(FIELD_PREP(VTTBR_VMID, v->cell->cfg->vmid) |
			(uint64_t)(uintptr_t)v->cell->s2.root);
	write_vmpidr_el2(MPIDR_RES1 | v->index);
	write_vpidr_el2(read_midr_el1());
	write_hcr_el2(HCR_GUEST);
	isb();
	/* A restarted cell reuses its VMID: drop what its last run cached. */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" : : : "memory");
}

void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.x[0] = x0;
	v->regs.elr = entry;
	v->regs.spsr = SPSR_DAIF_MASKED | SPSR_MODE_EL1H;
	/* Linux arm64 boot state: EL1 MMU and caches off; nothing left over from
	 * an earlier run of the cell. */
	write_sctlr_el1(SCTLR_EL1_RESET);
	write_cpacr_el1(0);
	write_vbar_el1(0);
	write_tcr_el1(0);
	write_mair_el1(0);
	write_amair_el1(0);
	write_ttbr0_el1(0);
	write_ttbr1_el1(0);
	write_esr_el1(0);
	write_far_el1(0);
	write_elr_el1(0);
	write_spsr_el1(0);
	write_sp_el1(0);
	write_sp_el0(0);
	write_tpidr_el1(0);
	write_tpidr_el0(0);
	write_tpidrro_el0(0);
	write_contextidr_el1(0);
	write_par_el1(0);
	write_afsr0_el1(0);
	write_afsr1_el1(0);
	write_cntkctl_el1(0);
	write_cntv_ctl_el0(0);
	write_cntp_ctl_el0(0);
	/* Debug and PMU as at reset: nothing armed or counting survives. */
	vdebug_reset(v);
	vpmu_reset(v);
	isb();
}

__noreturn void arch_vcpu_resume(struct vcpu *v)
{
	guest_resume(&v->regs);
}

/* Vector offset in the guest's VBAR_EL1 for an exception taken to EL1. */
static uint64_t guest_vector(uint64_t spsr)
{
	if (spsr & SPSR_MODE_AARCH32)
		return 0x600;
	switch (FIELD_GET(SPSR_M, spsr)) {
	case SPSR_MODE_EL1T:
		return 0x000;
	case SPSR_MODE_EL1H:
		return 0x200;
	default:
		return 0x400; /* from EL0 */
	}
}

static bool from_el1(uint64_t spsr)
{
	return !(spsr & SPSR_MODE_AARCH32) && FIELD_GET(SPSR_M, spsr) != SPSR_MODE_EL0T;
}

static void inject_sync(struct vcpu *v, uint64_t esr)
{
	write_esr_el1(esr);
	write_elr_el1(v->regs.elr);
	write_spsr_el1(v->regs.spsr);
	v->regs.elr = read_vbar_el1() + guest_vector(v->regs.spsr);
	v->regs.spsr = SPSR_DAIF_MASKED | SPSR_MODE_EL1H;
}

void arch_inject_abort(struct vcpu *v, bool instr)
{
	bool el1 = from_el1(v->regs.spsr);
	unsigned int ec =
		instr ? (el1 ? EC_IABT_CUR : EC_IABT_LOWER) : (el1 ? EC_DABT_CUR : EC_DABT_LOWER);
	uint64_t esr = FIELD_PREP(ESR_EC, ec) | ESR_IL | ESR_FSC_SYNC_EXT_ABORT;

	if (!instr)
		esr |= v->exit.esr & ESR_DABT_WNR;
	write_far_el1(v->exit.far);
	inject_sync(v, esr);
}

void arch_inject_undef(struct vcpu *v)
{
	inject_sync(v, FIELD_PREP(ESR_EC, EC_UNKNOWN) | ESR_IL);
}

void arch_inject_serror(struct vcpu *v)
{
	write_hcr_el2(read_hcr_el2() | HCR_EL2_VSE);
}

bool arch_vcpu_irqs_masked(const struct vcpu *v)
{
	return (v->regs.spsr & SPSR_I) != 0;
}

void arch_vcpu_trap_wfi(bool on)
{
	uint64_t hcr = read_hcr_el2();

	write_hcr_el2(on ? hcr | HCR_EL2_TWI : hcr & ~HCR_EL2_TWI);
}

/* CNTHP, the EL2 physical timer: the console CPU's poll, and on a guest's
 * CPU the resample of interrupts the vGIC holds. */
void arch_hyp_timer_arm(uint64_t us)
{
	write_cnthp_cval_el2(arch_counter() + us * arch_counter_freq() / 1000000);
	write_cnthp_ctl_el2(CNTHP_CTL_ENABLE);
}

void arch_hyp_timer_stop(void)
{
	write_cnthp_ctl_el2(0);
}

void arch_kick_cpu(unsigned int cpu)
{
	arch_send_ipi(cpu);
}

const char *arch_exception_class_name(unsigned int ec)
{
	return esr_class_name(ec);
}

const char *arch_exit_class_name(const struct vcpu *v)
{
	return esr_class_name((unsigned int)FIELD_GET(ESR_EC, v->exit.esr));
}

void arch_dump_vcpu(const struct vcpu *v)
{
	unsigned int ec = (unsigned int)FIELD_GET(ESR_EC, v->exit.esr);

	bh_printf("  ESR_EL2  %016llx  EC %#04x (%s) ISS %#07llx\n",
		  (unsigned long long)v->exit.esr, ec, esr_class_name(ec),
		  (unsigned long long)FIELD_GET(ESR_ISS, v->exit.esr));
	bh_printf("  FAR_EL2  %016llx  HPFAR_EL2 %016llx (IPA %#llx)\n",
		  (unsigned long long)v->exit.far, (unsigned long long)v->exit.hpfar,
		  (unsigned long long)(((v->exit.hpfar & HPFAR_FIPA_MASK)
					<< HPFAR_FIPA_TO_IPA_SHIFT) |
				       (v->exit.far & 0xfff)));
	bh_printf("  ELR      %016llx  SPSR     %016llx\n", (unsigned long long)v->regs.elr,
		  (unsigned long long)v->regs.spsr);
	bh_printf("  SP_EL1   %016llx  SP_EL0   %016llx\n", (unsigned long long)read_sp_el1(),
		  (unsigned long long)read_sp_el0());
	arch_dump_regs(&v->regs, false); /* the guest's SPs are above */
}
