/* SPDX-License-Identifier: Apache-2.0 */
/* EL1 system-register access and the register fields the runtime uses. */
#pragma once

#include <bulkhead/bits.h>

#ifndef __ASSEMBLY__
#include <bulkhead/types.h>

#define bm_read_sysreg(reg)                                    \
	({                                                     \
		uint64_t __v;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__v)); \
		__v;                                           \
	})
#define bm_write_sysreg(reg, v) \
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void bm_isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}
static inline void bm_dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}
static inline void bm_dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}
static inline void bm_wfe(void)
{
	__asm__ volatile("wfe" : : : "memory");
}
static inline void bm_wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}
static inline void bm_sev(void)
{
	__asm__ volatile("sev" : : : "memory");
}
static inline void bm_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}
static inline unsigned int bm_current_el(void)
{
	return (unsigned int)((bm_read_sysreg(CurrentEL) >> 2) & 3);
}
#endif /* !__ASSEMBLY__ */

/* MPIDR_EL1: affinity fields (Aff0-2 at 0/8/16, Aff3 at 32). */
#define MPIDR_AFF_MASK 0xff00ffffffULL
#define MPIDR_AFF0(m)  ((m)&0xff)

/* SCTLR_EL1 */
#define SCTLR_EL1_M    BIT(0)
#define SCTLR_EL1_C    BIT(2)
#define SCTLR_EL1_SA   BIT(3)
#define SCTLR_EL1_SA0  BIT(4)
#define SCTLR_EL1_I    BIT(12)
#define SCTLR_EL1_RES1 0x30d00800 /* ARMv8.0 RES1 bits: MMU/caches off, little-endian */
#define SCTLR_EL1_MMUON \
	(SCTLR_EL1_RES1 | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_SA | SCTLR_EL1_SA0 | SCTLR_EL1_I)

/*
 * TCR_EL1: 4 KiB granule, 39-bit VA (the walk starts at level 1 with 512
 * entries), 40-bit output (a larger IPS than the CPU has means the CPU's
 * own size, so this works on every implementation; the map reaches 512 GiB
 * only), walks inner-shareable write-back, no TTBR1 walks.
 */
#define TCR_EL1_T0SZ  25
#define TCR_EL1_IRGN0 (1 << 8)
#define TCR_EL1_ORGN0 (1 << 10)
#define TCR_EL1_SH0   (3 << 12)
#define TCR_EL1_EPD1  (1 << 23)
#define TCR_EL1_IPS40 (_ULL(2) << 32)
#define TCR_EL1_VALUE \
	(TCR_EL1_T0SZ | TCR_EL1_IRGN0 | TCR_EL1_ORGN0 | TCR_EL1_SH0 | TCR_EL1_EPD1 | TCR_EL1_IPS40)

/* MAIR_EL1: index 0 Device-nGnRE, index 1 Normal write-back. */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_EL1_VALUE	(0x04 | (0xff << 8))

/* ESR_ELx */
#define ESR_EC_SHIFT	    26
#define ESR_EC_WIDTH	    6
#define ESR_ISS_DFSC_MASK   0x3f
#define ESR_ISS_WNR	    BIT(6)
#define ESR_ISS_FNV	    BIT(10)
#define ESR_EC_UNKNOWN	    0x00
#define ESR_EC_SVC64	    0x15
#define ESR_EC_HVC64	    0x16
#define ESR_EC_SMC64	    0x17
#define ESR_EC_SYSREG	    0x18
#define ESR_EC_IABT_LOW	    0x20
#define ESR_EC_IABT_CUR	    0x21
#define ESR_EC_PC_ALIGN	    0x22
#define ESR_EC_DABT_LOW	    0x24
#define ESR_EC_DABT_CUR	    0x25
#define ESR_EC_SP_ALIGN	    0x26
#define ESR_EC_SERROR	    0x2f
#define ESR_EC_BKPT_CUR	    0x31 /* hardware breakpoint, same EL */
#define ESR_EC_SSTEP_CUR    0x33 /* software step, same EL */
#define ESR_EC_WPT_CUR	    0x35 /* watchpoint, same EL */
#define ESR_EC_BRK64	    0x3c
#define ESR_DFSC_SEA	    0x10 /* synchronous external abort, not on a table walk */
#define ESR_DFSC_TRANS_L(n) (0x04 + (n))

/* CNTV_CTL_EL0 */
#define CNTV_CTL_ENABLE	 BIT(0)
#define CNTV_CTL_IMASK	 BIT(1)
#define CNTV_CTL_ISTATUS BIT(2)
