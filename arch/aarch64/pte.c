// SPDX-License-Identifier: Apache-2.0
/* Descriptor encoding for the EL2 stage-1 and the stage-2 formats. */
#include <bulkhead/pgtable.h>

#include <arch/sysreg.h>

uint64_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR_MASK) | PTE_TYPE_TABLE | PTE_VALID;
}

static uint64_t s1_attrs(unsigned int prot)
{
	uint64_t d = PTE_AF | PTE_S1_AP1;
	unsigned int idx = MAIR_IDX_NORMAL;

	if (prot & PT_PROT_DEVICE)
		idx = MAIR_IDX_DEVICE;
	else if (prot & PT_PROT_NC)
		idx = MAIR_IDX_NORMAL_NC;
	d |= FIELD_PREP(PTE_S1_ATTRIDX, idx);
	if (!(prot & PT_PROT_DEVICE))
		d |= FIELD_PREP(PTE_SH, PTE_SH_INNER);
	if (!(prot & PT_PROT_W))
		d |= PTE_S1_AP2_RO;
	if (!(prot & PT_PROT_X) || (prot & PT_PROT_DEVICE))
		d |= PTE_S1_XN;
	return d;
}

static uint64_t s2_attrs(unsigned int prot)
{
	uint64_t d = PTE_AF;
	uint64_t attr = S2_MEMATTR_NORMAL_WB;

	if (prot & PT_PROT_DEVICE)
		attr = S2_MEMATTR_DEVICE_NGNRE;
	else if (prot & PT_PROT_NC)
		attr = S2_MEMATTR_NORMAL_NC;
	d |= FIELD_PREP(PTE_S2_MEMATTR, attr);
	if (!(prot & PT_PROT_DEVICE))
		d |= FIELD_PREP(PTE_SH, PTE_SH_INNER);
	if (prot & PT_PROT_R)
		d |= PTE_S2_S2AP_R;
	if (prot & PT_PROT_W)
		d |= PTE_S2_S2AP_W;
	if (!(prot & PT_PROT_X) || (prot & PT_PROT_DEVICE))
		d |= FIELD_PREP(PTE_S2_XN, PTE_S2_XN_NONE);
	return d;
}

uint64_t arch_pte_leaf(enum arch_pt_kind kind, paddr_t pa, unsigned int prot, unsigned int level)
{
	uint64_t d = (pa & PTE_ADDR_MASK) | PTE_VALID;

	/* Level 3 uses the table encoding for pages; above it, blocks. */
	if (level == ARCH_PT_LAST_LEVEL)
		d |= PTE_TYPE_TABLE;
	return d | (kind == ARCH_PT_STAGE2 ? s2_attrs(prot) : s1_attrs(prot));
}
