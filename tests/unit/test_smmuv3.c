// SPDX-License-Identifier: Apache-2.0
/*
 * The SMMUv3 driver (arch/aarch64/smmuv3.c) and the core's DMA isolation
 * (core/iommu.c) against a model of the SMMU (arch/fake/fake_smmu.c):
 * every stream blocked from the start, a cell's streams translating through
 * its own stage-2 table, the commands that make it so, refusals, stalls and
 * the reports of blocked DMA.
 */
#include <stdlib.h>

#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include <bulkhead/page_pool.h>

#include <arch/smmuv3.h>

#include "cellfix.h"
#include "ut.h"

#define IDR0_GOOD                                                                    \
	((uint32_t)(SMMU_IDR0_S2P | (SMMU_IDR0_TTF_AARCH64 << SMMU_IDR0_TTF_SHIFT) | \
		    SMMU_IDR0_COHACC | (SMMU_IDR0_ST_LEVEL_2 << SMMU_IDR0_ST_LEVEL_SHIFT)))
#define IDR1_GOOD                                                            \
	((16U << SMMU_IDR1_SIDSIZE_SHIFT) | (19U << SMMU_IDR1_CMDQS_SHIFT) | \
	 (19U << SMMU_IDR1_EVENTQS_SHIFT))
#define IDR5_GOOD ((uint32_t)(4 | SMMU_IDR5_GRAN4K)) /* 44-bit OAS */

struct fix {
	struct cellfix *cf;
	void *heap;
	struct page_pool pool;
	uint32_t sids[2];
};

static void setup(struct fix *f, const uint32_t *sids, unsigned int n, uint32_t idr0)
{
	static struct cell *list[1];

	fake_gic_reset(4);
	fake_console_reset();
	fake_counter_step(0);
	fake_smmu_reset(idr0, IDR1_GOOD, IDR5_GOOD);
	f->heap = aligned_alloc(1 << 16, 64 * PAGE_SIZE);
	page_pool_init(&f->pool, f->heap, 64);
	f->cf = cellfix_new("dma", 0, 1, NULL, 0);
	f->cf->cfg.vmid = 3;
	for (unsigned int i = 0; i < n; i++)
		f->sids[i] = sids[i];
	f->cf->cfg.stream_ids = f->sids;
	f->cf->cfg.nstreams = n;
	EXPECT_EQ(pt_init(&f->cf->c.s2, ARCH_PT_STAGE2, 40, &f->pool), 0);
	list[0] = &f->cf->c;
	fake_cells(list, 1);
}

static void teardown(struct fix *f)
{
	free(f->cf);
	free(f->heap);
}

static unsigned int op(unsigned int i)
{
	return (unsigned int)FIELD_GET(SMMU_CMD_OP, fake_smmu.cmds[i][0]);
}

static const uint64_t *ste(uint32_t sid)
{
	uint64_t base = fake_smmu_reg64(SMMU_STRTAB_BASE) & SMMU_ADDR_MASK;
	uint32_t cfg = (uint32_t)fake_smmu_reg64(SMMU_STRTAB_BASE_CFG);
	const uint64_t *t = (const uint64_t *)(uintptr_t)base;

	if (FIELD_GET(SMMU_STRTAB_FMT, cfg) == SMMU_STRTAB_FMT_LINEAR)
		return &t[8 * sid];
	if (!t[sid >> 8])
		return NULL;
	return &((const uint64_t *)(uintptr_t)(t[sid >> 8] & SMMU_ADDR_MASK))[8 * (sid & 0xff)];
}

