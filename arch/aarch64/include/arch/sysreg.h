/* SPDX-License-Identifier: Apache-2.0 */
/* System-register accessors and the register fields Bulkhead uses. */
#pragma once

#include <bulkhead/bits.h>

#ifndef __ASSEMBLY__
#include <bulkhead/types.h>

/* One static inline read/write pair per register, generated. */
#define SYSREG_RW(name)                                                      \
	static inline __unused uint64_t read_##name(void)                    \
	{                                                                    \
		uint64_t v;                                                  \
		__asm__ volatile("mrs %0, " #name : "=r"(v));                \
		return v;                                                    \
	}                                                                    \
	static inline __unused void write_##name(uint64_t v)                 \
	{                                                                    \
		__asm__ volatile("msr " #name ", %0" : : "r"(v) : "memory"); \
	}
#define SYSREG_RO(name)                                       \
	static inline __unused uint64_t read_##name(void)     \
	{                                                     \
		uint64_t v;                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v)); \
		return v;                                     \
	}

#define SYSREG_WO(name)                                                      \
	static inline __unused void write_##name(uint64_t v)                 \
	{                                                                    \
		__asm__ volatile("msr " #name ", %0" : : "r"(v) : "memory"); \
	}

/* For registers older assemblers do not know by name: S<op0>_<op1>_C<n>_C<m>_<op2>. */
#define SYSREG_RW_NAMED(name, enc)                                         \
	static inline __unused uint64_t read_##name(void)                  \
	{                                                                  \
		uint64_t v;                                                \
		__asm__ volatile("mrs %0, " enc : "=r"(v));                \
		return v;                                                  \
	}                                                                  \
	static inline __unused void write_##name(uint64_t v)               \
	{                                                                  \
		__asm__ volatile("msr " enc ", %0" : : "r"(v) : "memory"); \
	}

#define SYSREG_RO_NAMED(name, enc)                          \
	static inline __unused uint64_t read_##name(void)   \
	{                                                   \
		uint64_t v;                                 \
		__asm__ volatile("mrs %0, " enc : "=r"(v)); \
		return v;                                   \
	}

SYSREG_RO(currentel)
SYSREG_RO(mpidr_el1)
SYSREG_RO(midr_el1)
SYSREG_RO(id_aa64mmfr0_el1)
SYSREG_RO(id_aa64pfr0_el1)
SYSREG_RO(cntpct_el0)
SYSREG_RO(cntfrq_el0)
SYSREG_RO(ctr_el0)
SYSREG_RW(sctlr_el2)
SYSREG_RW(tcr_el2)
SYSREG_RW(mair_el2)
SYSREG_RW(ttbr0_el2)
SYSREG_RW(vbar_el2)
SYSREG_RW(hcr_el2)
SYSREG_RW(tpidr_el2)
SYSREG_RW(esr_el2)
SYSREG_RW(far_el2)
SYSREG_RW(hpfar_el2)
SYSREG_RW(elr_el2)
SYSREG_RW(spsr_el2)
SYSREG_RW(cptr_el2)
SYSREG_RW(cnthctl_el2)
SYSREG_RW(cntvoff_el2)
SYSREG_RW(cnthp_ctl_el2)
SYSREG_RW(cnthp_cval_el2)
SYSREG_RW(vttbr_el2)
SYSREG_RW(vtcr_el2)
SYSREG_RW(vmpidr_el2)
SYSREG_RW(vpidr_el2)
SYSREG_RW(mdcr_el2)
SYSREG_RW(sctlr_el1)
SYSREG_RW(cpacr_el1)
SYSREG_RW(vbar_el1)
SYSREG_RW(tcr_el1)
SYSREG_RW(mair_el1)
SYSREG_RW(amair_el1)
SYSREG_RW(ttbr0_el1)
SYSREG_RW(ttbr1_el1)
SYSREG_RW(esr_el1)
SYSREG_RW(far_el1)
SYSREG_RW(elr_el1)
SYSREG_RW(spsr_el1)
SYSREG_RW(sp_el1)
SYSREG_RW(sp_el0)
SYSREG_RW(tpidr_el1)
SYSREG_RW(tpidr_el0)
SYSREG_RW(tpidrro_el0)
SYSREG_RW(contextidr_el1)
SYSREG_RW(par_el1)
SYSREG_RW(afsr0_el1)
SYSREG_RW(afsr1_el1)
SYSREG_RW(cntkctl_el1)
SYSREG_RW(cntv_ctl_el0)
SYSREG_RW(cntp_ctl_el0)
SYSREG_RO(id_aa64dfr0_el1)

/* Self-hosted debug: what a cell's debug exceptions run on (arch/aarch64/vdebug.c). */
SYSREG_RW(mdscr_el1)
SYSREG_RW(osdlr_el1)
SYSREG_WO(oslar_el1)
/* Breakpoint n (value, control) and watchpoint n (value, control). */
#define SYSREG_RW_DBG(n)           \
	SYSREG_RW(dbgbvr##n##_el1) \
	SYSREG_RW(dbgbcr##n##_el1) \
	SYSREG_RW(dbgwvr##n##_el1) \
	SYSREG_RW(dbgwcr##n##_el1)
SYSREG_RW_DBG(0)
SYSREG_RW_DBG(1)
SYSREG_RW_DBG(2)
SYSREG_RW_DBG(3)
SYSREG_RW_DBG(4)
SYSREG_RW_DBG(5)
SYSREG_RW_DBG(6)
SYSREG_RW_DBG(7)
SYSREG_RW_DBG(8)
SYSREG_RW_DBG(9)
SYSREG_RW_DBG(10)
SYSREG_RW_DBG(11)
SYSREG_RW_DBG(12)
SYSREG_RW_DBG(13)
SYSREG_RW_DBG(14)
SYSREG_RW_DBG(15)

/* PMUv3 (arch/aarch64/vpmu.c). Event counters and their types are reached
 * through PMSELR_EL0 and PMXEVCNTR_EL0 / PMXEVTYPER_EL0. */
SYSREG_RW(pmcr_el0)
SYSREG_RW(pmcntenset_el0)
SYSREG_RW(pmcntenclr_el0)
SYSREG_RW(pmovsclr_el0)
SYSREG_RW(pmovsset_el0)
SYSREG_RW(pmselr_el0)
SYSREG_RO(pmceid0_el0)
SYSREG_RO(pmceid1_el0)
SYSREG_RW(pmccntr_el0)
SYSREG_RW(pmxevtyper_el0)
SYSREG_RW(pmxevcntr_el0)
SYSREG_RW(pmuserenr_el0)
SYSREG_RW(pmintenset_el1)
SYSREG_RW(pmintenclr_el1)
SYSREG_RW(pmccfiltr_el0)
SYSREG_RO_NAMED(pmmir_el1, "s3_0_c9_c14_6") /* PMUv3p4 */

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}
static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}
static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}
static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}
static inline void wfe(void)
{
	__asm__ volatile("wfe" : : : "memory");
}
static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}
static inline void sev(void)
{
	__asm__ volatile("sev" : : : "memory");
}
#endif /* !__ASSEMBLY__ */

