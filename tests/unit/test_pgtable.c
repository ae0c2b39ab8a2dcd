// SPDX-License-Identifier: Apache-2.0
/*
 * The generic table walker (core/pgtable.c) with the real AArch64
 * descriptor encoding (arch/aarch64/pte.c): block/page choices, exact
 * descriptors, overlap refusal and all-or-nothing mapping.
 */
#include <stdlib.h>

#include <bulkhead/errno.h>
#include <bulkhead/pgtable.h>

#include "ut.h"

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

struct fixture {
	void *mem;
	struct page_pool pool;
	struct pgtable pt;
};

static void setup(struct fixture *f, enum arch_pt_kind kind, unsigned int ia_bits, size_t pages)
{
	f->mem = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
	page_pool_init(&f->pool, f->mem, pages);
	EXPECT_EQ(pt_init(&f->pt, kind, ia_bits, &f->pool), 0);
}

static void teardown(struct fixture *f)
{
	free(f->mem);
}

TEST(pgtable_start_level_follows_input_size)
{
	static const struct {
		unsigned int bits, level;
	} cases[] = {{48, 0}, {40, 0}, {39, 1}, {32, 1}, {30, 2}, {25, 2}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture f;

		setup(&f, ARCH_PT_STAGE2, cases[i].bits, 2);
		EXPECT_EQ(f.pt.start_level, cases[i].level);
		teardown(&f);
	}
}

TEST(pgtable_uses_2m_blocks_when_aligned)
{
	struct fixture f;
	unsigned int level = 9;
	uint64_t d;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x80000000, 2 * SZ_2M, PT_PROT_R | PT_PROT_W, 0), 0);
	d = pt_lookup(&f.pt, 0x40200000, &level);
	EXPECT_EQ(level, 2);
	/* Block: PA, AF, inner-shareable, S2AP RW, normal WB, XN, type 0b01. */
	EXPECT_EQ(d, 0x80200000ULL | PTE_AF | (3ULL << 8) | PTE_S2_S2AP_R | PTE_S2_S2AP_W |
			     (0xfULL << 2) | (2ULL << 53) | 1);
	/* Root, one level-1 and one level-2 table; no level-3 table. */
	EXPECT_EQ(pt_table_count(&f.pt), 3);
	teardown(&f);
}

TEST(pgtable_uses_1g_block_at_level1)
{
	struct fixture f;
	unsigned int level = 9;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	EXPECT_EQ(pt_map(&f.pt, SZ_1G, 2 * SZ_1G, SZ_1G, PT_PROT_R | PT_PROT_W | PT_PROT_X, 0), 0);
	EXPECT_EQ(arch_pte_addr(pt_lookup(&f.pt, SZ_1G + 0x1234000, &level)), 2 * SZ_1G);
	EXPECT_EQ(level, 1);
	EXPECT_EQ(pt_table_count(&f.pt), 2);
	teardown(&f);
}

TEST(pgtable_falls_back_to_pages_when_misaligned)
{
	struct fixture f;
	unsigned int level = 9;
	uint64_t d;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	/* IPA 2 MiB aligned but PA only 4 KiB aligned: no block possible. */
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x80001000, SZ_2M, PT_PROT_R, 0), 0);
	d = pt_lookup(&f.pt, 0x40000000 + 5 * SZ_4K, &level);
	EXPECT_EQ(level, 3);
	EXPECT_EQ(arch_pte_addr(d), 0x80001000 + 5 * SZ_4K);
	EXPECT_EQ(d & 3, 3); /* page descriptor */
	EXPECT_TRUE(!(d & PTE_S2_S2AP_W));
	EXPECT_EQ(pt_table_count(&f.pt), 4);
	teardown(&f);
}

TEST(pgtable_mixes_pages_and_blocks)
{
	struct fixture f;
	unsigned int level = 9;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	/* 0x401ff000..0x40401000: a page, one 2 MiB block, a page. */
	EXPECT_EQ(pt_map(&f.pt, 0x401ff000, 0x401ff000, SZ_2M + 2 * SZ_4K, PT_PROT_R, 0), 0);
	pt_lookup(&f.pt, 0x401ff000, &level);
	EXPECT_EQ(level, 3);
	pt_lookup(&f.pt, 0x40300000, &level);
	EXPECT_EQ(level, 2);
	pt_lookup(&f.pt, 0x40400000, &level);
	EXPECT_EQ(level, 3);
	EXPECT_EQ(pt_lookup(&f.pt, 0x40401000, NULL), 0);
	EXPECT_EQ(pt_lookup(&f.pt, 0x401fe000, NULL), 0);
	teardown(&f);
}

TEST(pgtable_no_blocks_flag_forces_pages)
{
	struct fixture f;
	unsigned int level = 9;

	setup(&f, ARCH_PT_HYP, 48, 16);
	EXPECT_EQ(pt_map(&f.pt, SZ_2M, SZ_2M, SZ_2M, PT_PROT_R, PT_MAP_NO_BLOCKS), 0);
	pt_lookup(&f.pt, SZ_2M, &level);
	EXPECT_EQ(level, 3);
	teardown(&f);
}

TEST(pgtable_refuses_overlap_without_side_effects)
{
	struct fixture f;
	size_t tables, avail;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x40000000, SZ_4K, PT_PROT_R, 0), 0);
	tables = pt_table_count(&f.pt);
	avail = page_pool_available(&f.pool);
	/* Overlaps the existing page only at its end: nothing may be mapped. */
	EXPECT_EQ(pt_map(&f.pt, 0x3fe00000, 0x90000000, SZ_2M + SZ_4K, PT_PROT_R, 0),
		  (uint64_t)-BH_EEXIST);
	EXPECT_EQ(pt_lookup(&f.pt, 0x3fe00000, NULL), 0);
	EXPECT_EQ(pt_table_count(&f.pt), tables);
	EXPECT_EQ(page_pool_available(&f.pool), avail);
	/* A block over an existing page's table is refused too. */
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x0, SZ_2M, PT_PROT_R, 0), (uint64_t)-BH_EEXIST);
	teardown(&f);
}

