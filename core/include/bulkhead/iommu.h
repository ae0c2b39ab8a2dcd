/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DMA isolation (core/iommu.c): a cell's streams translate through its own
 * stage 2 while it runs; otherwise, and for streams no cell owns, they are
 * blocked. docs/iommu.md describes the model.
 */
#pragma once

#include <bulkhead/types.h>

struct cell;
struct page_pool;

/* Boot CPU, cells known, none started: take the IOMMU, every stream blocked. */
int iommu_init(struct page_pool *pool);
/* Its interrupts (events, global errors) go to @cpu. */
void iommu_start_irqs(unsigned int cpu);
/* The cell's streams translate through its stage 2 / are blocked again, and
 * the IOMMU has confirmed it. Non-zero: said why; the cell must not run. */
int iommu_cell_attach(struct cell *c);
int iommu_cell_detach(struct cell *c);
