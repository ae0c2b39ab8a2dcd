// SPDX-License-Identifier: Apache-2.0
/*
 * Identity map of the first 512 GiB (39-bit VA), built by the boot vCPU with
 * the MMU off:
 *   0x0000_0000 - 0x07ff_ffff  unmapped (flash; catches null pointers)
 *   0x0800_0000 - 0x3fff_ffff  Device-nGnRE, 2 MiB blocks (GIC, UART, ...)
 *   0x4000_0000 - 0x7fff_ffff  Normal write-back, one 1 GiB block (RAM)
 *   0x8000_0000 - 0x7f_ffff_ffff  Device-nGnRE, 1 GiB blocks (on QEMU virt
 *                              the PCIe ECAM is at 0x40_1000_0000)
 * Everything outside the cell's RAM is mapped on purpose: an access there
 * must reach the hypervisor's stage 2 (or the bus natively), not stop at a
 * stage-1 fault of our own. Device type keeps speculation away from it.
 */
#include "internal.h"

#define PTE_TYPE_BLOCK	 0x1ULL
#define PTE_TYPE_TABLE	 0x3ULL
#define PTE_ATTR(idx)	 ((uint64_t)(idx) << 2)
#define PTE_SH_INNER	 (3ULL << 8)
#define PTE_AF		 BIT(10)
#define PTE_PXN		 BIT(53)
#define PTE_UXN		 BIT(54)
#define PTE_DEVICE_BLOCK (PTE_TYPE_BLOCK | PTE_ATTR(MAIR_IDX_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)
#define PTE_NORMAL_BLOCK (PTE_TYPE_BLOCK | PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF)

#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

/* T0SZ=25: the walk starts at level 1, 512 entries of 1 GiB. */
#define L1_ENTRIES 512
uint64_t bm_pgtable_l1[L1_ENTRIES] __aligned(4096);
static uint64_t pgtable_l2_low[512] __aligned(4096);

/* Throw away any lines of [start, end) a previous owner of this memory left
 * in the caches: we wrote it with the MMU off, straight to memory. */
static void dcache_inval_range(uintptr_t start, uintptr_t end)
{
	uint64_t line = 4ULL << ((bm_read_sysreg(ctr_el0) >> 16) & 0xf);

	for (uintptr_t p = start & ~(uintptr_t)(line - 1); p < end; p += line)
		__asm__ volatile("dc ivac, %0" : : "r"(p) : "memory");
	bm_dsb_sy();
}

void bm_mmu_build(void)
{
	for (uint64_t i = BM_DEVICE_START / SZ_2M; i < BM_DEVICE_END / SZ_2M; i++)
		pgtable_l2_low[i] = (i * SZ_2M) | PTE_DEVICE_BLOCK;
	bm_pgtable_l1[0] = (uint64_t)(uintptr_t)pgtable_l2_low | PTE_TYPE_TABLE;
	bm_pgtable_l1[1] = BM_RAM_BASE | PTE_NORMAL_BLOCK;
	for (uint64_t i = 2; i < L1_ENTRIES; i++)
		bm_pgtable_l1[i] = i * SZ_1G | PTE_DEVICE_BLOCK;
	dcache_inval_range((uintptr_t)_image_start, (uintptr_t)_image_end);
}

void bm_dcache_clean(const void *addr, size_t size)
{
	uint64_t line = 4ULL << ((bm_read_sysreg(ctr_el0) >> 16) & 0xf);
	uintptr_t end = (uintptr_t)addr + size;

	for (uintptr_t p = (uintptr_t)addr & ~(uintptr_t)(line - 1); p < end; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	bm_dsb_sy();
}

void bm_dcache_inval(const void *addr, size_t size)
{
	uint64_t line = 4ULL << ((bm_read_sysreg(ctr_el0) >> 16) & 0xf);
	uintptr_t end = (uintptr_t)addr + size;

	for (uintptr_t p = (uintptr_t)addr & ~(uintptr_t)(line - 1); p < end; p += line)
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	bm_dsb_sy();
}
