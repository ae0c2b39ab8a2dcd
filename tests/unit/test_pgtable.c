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

/* The architecture's rules for a 4 KiB granule: the fewest levels, with up
 * to 16 tables concatenated at a stage-2 start level (never at stage 1), and
 * no stage-2 start at level 0 below 44 bits (VTCR_EL2.SL0 would be invalid
 * on a CPU with a smaller PA size: every cell faulted on a Cortex-A53). */
TEST(pgtable_start_level_follows_input_size)
{
	static const struct {
		enum arch_pt_kind kind;
		unsigned int bits, level, tables;
	} cases[] = {
		{ARCH_PT_STAGE2, 48, 0, 1},  {ARCH_PT_STAGE2, 44, 0, 1},
		{ARCH_PT_STAGE2, 43, 1, 16}, {ARCH_PT_STAGE2, 42, 1, 8},
		{ARCH_PT_STAGE2, 40, 1, 2},  {ARCH_PT_STAGE2, 39, 1, 1},
		{ARCH_PT_STAGE2, 36, 1, 1},  {ARCH_PT_STAGE2, 34, 2, 16},
		{ARCH_PT_STAGE2, 32, 2, 4},  {ARCH_PT_STAGE2, 30, 2, 1},
		{ARCH_PT_STAGE2, 25, 2, 1},  {ARCH_PT_HYP, 48, 0, 1},
		{ARCH_PT_HYP, 40, 0, 1},     {ARCH_PT_HYP, 39, 1, 1},
		{ARCH_PT_HYP, 32, 1, 1},     {ARCH_PT_HYP, 30, 2, 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture f;

		setup(&f, cases[i].kind, cases[i].bits, 32);
		EXPECT_EQ(f.pt.start_level, cases[i].level);
		EXPECT_EQ(f.pt.root_tables, cases[i].tables);
		/* Concatenated tables are one block aligned to its own size. */
		EXPECT_EQ((uintptr_t)f.pt.root % (cases[i].tables * PAGE_SIZE), 0);
		EXPECT_EQ(pt_table_count(&f.pt), cases[i].tables);
		teardown(&f);
	}
}

TEST(pgtable_refuses_sizes_outside_the_format)
{
	unsigned int level, tables;

	EXPECT_EQ(pt_geometry(ARCH_PT_STAGE2, 24, &level, &tables), -BH_EINVAL);
	EXPECT_EQ(pt_geometry(ARCH_PT_STAGE2, 49, &level, &tables), -BH_EINVAL);
}

/* A 40-bit IPA space is two concatenated level-1 tables: the top of it is
 * in the second one, and the walk finds it there. */
TEST(pgtable_maps_across_concatenated_root_tables)
{
	struct fixture f;
	unsigned int level = 9;
	const uint64_t top = (1ULL << 40) - SZ_2M;

	setup(&f, ARCH_PT_STAGE2, 40, 16);
	EXPECT_EQ(pt_map(&f.pt, top, 0x80000000, SZ_2M, PT_PROT_R, 0), 0);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x90000000, SZ_4K, PT_PROT_R, 0), 0);
	EXPECT_EQ(arch_pte_addr(pt_lookup(&f.pt, top + 0x1000, &level)), 0x80000000);
	EXPECT_EQ(level, 2);
	EXPECT_EQ(arch_pte_addr(pt_lookup(&f.pt, 0x40000000, &level)), 0x90000000);
	EXPECT_EQ(level, 3);
	/* The entry for the top lives in the second root page. */
	EXPECT_TRUE(arch_pte_is_table(f.pt.root[ARCH_PT_ENTRIES + ARCH_PT_ENTRIES - 1], 1));
	EXPECT_EQ(pt_lookup(&f.pt, 1ULL << 40, &level), 0);
	EXPECT_EQ(pt_map(&f.pt, 1ULL << 40, 0x80000000, SZ_4K, PT_PROT_R, 0), -BH_ERANGE);
	/* Two root pages, a level-2 table for each mapping and one level-3. */
	EXPECT_EQ(pt_table_count(&f.pt), 5);
	teardown(&f);
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

	/* The two concatenated root pages plus one spare: a page mapping needs
	 * two more tables (levels 2 and 3). */
	setup(&f, ARCH_PT_STAGE2, 40, 3);
	EXPECT_EQ(pt_map(&f.pt, 0x40000000, 0x40000000, SZ_4K, PT_PROT_R, 0), (uint64_t)-BH_ENOMEM);
	EXPECT_EQ(pt_lookup(&f.pt, 0x40000000, NULL), 0);
	EXPECT_EQ(page_pool_available(&f.pool), 1);
	EXPECT_EQ(pt_table_count(&f.pt), 2);
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
