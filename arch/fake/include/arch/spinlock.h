/* SPDX-License-Identifier: Apache-2.0 */
/* Host (unit test) spinlock: single-threaded tests only need the bookkeeping. */
#pragma once

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint32_t held;
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT \
	{                  \
		0          \
	}

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	assert(!l->held && "recursive lock in a single-threaded test");
	l->held = 1;
}

static inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	if (l->held)
		return false;
	l->held = 1;
	return true;
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	assert(l->held);
	l->held = 0;
}
