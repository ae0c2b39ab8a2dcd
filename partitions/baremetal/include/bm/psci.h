/* SPDX-License-Identifier: Apache-2.0 */
/* SMCCC calls and the PSCI client (PSCI 1.1, SMCCC 1.1 numbering). */
#pragma once

#include <bulkhead/types.h>

#define PSCI_VERSION	      0x84000000U
#define PSCI_CPU_OFF	      0x84000002U
#define PSCI_CPU_ON_64	      0xc4000003U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_SYSTEM_OFF	      0x84000008U
#define PSCI_SYSTEM_RESET     0x84000009U
#define PSCI_FEATURES	      0x8400000aU
#define SMCCC_VERSION	      0x80000000U
#define SMCCC_FID_64	      BIT(30) /* SMC64/HVC64 calling convention */

#define PSCI_RET_SUCCESS	    0
#define PSCI_RET_NOT_SUPPORTED	    (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED		    (-3)
#define PSCI_RET_ALREADY_ON	    (-4)
#define PSCI_RET_ON_PENDING	    (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_INVALID_ADDRESS    (-9)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON	    0
#define PSCI_AFF_OFF	    1
#define PSCI_AFF_ON_PENDING 2

struct bm_smccc_res {
	uint64_t a0, a1, a2, a3;
};

/* Raw SMCCC calls: x0..x3 in, x0..x3 out. */
struct bm_smccc_res bm_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct bm_smccc_res bm_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/* As bm_smc, but false (fault recorded, see bm_last_fault()) if the SMC
 * instruction itself took an exception, e.g. UNDEFINED without EL3. */
bool bm_smc_probe(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, struct bm_smccc_res *res);

/* PSCI over HVC. Results are the PSCI status codes above (or a value). */
int64_t bm_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t bm_psci_version(void);
int64_t bm_psci_features(uint32_t fid);
int64_t bm_smccc_version(void);
int64_t bm_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id);
int64_t bm_psci_cpu_off(void); /* returns only on failure */
int64_t bm_psci_affinity_info(uint64_t mpidr, uint32_t lowest_level);
int64_t bm_psci_system_reset(void); /* returns only on failure */
__noreturn void bm_psci_system_off(void);
