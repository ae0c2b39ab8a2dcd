/* SPDX-License-Identifier: Apache-2.0 */
/* Entry points the arch boot code calls, and core-wide helpers. */
#pragma once

#include <bulkhead/types.h>

/* Boot CPU, MMU and caches on, stack set; never returns. */
__noreturn void bh_primary_main(void);
/* Secondary CPUs after arch bring-up; never returns. */
__noreturn void bh_secondary_main(void);
/* A CPU with nothing to run parks here for good. */
__noreturn void bh_cpu_idle(void);
bool bh_cpu_online(unsigned int cpu);
/* A CPU that took a fatal hypervisor-internal fault reports here. */
__noreturn void bh_cpu_fatal(void);

/* Hypervisor invariant broken: print and stop this CPU. Never for guest input. */
__noreturn void bh_panic_at(const char *file, int line, const char *fmt, ...) __printf(3, 4);
#define panic(...) bh_panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(c)                                       \
	do {                                            \
		if (unlikely(c))                        \
			panic("BUG_ON(%s) failed", #c); \
	} while (0)
