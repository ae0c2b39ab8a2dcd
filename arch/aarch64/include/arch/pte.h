/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMSAv8-64 descriptors, 4 KiB granule. The walker in core/pgtable.c is
 * format-agnostic; it calls these to encode and decode entries.
 */
#pragma once

#include <bulkhead/types.h>

#define ARCH_PT_PAGE_SHIFT	 12
#define ARCH_PT_LEVEL_BITS	 9
#define ARCH_PT_LAST_LEVEL	 3
#define ARCH_PT_ENTRIES		 (1U << ARCH_PT_LEVEL_BITS)
/* A walk never starts at level 3 (that needs FEAT_TTST); stage 2 may
 * concatenate up to 16 tables at its start level (VTCR_EL2.SL0). */
#define ARCH_PT_FIRST_ROOT_LEVEL 2
#define ARCH_PT_S2_CONCAT_BITS	 4

/* Descriptor type bits [1:0] */
#define PTE_VALID	     BIT(0)
#define PTE_TYPE_TABLE	     BIT(1) /* levels 0-2: table; level 3: page */
/* Lower attributes, stage 1 */
#define PTE_S1_ATTRIDX_SHIFT 2
#define PTE_S1_ATTRIDX_WIDTH 3
#define PTE_S1_AP1	     BIT(6) /* RES1 in the EL2 regime */
#define PTE_S1_AP2_RO	     BIT(7)
/* Lower attributes, stage 2 */
#define PTE_S2_MEMATTR_SHIFT 2
#define PTE_S2_MEMATTR_WIDTH 4
#define PTE_S2_S2AP_R	     BIT(6)
#define PTE_S2_S2AP_W	     BIT(7)
/* Common */
#define PTE_SH_SHIFT	     8
#define PTE_SH_WIDTH	     2
#define PTE_SH_INNER	     3
#define PTE_AF		     BIT(10)
#define PTE_ADDR_MASK	     GENMASK(47, 12)
/* Upper attributes */
#define PTE_S1_XN	     BIT(54) /* EL2 regime: execute-never */
#define PTE_S2_XN_SHIFT	     53	     /* stage 2: XN[1:0] */
#define PTE_S2_XN_WIDTH	     2
#define PTE_S2_XN_NONE	     2 /* execute-never at EL1 and EL0 */

/* Stage-2 MemAttr[3:0] (FWB off): outer<<2 | inner */
#define S2_MEMATTR_DEVICE_NGNRE 0x1
#define S2_MEMATTR_NORMAL_WB	0xf
#define S2_MEMATTR_NORMAL_NC	0x5

enum arch_pt_kind {
	ARCH_PT_HYP = 0,    /* EL2 stage 1 */
	ARCH_PT_STAGE2 = 1, /* EL1&0 stage 2 */
};

uint64_t arch_pte_table(paddr_t table);
/* Leaf (block or page) descriptor for @prot (PT_PROT_*), at @level. */
uint64_t arch_pte_leaf(enum arch_pt_kind kind, paddr_t pa, unsigned int prot, unsigned int level);

static inline bool arch_pte_valid(uint64_t d)
{
	return (d & PTE_VALID) != 0;
}
static inline bool arch_pte_is_table(uint64_t d, unsigned int level)
{
	return level < ARCH_PT_LAST_LEVEL &&
	       (d & (PTE_VALID | PTE_TYPE_TABLE)) == (PTE_VALID | PTE_TYPE_TABLE);
}
static inline paddr_t arch_pte_addr(uint64_t d)
{
	return d & PTE_ADDR_MASK;
}
/* Block descriptors exist at levels 1 and 2 with a 4 KiB granule. */
static inline bool arch_pt_block_ok(unsigned int level)
{
	return level == 1 || level == 2;
}
