// SPDX-License-Identifier: Apache-2.0
/* SMCCC conduits and the PSCI client. PSCI goes over HVC: QEMU's virt
 * machine without EL2 and Bulkhead both take it there. */
#include "internal.h"

struct bm_smccc_res bm_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC 1.0 lets the callee clobber x4-x17. */
	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (struct bm_smccc_res){x0, x1, x2, x3};
}

struct bm_smccc_res bm_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (struct bm_smccc_res){x0, x1, x2, x3};
}

bool bm_smc_probe(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, struct bm_smccc_res *res)
{
	uint64_t args[4] = {fid, a1, a2, a3};
	bool ok = bm_smccc_probe(args, true);

	*res = (struct bm_smccc_res){args[0], args[1], args[2], args[3]};
	return ok;
}

int64_t bm_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t r = bm_hvc(fid, a1, a2, a3).a0;

	/* SMC32/HVC32 results live in w0; the upper half is not defined. */
	if (!(fid & SMCCC_FID_64))
		return (int32_t)(uint32_t)r;
	return (int64_t)r;
}

int64_t bm_psci_version(void)
{
	return bm_psci_call(PSCI_VERSION, 0, 0, 0);
}

int64_t bm_psci_features(uint32_t fid)
{
	return bm_psci_call(PSCI_FEATURES, fid, 0, 0);
}

int64_t bm_smccc_version(void)
{
	return bm_psci_call(SMCCC_VERSION, 0, 0, 0);
}

int64_t bm_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id)
{
	return bm_psci_call(PSCI_CPU_ON_64, mpidr, entry, context_id);
}

int64_t bm_psci_cpu_off(void)
{
	return bm_psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

int64_t bm_psci_affinity_info(uint64_t mpidr, uint32_t lowest_level)
{
	return bm_psci_call(PSCI_AFFINITY_INFO_64, mpidr, lowest_level, 0);
}

int64_t bm_psci_system_reset(void)
{
	return bm_psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}

void bm_psci_system_off(void)
{
	bm_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	/* Still here: nothing else can stop us. Say so and stay quiet. */
	bh_printf_unlocked("bm: PSCI SYSTEM_OFF returned; halting\n");
	for (;;) {
		__asm__ volatile("msr daifset, #0xf" : : : "memory");
		bm_wfi();
	}
}
