// SPDX-License-Identifier: Apache-2.0
/*
 * Starting a CPU from a spin table (enable-method "spin-table"): without
 * PSCI firmware (Raspberry Pi) each secondary waits in the firmware's spin
 * code, with its MMU and caches off, reading its cpu-release-addr until it
 * is non-zero, then jumps there at EL2. bhcfg has checked that the address
 * lies below Bulkhead's image in its own memory, where no cell can write.
 */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>

#include <arch/power.h>
#include <arch/sysreg.h>

int spin_table_cpu_on(unsigned int cpu, uintptr_t entry)
{
	volatile uint64_t *release = (volatile uint64_t *)(uintptr_t)bh_board.cpu_release_addr[cpu];

	*release = entry;
	/* The waiting CPU reads memory, not our cache; then wake it from WFE. */
	arch_clean_dcache_range((const void *)(uintptr_t)release, sizeof(*release));
	sev();
	return 0;
}
