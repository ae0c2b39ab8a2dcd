// SPDX-License-Identifier: Apache-2.0
/* PSCI client: how Bulkhead asks the firmware to start CPUs and power off. */
#include <bulkhead/config_types.h>
#include <bulkhead/errno.h>

#include <arch/power.h>
#include <arch/psci.h>

int64_t arch_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x0-x17 may be clobbered by the callee. */
	if (bh_board.psci_conduit == BH_PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int psci_cpu_on(unsigned int cpu, uintptr_t entry)
{
	int64_t ret = arch_psci_call(PSCI_CPU_ON_64, bh_board.cpu_mpidr[cpu], entry, cpu);

	return ret == PSCI_RET_SUCCESS ? 0 : -BH_EIO;
}

static void psci_off(uintptr_t base)
{
	(void)base;
	arch_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

const struct power_ops power_psci_ops = {
	.off = psci_off,
};
