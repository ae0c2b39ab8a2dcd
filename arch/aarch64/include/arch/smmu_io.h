/* SPDX-License-Identifier: Apache-2.0 */
/* How the SMMUv3 driver reaches its registers (arch/fake has a model). */
#pragma once

#include <bulkhead/config_types.h>
#include <bulkhead/types.h>

static inline uint32_t smmu_read32(uint64_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(bh_board.smmu.base + off);
}
static inline void smmu_write32(uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(bh_board.smmu.base + off) = v;
}
static inline void smmu_write64(uint64_t off, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(bh_board.smmu.base + off) = v;
}
/* Stream table entries and commands written to memory are visible to the
 * SMMU before a register write tells it to look (it may be outside the
 * inner-shareable domain: full system). */
static inline void smmu_publish(void)
{
	__asm__ volatile("dsb st" : : : "memory");
}