TEST(pgtable_adjacent_regions_share_tables)
{
	struct fixture f;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x40000000, SZ_4K, PT_PROT_R, 0), 0);
	EXPECT_EQ(pt_map(&f.pt, 0x40001000, 0x50000000, SZ_4K, PT_PROT_R | PT_PROT_W, 0), 0);
	EXPECT_EQ(pt_table_count(&f.pt), 4);
	EXPECT_EQ(arch_pte_addr(pt_lookup(&f.pt, 0x40001000, NULL)), 0x50000000);
	teardown(&f);
}

TEST(pgtable_out_of_pages_maps_nothing)
{
	struct fixture f;

	/* Root only plus one spare page: a page mapping needs three tables. */
	setup(&f, ARCH_PT_STAGE2, 40, 2);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x40000000, SZ_4K, PT_PROT_R, 0), (uint64_t)-BH_ENOMEM);
	EXPECT_EQ(pt_lookup(&f.pt, 0x40000000, NULL), 0);
	EXPECT_EQ(page_pool_available(&f.pool), 1);
	EXPECT_EQ(pt_table_count(&f.pt), 1);
	teardown(&f);
}

TEST(pgtable_rejects_bad_arguments)
{
	struct fixture f;

	setup(&f, ARCH_PT_STAGE2, 32, 8);
	EXPECT_EQ(pt_map(&f.pt, 0x1000, 0x1001, SZ_4K, PT_PROT_R, 0), (uint64_t)-BH_EINVAL);
	EXPECT_EQ(pt_map(&f.pt, 0x1000, 0x1000, 0, PT_PROT_R, 0), (uint64_t)-BH_EINVAL);
	EXPECT_EQ(pt_map(&f.pt, 0xfffff000, 0x1000, 2 * SZ_4K, PT_PROT_R, 0), (uint64_t)-BH_ERANGE);
	EXPECT_EQ(pt_lookup(&f.pt, 1ULL << 33, NULL), 0);
	teardown(&f);
}

TEST(pte_stage1_hyp_encodings)
{
	uint64_t text = arch_pte_leaf(ARCH_PT_HYP, 0x40200000, PT_PROT_R | PT_PROT_X, 3);
	uint64_t data = arch_pte_leaf(ARCH_PT_HYP, 0x40300000, PT_PROT_R | PT_PROT_W, 3);
	uint64_t dev =
		arch_pte_leaf(ARCH_PT_HYP, 0x09000000, PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE, 3);
	uint64_t ro = arch_pte_leaf(ARCH_PT_HYP, 0x40280000, PT_PROT_R, 2);

	/* text: RO, executable, normal WB (AttrIndx 1), inner shareable */
	EXPECT_EQ(text,
		  0x40200000ULL | 3 | (1 << 2) | PTE_S1_AP1 | PTE_S1_AP2_RO | (3 << 8) | PTE_AF);
	/* data: RW, never executable */
	EXPECT_EQ(data, 0x40300000ULL | 3 | (1 << 2) | PTE_S1_AP1 | (3 << 8) | PTE_AF | PTE_S1_XN);
	/* device: AttrIndx 0, XN, not shareable-normal */
	EXPECT_EQ(dev, 0x09000000ULL | 3 | PTE_S1_AP1 | PTE_AF | PTE_S1_XN);
	/* level-2 block: type 0b01 */
	EXPECT_EQ(ro & 3, 1);
	EXPECT_TRUE(ro & PTE_S1_XN);
}

TEST(pte_stage2_encodings)
{
	uint64_t dev = arch_pte_leaf(ARCH_PT_STAGE2, 0x09040000,
				     PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE, 3);
	uint64_t nc = arch_pte_leaf(ARCH_PT_STAGE2, 0x60000000, PT_PROT_R | PT_PROT_NC, 3);
	uint64_t x = arch_pte_leaf(ARCH_PT_STAGE2, 0x60001000, PT_PROT_R | PT_PROT_X, 3);

	EXPECT_EQ(dev, 0x09040000ULL | 3 | (1 << 2) | PTE_S2_S2AP_R | PTE_S2_S2AP_W | PTE_AF |
			       (2ULL << 53));
	EXPECT_EQ((nc >> 2) & 0xf, 5);
	EXPECT_TRUE(!(nc & PTE_S2_S2AP_W));
	EXPECT_EQ((x >> 53) & 3, 0); /* executable */
}

TEST(page_pool_allocates_zeroed_and_reuses)
{
	void *mem = aligned_alloc(PAGE_SIZE, 3 * PAGE_SIZE);
	struct page_pool pool;
	unsigned char *a, *b;

	memset(mem, 0xaa, 3 * PAGE_SIZE);
	page_pool_init(&pool, mem, 3);
	a = page_pool_alloc(&pool);
	EXPECT_TRUE(a == mem);
	EXPECT_EQ(a[0] | a[PAGE_SIZE - 1], 0);
	b = page_pool_alloc(&pool);
	EXPECT_TRUE(page_pool_alloc(&pool) != NULL);
	EXPECT_TRUE(page_pool_alloc(&pool) == NULL);
	EXPECT_EQ(page_pool_available(&pool), 0);
	b[7] = 1;
	page_pool_free(&pool, b);
	EXPECT_EQ(page_pool_available(&pool), 1);
	EXPECT_TRUE(page_pool_alloc(&pool) == (void *)b);
	EXPECT_EQ(b[7], 0);
	free(mem);
}
