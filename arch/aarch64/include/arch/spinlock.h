/* SPDX-License-Identifier: Apache-2.0 */
/* Ticket lock: fair between CPUs, so a busy CPU cannot starve another. */
#pragma once

#include <bulkhead/types.h>

typedef struct {
	uint32_t next;
	uint32_t owner;
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT \
	{                  \
		0, 0       \
	}

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("wfe" : : : "memory");
}

/* Take the lock only if nobody holds or waits for it. */
static inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint32_t next = owner;

	return __atomic_compare_exchange_n(&l->next, &next, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	__asm__ volatile("dsb ishst\n\tsev" : : : "memory");
}
