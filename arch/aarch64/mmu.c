// SPDX-License-Identifier: Apache-2.0
/*
 * The hypervisor's own EL2 stage-1 map, identity (VA == PA): image sections
 * with least privilege (text RX, rodata R, data RW, W^X enforced by
 * SCTLR_EL2.WXN), stacks with an unmapped guard page below each, the rest of
 * the board's RAM RW/XN (cell images are copied through it), and the devices
 * Bulkhead drives.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/pgtable.h>

#include <arch/layout.h>
#include <arch/regs.h>
#include <arch/sysreg.h>

#include <config.h>

#define HYP_VA_BITS  48
#define HYP_PT_PAGES 24

extern char _head[], _text_end[], _rodata_end[], _stacks_start[], _image_end[];

static uint8_t pt_pages[HYP_PT_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static struct page_pool pt_pool;
static struct pgtable hyp_pt;
struct arch_mmu_regs arch_mmu_regs;

static int map_range(uint64_t start, uint64_t end, unsigned int prot)
{
	if (end <= start)
		return 0;
	return pt_map(&hyp_pt, start, start, end - start, prot, 0);
}

static int map_device(const struct bh_range *r)
{
	uint64_t start = ALIGN_DOWN(r->base, PAGE_SIZE);
	uint64_t end = ALIGN_UP(r->base + r->size, PAGE_SIZE);

	if (!r->size)
		return 0;
	return map_range(start, end, PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE);
}

/* Board RAM minus the hypervisor's reservation. */
static int map_ram(void)
{
	uint64_t hs = bh_board.hyp_mem.base, he = hs + bh_board.hyp_mem.size;
	int ret = 0;

	for (unsigned int i = 0; i < bh_board.nram && !ret; i++) {
		uint64_t s = bh_board.ram[i].base, e = s + bh_board.ram[i].size;

		if (he <= s || hs >= e) {
			ret = map_range(s, e, PT_PROT_R | PT_PROT_W);
		} else {
			ret = map_range(s, hs, PT_PROT_R | PT_PROT_W);
			if (!ret)
				ret = map_range(he, e, PT_PROT_R | PT_PROT_W);
		}
	}
	return ret;
}

static int map_hypervisor(void)
{
	uint64_t stacks = (uintptr_t)_stacks_start;
	uint64_t end = bh_board.hyp_mem.base + bh_board.hyp_mem.size;
	int ret;

	ret = map_range((uintptr_t)_head, (uintptr_t)_text_end, PT_PROT_R | PT_PROT_X);
	if (!ret)
		ret = map_range((uintptr_t)_text_end, (uintptr_t)_rodata_end, PT_PROT_R);
	if (!ret)
		ret = map_range((uintptr_t)_rodata_end, stacks, PT_PROT_R | PT_PROT_W);
	for (unsigned int i = 0; i < BH_NR_CPUS && !ret; i++) {
		uint64_t s = stacks + i * CPU_STACK_STRIDE + CPU_STACK_GUARD;

		ret = map_range(s, s + CPU_STACK_SIZE, PT_PROT_R | PT_PROT_W);
	}
	/* The rest of the reservation, below and above the image: heap. */
	if (!ret)
		ret = map_range(bh_board.hyp_mem.base, (uintptr_t)_head, PT_PROT_R | PT_PROT_W);
	if (!ret)
		ret = map_range((uintptr_t)_image_end, end, PT_PROT_R | PT_PROT_W);
	return ret;
}

static uint64_t pa_size_field(void)
{
	uint64_t parange = FIELD_GET(ID_AA64MMFR0_PARANGE, read_id_aa64mmfr0_el1());

	/* The encoding is the same in TCR_EL2.PS; we never need beyond 48 bits. */
	return MIN(parange, 5);
}

int arch_mmu_init(void)
{
	uintptr_t line = 4UL << FIELD_GET(CTR_EL0_DMINLINE, read_ctr_el0());
	int ret;

	page_pool_init(&pt_pool, pt_pages, HYP_PT_PAGES);
	ret = pt_init(&hyp_pt, ARCH_PT_HYP, HYP_VA_BITS, &pt_pool);
	if (!ret)
		ret = map_hypervisor();
	if (!ret)
		ret = map_ram();
	if (!ret)
		ret = map_device(&bh_board.console);
	if (!ret)
		ret = map_device(&bh_board.gic.dist);
	if (!ret)
		ret = map_device(&bh_board.gic.redist);
	if (!ret)
		ret = map_device(&bh_board.gic.cpu);
	if (!ret)
		ret = map_device(&bh_board.gic.hyp);
	if (!ret)
		ret = map_device(&bh_board.smmu);
	if (!ret) /* the PCI root bus's configuration space, for core/vpci.c */
		ret = map_device(&bh_board.pci_ecam);
	if (ret)
		return ret;

	arch_mmu_regs.mair = MAIR_ATTR(MAIR_IDX_DEVICE, MAIR_ATTR_DEVICE_NGNRE) |
			     MAIR_ATTR(MAIR_IDX_NORMAL, MAIR_ATTR_NORMAL_WB) |
			     MAIR_ATTR(MAIR_IDX_NORMAL_NC, MAIR_ATTR_NORMAL_NC);
	arch_mmu_regs.tcr =
		TCR_EL2_RES1 | FIELD_PREP(TCR_EL2_T0SZ, 64 - HYP_VA_BITS) |
		FIELD_PREP(TCR_EL2_IRGN0, TCR_RGN_WBWA) | FIELD_PREP(TCR_EL2_ORGN0, TCR_RGN_WBWA) |
		FIELD_PREP(TCR_EL2_SH0, TCR_SH_INNER) | FIELD_PREP(TCR_EL2_TG0, TCR_TG0_4K) |
		FIELD_PREP(TCR_EL2_PS, pa_size_field());
	arch_mmu_regs.ttbr = (uintptr_t)hyp_pt.root;
	arch_mmu_regs.sctlr = SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_SA |
			      SCTLR_EL2_I | SCTLR_EL2_WXN;
	/* Tables were written with the MMU off: make sure no stale line hides them. */
	dsb_sy();
	for (uintptr_t p = (uintptr_t)pt_pages; p < (uintptr_t)pt_pages + sizeof(pt_pages);
	     p += line)
		__asm__ volatile("dc ivac, %0" : : "r"(p) : "memory");
	dsb_sy();
	return 0;
}