TEST(smmu_takes_over_with_every_stream_blocked)
{
	struct fix f;
	const uint32_t sids[] = {0x10};

	setup(&f, sids, 1, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	/* Aborts even while disabled; then on, with its queues. */
	EXPECT_TRUE(fake_smmu_reg64(SMMU_GBPA) & SMMU_GBPA_ABORT);
	EXPECT_EQ((uint32_t)fake_smmu_reg64(SMMU_CR0),
		  SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	EXPECT_EQ((uint32_t)fake_smmu_reg64(SMMU_CR2), SMMU_CR2_RECINVSID | SMMU_CR2_PTM);
	/* Streams 0..31 in a linear table (0x10 needs 5 bits), all invalid. */
	EXPECT_EQ(fake_smmu_reg64(SMMU_STRTAB_BASE_CFG) & 0xffffffff,
		  5U | (SMMU_STRTAB_FMT_LINEAR << SMMU_STRTAB_FMT_SHIFT));
	EXPECT_EQ(ste(0x10)[0] & SMMU_STE_V, 0);
	/* Whatever it cached from before is dropped. */
	EXPECT_EQ(fake_smmu.ncmds, 3);
	EXPECT_EQ(op(0), SMMU_CMD_CFGI_ALL);
	EXPECT_EQ(op(1), SMMU_CMD_TLBI_NSNH_ALL);
	EXPECT_EQ(op(2), SMMU_CMD_SYNC);
	EXPECT_TRUE(strstr(fake_console_output(), "streams 0..31 in a linear table") != NULL);
	teardown(&f);
}

TEST(smmu_cell_streams_walk_the_cells_own_stage2)
{
	struct fix f;
	const uint32_t sids[] = {0x10, 0x18};
	const uint64_t *e;
	uint64_t queued;

	setup(&f, sids, 2, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	fake_smmu.ncmds = 0;
	queued = arch_iommu_commands();
	EXPECT_EQ(iommu_cell_attach(&f.cf->c), 0);
	EXPECT_EQ(arch_iommu_commands() - queued, 4); /* the driver's own count agrees */
	e = ste(0x18);
	EXPECT_EQ(e[0], SMMU_STE_V | (SMMU_STE_CONFIG_S2 << SMMU_STE_CONFIG_SHIFT));
	/* VMID 3; 40-bit IPA: T0SZ 24, start level 1 (SL0 1), PS 40 bits
	 * (2), AArch64, faults recorded, walks cacheable inner-shareable. */
	EXPECT_EQ(e[2], 3ULL | (24ULL << 32) | (1ULL << 38) | (1ULL << 40) | (1ULL << 42) |
				(3ULL << 44) | (2ULL << 48) | SMMU_STE2_S2AA64 | SMMU_STE2_S2AFFD |
				SMMU_STE2_S2R);
	EXPECT_EQ(e[3], (uint64_t)(uintptr_t)f.cf->c.s2.root); /* the very same table */
	/* One CFGI_STE per stream, the VMID's TLB entries, a SYNC waited for. */
	EXPECT_EQ(fake_smmu.ncmds, 4);
	EXPECT_EQ(op(0), SMMU_CMD_CFGI_STE);
	EXPECT_EQ(FIELD_GET(SMMU_CMD_SID, fake_smmu.cmds[0][0]), 0x10);
	EXPECT_EQ(fake_smmu.cmds[0][1], SMMU_CMD_LEAF);
	EXPECT_EQ(FIELD_GET(SMMU_CMD_SID, fake_smmu.cmds[1][0]), 0x18);
	EXPECT_EQ(op(2), SMMU_CMD_TLBI_S12_VMALL);
	EXPECT_EQ(FIELD_GET(SMMU_CMD_VMID, fake_smmu.cmds[2][0]), 3);
	EXPECT_EQ(op(3), SMMU_CMD_SYNC);
	/* Stopped: invalid again, and the same invalidation. */
	fake_smmu.ncmds = 0;
	EXPECT_EQ(iommu_cell_detach(&f.cf->c), 0);
	EXPECT_EQ(ste(0x10)[0] & SMMU_STE_V, 0);
	EXPECT_EQ(ste(0x18)[0] & SMMU_STE_V, 0);
	EXPECT_EQ(fake_smmu.ncmds, 4);
	EXPECT_EQ(op(3), SMMU_CMD_SYNC);
	EXPECT_TRUE(strstr(fake_console_output(),
			   "IOMMU: 2 stream(s), 4 commands at its start, 4 at this stop") != NULL);
	teardown(&f);
}

TEST(smmu_wide_stream_ids_use_two_levels_built_on_demand)
{
	struct fix f;
	const uint32_t sids[] = {0x1234};

	setup(&f, sids, 1, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	EXPECT_EQ(fake_smmu_reg64(SMMU_STRTAB_BASE_CFG) & 0xffffffff,
		  13U | (8U << SMMU_STRTAB_SPLIT_SHIFT) |
			  (SMMU_STRTAB_FMT_2LEVEL << SMMU_STRTAB_FMT_SHIFT));
	EXPECT_TRUE(ste(0x1234) == NULL); /* no level-2 table yet: blocked */
	EXPECT_EQ(iommu_cell_attach(&f.cf->c), 0);
	EXPECT_TRUE(ste(0x1234) != NULL);
	EXPECT_TRUE(ste(0x1234)[0] & SMMU_STE_V);
	EXPECT_TRUE(ste(0x1100) == NULL); /* other spans stay without a table */
	teardown(&f);
}

TEST(smmu_without_stage2_is_refused_and_everything_stays_blocked)
{
	struct fix f;
	const uint32_t sids[] = {0x10};

	setup(&f, sids, 1, IDR0_GOOD & ~(uint32_t)SMMU_IDR0_S2P);
	EXPECT_EQ(iommu_init(&f.pool), -BH_ENOTSUP);
	EXPECT_TRUE(fake_smmu_reg64(SMMU_GBPA) & SMMU_GBPA_ABORT);
	EXPECT_EQ((uint32_t)fake_smmu_reg64(SMMU_CR0), 0);
	EXPECT_TRUE(strstr(fake_console_output(), "no stage-2 translation") != NULL);
	/* Its cell must not start: its DMA could not be confined. */
	EXPECT_EQ(iommu_cell_attach(&f.cf->c), -BH_ENODEV);
	teardown(&f);
}

TEST(smmu_that_never_confirms_times_out_and_says_so)
{
	struct fix f;
	const uint32_t sids[] = {0x10};

	setup(&f, sids, 1, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	fake_smmu.stalled = true;
	fake_counter_step(1000);
	EXPECT_EQ(iommu_cell_detach(&f.cf->c), -BH_ETIMEDOUT);
	EXPECT_TRUE(strstr(fake_console_output(), "command queue stuck") != NULL);
	EXPECT_TRUE(strstr(fake_console_output(), "did not confirm its streams are blocked") !=
		    NULL);
	fake_counter_step(0);
	fake_smmu_unstall();
	teardown(&f);
}

TEST(smmu_refused_command_is_skipped_and_the_queue_goes_on)
{
	struct fix f;
	const uint32_t sids[] = {0x10};

	setup(&f, sids, 1, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	fake_smmu.refuse_op = SMMU_CMD_TLBI_S12_VMALL;
	fake_counter_step(1);
	EXPECT_EQ(iommu_cell_attach(&f.cf->c), 0);
	EXPECT_TRUE(strstr(fake_console_output(), "command 0x28 refused") != NULL);
	fake_counter_step(0);
	teardown(&f);
}

TEST(smmu_blocked_dma_is_reported_per_cell_and_rate_limited)
{
	struct fix f;
	const uint32_t sids[] = {0x10};
	const char *out;

	setup(&f, sids, 1, IDR0_GOOD);
	EXPECT_EQ(iommu_init(&f.pool), 0);
	fake_set_counter(1000);
	fake_smmu_event(SMMU_EVT_F_TRANSLATION, 0x10, 0x48000000, true);
	fake_smmu_event(SMMU_EVT_C_BAD_STE, 0x18, 0, false);
	EXPECT_TRUE(arch_iommu_irq(106));
	out = fake_console_output();
	EXPECT_TRUE(strstr(out, "cell dma: stream 16: DMA write at IPA 0x48000000 blocked: no "
				"mapping at that address in the cell's stage 2\r\n") != NULL);
	EXPECT_TRUE(strstr(out, "bulkhead: stream 24, owned by no cell: DMA blocked: the stream "
				"is blocked\r\n") != NULL);
	/* A storm: five a second per cell, the rest counted and told later. */
	fake_console_reset();
	for (int i = 0; i < 10; i++)
		fake_smmu_event(SMMU_EVT_F_TRANSLATION, 0x10, 0x1000 * (uint64_t)i, false);
	EXPECT_TRUE(arch_iommu_irq(106));
	out = fake_console_output();
	EXPECT_TRUE(strstr(out, "IPA 0x3000") != NULL);
	EXPECT_TRUE(strstr(out, "IPA 0x4000") == NULL);
	fake_set_counter(1000 + 62500000);
	fake_smmu_event(SMMU_EVT_F_TRANSLATION, 0x10, 0x9000, false);
	EXPECT_TRUE(arch_iommu_irq(106));
	EXPECT_TRUE(strstr(fake_console_output(),
			   "IPA 0x9000 blocked: no mapping at that address "
			   "in the cell's stage 2 (6 more not shown)") != NULL);
	EXPECT_TRUE(!arch_iommu_irq(34)); /* not the SMMU's */
	teardown(&f);
}