/* CurrentEL */
#define CURRENTEL_EL_SHIFT 2
#define CURRENTEL_EL_WIDTH 2

/* MPIDR_EL1: affinity fields only (Aff0-2 at 0/8/16, Aff3 at 32). */
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* CTR_EL0: log2 of the smallest data-cache line, in words */
#define CTR_EL0_DMINLINE_SHIFT 16
#define CTR_EL0_DMINLINE_WIDTH 4

/* ID_AA64PFR0_EL1 */
#define ID_AA64PFR0_EL3_SHIFT 12 /* EL3 implemented if non-zero */
#define ID_AA64PFR0_EL3_WIDTH 4

/* ID_AA64MMFR0_EL1 */
#define ID_AA64MMFR0_PARANGE_SHIFT 0
#define ID_AA64MMFR0_PARANGE_WIDTH 4

/* SCTLR_EL2 (HCR_EL2.E2H == 0 layout) */
#define SCTLR_EL2_M    BIT(0)
#define SCTLR_EL2_A    BIT(1)
#define SCTLR_EL2_C    BIT(2)
#define SCTLR_EL2_SA   BIT(3)
#define SCTLR_EL2_I    BIT(12)
#define SCTLR_EL2_WXN  BIT(19)
#define SCTLR_EL2_EE   BIT(25)
#define SCTLR_EL2_RES1 0x30c50830ULL

/* TCR_EL2 (E2H == 0) */
#define TCR_EL2_T0SZ_SHIFT  0
#define TCR_EL2_T0SZ_WIDTH  6
#define TCR_EL2_IRGN0_SHIFT 8
#define TCR_EL2_IRGN0_WIDTH 2
#define TCR_EL2_ORGN0_SHIFT 10
#define TCR_EL2_ORGN0_WIDTH 2
#define TCR_EL2_SH0_SHIFT   12
#define TCR_EL2_SH0_WIDTH   2
#define TCR_EL2_TG0_SHIFT   14
#define TCR_EL2_TG0_WIDTH   2
#define TCR_EL2_PS_SHIFT    16
#define TCR_EL2_PS_WIDTH    3
#define TCR_EL2_RES1	    (BIT(31) | BIT(23))
#define TCR_RGN_WBWA	    1
#define TCR_SH_INNER	    3
#define TCR_TG0_4K	    0

