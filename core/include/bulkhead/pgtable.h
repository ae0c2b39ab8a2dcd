/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generic translation-table builder, shared by the hypervisor's own stage-1
 * map and the cells' stage-2 maps. Mapping is two-phase: a dry run checks
 * the whole range and counts the tables it needs, then the commit cannot
 * fail, so an error never leaves a half-built map.
 */
#pragma once

#include <bulkhead/page_pool.h>
#include <bulkhead/types.h>

#include <arch/pte.h>

/* Protection/attribute flags (portable; arch_pte_leaf encodes them). */
#define PT_PROT_R      BIT(0)
#define PT_PROT_W      BIT(1)
#define PT_PROT_X      BIT(2)
#define PT_PROT_DEVICE BIT(3) /* device memory (else normal write-back) */
#define PT_PROT_NC     BIT(4) /* normal non-cacheable */

/* pt_map() flags */
#define PT_MAP_NO_BLOCKS BIT(0) /* force page granularity */

struct pgtable {
	uint64_t *root; /* root_tables contiguous pages, aligned to their size */
	unsigned int start_level;
	unsigned int root_tables; /* concatenated tables at the start level */
	unsigned int ia_bits;	  /* input address bits covered */
	enum arch_pt_kind kind;
	struct page_pool *pool;
};

/* Where a walk of @ia_bits starts and how many tables are concatenated
 * there (stage 2 only); -BH_EINVAL if the format cannot cover @ia_bits. */
int pt_geometry(enum arch_pt_kind kind, unsigned int ia_bits, unsigned int *start_level,
		unsigned int *root_tables);
int pt_init(struct pgtable *pt, enum arch_pt_kind kind, unsigned int ia_bits,
	    struct page_pool *pool);
/* Map [va, va+size) to pa; -BH_EEXIST if anything there is already mapped,
 * -BH_ENOMEM if the pool cannot hold the tables, -BH_EINVAL if unaligned. */
int pt_map(struct pgtable *pt, uint64_t va, paddr_t pa, uint64_t size, unsigned int prot,
	   unsigned int flags);
/* Leaf descriptor mapping @va and its level; 0 if unmapped. */
uint64_t pt_lookup(const struct pgtable *pt, uint64_t va, unsigned int *level);
/* Number of table pages the map uses (for reports and tests). */
size_t pt_table_count(const struct pgtable *pt);
/* Clean every table to the point of coherency, for a walker that does not
 * snoop the CPUs' caches (an IOMMU). */
void pt_clean(const struct pgtable *pt);
