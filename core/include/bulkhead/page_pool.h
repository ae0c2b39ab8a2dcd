/* SPDX-License-Identifier: Apache-2.0 */
/* Pool of 4 KiB pages for translation tables and other hypervisor data. */
#pragma once

#include <bulkhead/types.h>

#define PAGE_SIZE 4096UL

struct page_pool {
	uintptr_t base;
	size_t npages;
	size_t next;	 /* bump index into never-used pages */
	void *free_list; /* pages given back */
	size_t nfree;	 /* pages on free_list */
};

void page_pool_init(struct page_pool *pool, void *base, size_t npages);
size_t page_pool_available(const struct page_pool *pool);
/* A zeroed page, or NULL if the pool is empty. */
void *page_pool_alloc(struct page_pool *pool);
/* @n zeroed contiguous pages aligned to n pages (n a power of two), from
 * never-used pages; pages skipped for alignment go to the free list. */
void *page_pool_alloc_aligned(struct page_pool *pool, size_t n);
void page_pool_free(struct page_pool *pool, void *page);