/* MAIR attribute encodings and the indices Bulkhead assigns them. */
#define MAIR_ATTR_DEVICE_NGNRE 0x04ULL
#define MAIR_ATTR_NORMAL_WB    0xffULL
#define MAIR_ATTR_NORMAL_NC    0x44ULL
#define MAIR_IDX_DEVICE	       0
#define MAIR_IDX_NORMAL	       1
#define MAIR_IDX_NORMAL_NC     2
#define MAIR_ATTR(idx, attr)   ((attr) << (8 * (idx)))

/* HCR_EL2 */
#define HCR_EL2_VM	  BIT(0) /* stage-2 translation */
#define HCR_EL2_SWIO	  BIT(1)
#define HCR_EL2_FMO	  BIT(3) /* physical FIQ to EL2 */
#define HCR_EL2_IMO	  BIT(4) /* physical IRQ to EL2 */
#define HCR_EL2_AMO	  BIT(5) /* SError to EL2 */
#define HCR_EL2_VSE	  BIT(8) /* virtual SError pending */
#define HCR_EL2_FB	  BIT(9) /* broadcast TLB/I-cache maintenance */
#define HCR_EL2_BSU_SHIFT 10
#define HCR_EL2_BSU_WIDTH 2
#define HCR_EL2_BSU_INNER 1
#define HCR_EL2_TWI	  BIT(13) /* trap WFI */
#define HCR_EL2_TSC	  BIT(19) /* trap SMC */
#define HCR_EL2_TIDCP	  BIT(20) /* trap IMPLEMENTATION DEFINED registers */
#define HCR_EL2_TACR	  BIT(21) /* trap ACTLR_EL1 */
#define HCR_EL2_TSW	  BIT(22) /* trap cache maintenance by set/way */
#define HCR_EL2_RW	  BIT(31)
#define HCR_EL2_TLOR	  BIT(35)
#define HCR_EL2_APK	  BIT(40)
#define HCR_EL2_API	  BIT(41)

/* MDCR_EL2 */
#define MDCR_EL2_HPMN_SHIFT 0
#define MDCR_EL2_HPMN_WIDTH 5
#define MDCR_EL2_TPM	    BIT(6)  /* trap PMU accesses from EL0/EL1 */
#define MDCR_EL2_TDE	    BIT(8)  /* route debug exceptions to EL2 */
#define MDCR_EL2_TDA	    BIT(9)  /* trap debug registers */
#define MDCR_EL2_TDOSA	    BIT(10) /* trap OS lock / power-down registers */
#define MDCR_EL2_TDRA	    BIT(11) /* trap the debug ROM address */
#define MDCR_EL2_TPMS	    BIT(14)
#define MDCR_EL2_HPMD	    BIT(17) /* PMUv3p1: no event counting at EL2 */
#define MDCR_EL2_TTRF	    BIT(19)
#define MDCR_EL2_HCCD	    BIT(23) /* PMUv3p5: no cycle counting at EL2 */

/* ID_AA64DFR0_EL1 */
#define ID_AA64DFR0_PMUVER_SHIFT 8
#define ID_AA64DFR0_PMUVER_WIDTH 4
#define ID_AA64DFR0_BRPS_SHIFT	 12 /* breakpoints - 1 */
#define ID_AA64DFR0_BRPS_WIDTH	 4
#define ID_AA64DFR0_WRPS_SHIFT	 20 /* watchpoints - 1 */
#define ID_AA64DFR0_WRPS_WIDTH	 4
#define PMUVER_NONE		 0x0
#define PMUVER_V3P1		 0x4
#define PMUVER_V3P4		 0x5
#define PMUVER_V3P5		 0x6
#define PMUVER_IMPDEF		 0xf /* a PMU that is not PMUv3 */

/* MDSCR_EL1 fields a guest owns; the others save and restore external
 * debug state (EDSCR) and are not the guest's. */
#define MDSCR_EL1_SS   BIT(0)
#define MDSCR_EL1_TDCC BIT(12)
#define MDSCR_EL1_KDE  BIT(13)
#define MDSCR_EL1_MDE  BIT(15)

