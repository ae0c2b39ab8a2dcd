/* SPDX-License-Identifier: Apache-2.0 */
/* The SMMUv3 driver's register access, against a model (arch/fake/fake_smmu.c). */
#pragma once

#include <bulkhead/types.h>

uint32_t smmu_read32(uint64_t off);
void smmu_write32(uint64_t off, uint32_t v);
void smmu_write64(uint64_t off, uint64_t v);
static inline void smmu_publish(void) {}
