// SPDX-License-Identifier: Apache-2.0
/*
 * Generic translation-table walker. Knows levels and indices; the arch
 * encodes descriptors. Tables are identity-mapped in the hypervisor, so a
 * table's physical address is also its pointer.
 */
#include <bulkhead/arch.h>
#include <bulkhead/errno.h>
#include <bulkhead/pgtable.h>

#define PAGE_BYTES (1ULL << ARCH_PT_PAGE_SHIFT)

static unsigned int level_shift(unsigned int level)
{
	return ARCH_PT_PAGE_SHIFT + ARCH_PT_LEVEL_BITS * (ARCH_PT_LAST_LEVEL - level);
}

/* Entries in a table at @level: the root may be several concatenated tables. */
static size_t entries(const struct pgtable *pt, unsigned int level)
{
	return level == pt->start_level ? (size_t)pt->root_tables * ARCH_PT_ENTRIES
					: ARCH_PT_ENTRIES;
}

static size_t level_index(const struct pgtable *pt, uint64_t va, unsigned int level)
{
	return (size_t)((va >> level_shift(level)) & (entries(pt, level) - 1));
}

static uint64_t *table_ptr(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)arch_pte_addr(desc);
}

int pt_geometry(enum arch_pt_kind kind, unsigned int ia_bits, unsigned int *start_level,
		unsigned int *root_tables)
{
	/* Stage 2 may concatenate up to 2^ARCH_PT_S2_CONCAT_BITS tables at its
	 * first level instead of adding a level; stage 1 never does. */
	unsigned int concat = kind == ARCH_PT_STAGE2 ? ARCH_PT_S2_CONCAT_BITS : 0;
	unsigned int level = ARCH_PT_FIRST_ROOT_LEVEL;
	unsigned int span;

	if (ia_bits < 25 || ia_bits > 48)
		return -BH_EINVAL;
	/* The fewest levels whose root (concatenated if allowed) covers ia_bits.
	 * This also keeps stage 2 off level 0 unless ia_bits >= 44, which the
	 * architecture requires of a level-0 start. */
	while (level > 0 && level_shift(level) + ARCH_PT_LEVEL_BITS + concat < ia_bits)
		level--;
	span = level_shift(level) + ARCH_PT_LEVEL_BITS;
	*start_level = level;
	*root_tables = ia_bits > span ? 1U << (ia_bits - span) : 1;
	return 0;
}

int pt_init(struct pgtable *pt, enum arch_pt_kind kind, unsigned int ia_bits,
	    struct page_pool *pool)
{
	unsigned int level, tables;
	int ret = pt_geometry(kind, ia_bits, &level, &tables);

	if (ret)
		return ret;
	pt->root = page_pool_alloc_aligned(pool, tables);
	if (!pt->root)
		return -BH_ENOMEM;
	pt->start_level = level;
	pt->root_tables = tables;
	pt->ia_bits = ia_bits;
	pt->kind = kind;
	pt->pool = pool;
	return 0;
}

struct map_req {
	struct pgtable *pt;
	unsigned int prot;
	unsigned int flags;
	bool commit;   /* false: dry run, nothing is written */
	size_t tables; /* dry run: tables that would be allocated */
};

/* Maps [va, va+size) inside @table at @level. In a dry run @table may be
 * NULL, standing for a table that does not exist yet (all entries empty). */
static int map_level(struct map_req *r, uint64_t *table, unsigned int level, uint64_t va,
		     paddr_t pa, uint64_t size)
{
	uint64_t lsize = 1ULL << level_shift(level);

	while (size) {
		size_t idx = level_index(r->pt, va, level);
		uint64_t chunk = MIN(size, lsize - (va & (lsize - 1)));
		uint64_t desc = table ? table[idx] : 0;
		bool leaf = level == ARCH_PT_LAST_LEVEL ||
			    (arch_pt_block_ok(level) && chunk == lsize && IS_ALIGNED(pa, lsize) &&
			     !(r->flags & PT_MAP_NO_BLOCKS));
		int ret;

		if (arch_pte_is_table(desc, level)) {
			/* Already split here: map the chunk inside it. */
			ret = map_level(r, table_ptr(desc), level + 1, va, pa, chunk);
			if (ret)
				return ret;
		} else if (arch_pte_valid(desc)) {
			return -BH_EEXIST;
		} else if (leaf) {
			if (r->commit)
				table[idx] = arch_pte_leaf(r->pt->kind, pa, r->prot, level);
		} else {
			uint64_t *sub = NULL;

			if (r->commit) {
				sub = page_pool_alloc(r->pt->pool);
				if (!sub) /* the dry run reserved enough */
					return -BH_ENOMEM;
				table[idx] = arch_pte_table((paddr_t)(uintptr_t)sub);
			} else {
				r->tables++;
			}
			ret = map_level(r, sub, level + 1, va, pa, chunk);
			if (ret)
				return ret;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int pt_map(struct pgtable *pt, uint64_t va, paddr_t pa, uint64_t size, unsigned int prot,
	   unsigned int flags)
{
	struct map_req req = {.pt = pt, .prot = prot, .flags = flags};
	int ret;

	if (!size || !IS_ALIGNED(va | pa | size, PAGE_BYTES))
		return -BH_EINVAL;
	if (va + size < va || va + size > (1ULL << pt->ia_bits))
		return -BH_ERANGE;
	ret = map_level(&req, pt->root, pt->start_level, va, pa, size);
	if (ret)
		return ret;
	if (req.tables > page_pool_available(pt->pool))
		return -BH_ENOMEM;
	req.commit = true;
	return map_level(&req, pt->root, pt->start_level, va, pa, size);
}

uint64_t pt_lookup(const struct pgtable *pt, uint64_t va, unsigned int *level)
{
	const uint64_t *table = pt->root;

	if (va >= (1ULL << pt->ia_bits))
		return 0;
	for (unsigned int l = pt->start_level; l <= ARCH_PT_LAST_LEVEL; l++) {
		uint64_t desc = table[level_index(pt, va, l)];

		if (!arch_pte_valid(desc))
			return 0;
		if (!arch_pte_is_table(desc, l)) {
			if (level)
				*level = l;
			return desc;
		}
		table = table_ptr(desc);
	}
	return 0;
}

static size_t count_tables(const struct pgtable *pt, const uint64_t *table, unsigned int level)
{
	size_t n = level == pt->start_level ? pt->root_tables : 1;

	for (size_t i = 0; level < ARCH_PT_LAST_LEVEL && i < entries(pt, level); i++)
		if (arch_pte_is_table(table[i], level))
			n += count_tables(pt, table_ptr(table[i]), level + 1);
	return n;
}

size_t pt_table_count(const struct pgtable *pt)
{
	return count_tables(pt, pt->root, pt->start_level);
}

static void clean_tables(const struct pgtable *pt, const uint64_t *table, unsigned int level)
{
	arch_clean_dcache_range(table, entries(pt, level) * sizeof(*table));
	for (size_t i = 0; level < ARCH_PT_LAST_LEVEL && i < entries(pt, level); i++)
		if (arch_pte_is_table(table[i], level))
			clean_tables(pt, table_ptr(table[i]), level + 1);
}

void pt_clean(const struct pgtable *pt)
{
	clean_tables(pt, pt->root, pt->start_level);
}