/* DBGBCR<n>_EL1 and DBGWCR<n>_EL1: where a breakpoint/watchpoint matches */
#define DBGXCR_E	 BIT(0)
#define DBGXCR_PMC_SHIFT 1 /* PMC (breakpoints) / PAC (watchpoints): EL1, EL0 */
#define DBGXCR_PMC_WIDTH 2
#define DBGXCR_HMC	 BIT(13) /* match at EL2 */
#define DBGXCR_SSC_SHIFT 14	 /* security state control */
#define DBGXCR_SSC_WIDTH 2

/* OS lock: OSLAR_EL1.OSLK, OSLSR_EL1 (OSLM = 0b10: implemented, OSLK), OSDLR_EL1.DLK */
#define OSLAR_EL1_OSLK	 BIT(0)
#define OSLSR_EL1_OSLM_2 BIT(3)
#define OSLSR_EL1_OSLK	 BIT(1)
#define OSDLR_EL1_DLK	 BIT(0)

/* PMCR_EL0 */
#define PMCR_E			 BIT(0) /* counters enabled */
#define PMCR_P			 BIT(1) /* reset the event counters */
#define PMCR_C			 BIT(2) /* reset the cycle counter */
#define PMCR_N_SHIFT		 11
#define PMCR_N_WIDTH		 5
/* PMEVTYPER<n>_EL0, PMCCFILTR_EL0 (and PMXEVTYPER_EL0) */
#define PMEVTYPER_P		 BIT(31) /* do not count at EL1 ... */
#define PMEVTYPER_U		 BIT(30) /* ... at EL0 */
#define PMEVTYPER_NSK		 BIT(29) /* with EL3: Non-secure EL1 counts if NSK == P */
#define PMEVTYPER_NSU		 BIT(28) /* with EL3: Non-secure EL0 counts if NSU == U */
#define PMEVTYPER_NSH		 BIT(27) /* count at EL2 */
#define PMEVTYPER_EVTCOUNT_SHIFT 0
#define PMEVTYPER_EVTCOUNT_WIDTH 16
#define PMU_EVENT_SW_INCR	 0x0 /* counts writes to PMSWINC_EL0 */
#define PMU_CYCLE_COUNTER	 31  /* its index in PMSELR_EL0.SEL, PMCNTEN, PMOVS, PMINTEN */
#define PMSELR_SEL_SHIFT	 0
#define PMSELR_SEL_WIDTH	 5

/* CPTR_EL2 (E2H == 0) */
#define CPTR_EL2_RES1 0x32ffULL
#define CPTR_EL2_TTA  BIT(20)
#define CPTR_EL2_TAM  BIT(30)

/* CNTHP_CTL_EL2: the EL2 physical timer */
#define CNTHP_CTL_ENABLE BIT(0)
#define CNTHP_CTL_IMASK	 BIT(1)

/* CNTHCTL_EL2 (E2H == 0) */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN	 BIT(1)

/* VTCR_EL2 */
#define VTCR_T0SZ_SHIFT	 0
#define VTCR_T0SZ_WIDTH	 6
#define VTCR_SL0_SHIFT	 6
#define VTCR_SL0_WIDTH	 2
#define VTCR_SL0_LEVEL2	 2 /* 4 KiB granule: SL0 = 2 - start level */
#define VTCR_IRGN0_SHIFT 8
#define VTCR_IRGN0_WIDTH 2
#define VTCR_ORGN0_SHIFT 10
#define VTCR_ORGN0_WIDTH 2
#define VTCR_SH0_SHIFT	 12
#define VTCR_SH0_WIDTH	 2
#define VTCR_TG0_SHIFT	 14
#define VTCR_TG0_WIDTH	 2
#define VTCR_PS_SHIFT	 16
#define VTCR_PS_WIDTH	 3
#define VTCR_RES1	 BIT(31)
#define VTTBR_VMID_SHIFT 48
#define VTTBR_VMID_WIDTH 8

/* VMPIDR_EL2: bit 31 is RES1 in MPIDR */
#define MPIDR_RES1 BIT(31)

/* SCTLR_EL1 as the guest finds it: MMU and caches off, RES1 bits set */
#define SCTLR_EL1_RESET 0x30d00800ULL

/* SPSR_ELx */
#define SPSR_MODE_EL0T	  0x0
#define SPSR_MODE_EL1T	  0x4
#define SPSR_MODE_EL1H	  0x5
#define SPSR_MODE_AARCH32 BIT(4)
#define SPSR_DAIF_MASKED  (0xfULL << 6)
#define SPSR_I		  BIT(7)
#define SPSR_SS		  BIT(21) /* software step: the next instruction is stepped */
#define SPSR_M_SHIFT	  0
#define SPSR_M_WIDTH	  4
#define SPSR_DAIF_SHIFT	  6
#define SPSR_DAIF_WIDTH	  4
