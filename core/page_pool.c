// SPDX-License-Identifier: Apache-2.0
#include <bulkhead/page_pool.h>
#include <bulkhead/string.h>

void page_pool_init(struct page_pool *pool, void *base, size_t npages)
{
	pool->base = (uintptr_t)base;
	pool->npages = npages;
	pool->next = 0;
	pool->free_list = NULL;
	pool->nfree = 0;
}

size_t page_pool_available(const struct page_pool *pool)
{
	return pool->npages - pool->next + pool->nfree;
}

void *page_pool_alloc(struct page_pool *pool)
{
	void *page;

	if (pool->free_list) {
		page = pool->free_list;
		pool->free_list = *(void **)page;
		pool->nfree--;
	} else if (pool->next < pool->npages) {
		page = (void *)(pool->base + pool->next * PAGE_SIZE);
		pool->next++;
	} else {
		return NULL;
	}
	memset(page, 0, PAGE_SIZE);
	return page;
}

void *page_pool_alloc_aligned(struct page_pool *pool, size_t n)
{
	uintptr_t align = n * PAGE_SIZE;
	size_t first;

	if (!n || (n & (n - 1)))
		return NULL;
	first = (ALIGN_UP(pool->base + pool->next * PAGE_SIZE, align) - pool->base) / PAGE_SIZE;
	if (first > pool->npages || pool->npages - first < n)
		return NULL;
	while (pool->next < first)
		page_pool_free(pool, (void *)(pool->base + pool->next++ * PAGE_SIZE));
	pool->next += n;
	memset((void *)(pool->base + first * PAGE_SIZE), 0, n * PAGE_SIZE);
	return (void *)(pool->base + first * PAGE_SIZE);
}

void page_pool_free(struct page_pool *pool, void *page)
{
	*(void **)page = pool->free_list;
	pool->free_list = page;
	pool->nfree++;
}
