// SPDX-License-Identifier: Apache-2.0
/*
 * A boot counter that survives a restart of the cell: it lives at
 * BM_PERSIST_ADDR, outside the loaded image, which a restart reloads.
 */
#include <bm/bm.h>

#define BOOT_MAGIC 0xb007c0de5eedf00dULL

struct boot_record {
	uint64_t magic;
	uint64_t count;
	uint64_t check; /* ~(magic ^ count): a torn or stale record is rejected */
};

static struct boot_record *const rec = (struct boot_record *)BM_PERSIST_ADDR;

static void store(uint64_t count)
{
	rec->magic = count ? BOOT_MAGIC : 0;
	rec->count = count;
	rec->check = ~(rec->magic ^ count);
	/* The next boot reads it with the MMU and caches off. */
	bm_dcache_clean(rec, sizeof(*rec));
}

uint64_t bm_boot_count_next(void)
{
	bool valid = rec->magic == BOOT_MAGIC && rec->check == ~(BOOT_MAGIC ^ rec->count);
	uint64_t n = valid ? rec->count + 1 : 1;

	store(n);
	bh_printf("BM-BOOTCOUNT: %lu\n", (unsigned long)n);
	return n;
}

void bm_boot_count_clear(void) { store(0); }
