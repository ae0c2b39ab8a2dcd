/* SPDX-License-Identifier: Apache-2.0 */
/* PSCI 1.1 / SMCCC function IDs and return codes. */
#pragma once

#define PSCI_VERSION	      0x84000000U
#define PSCI_CPU_SUSPEND_64   0xc4000001U
#define PSCI_CPU_OFF	      0x84000002U
#define PSCI_CPU_ON_64	      0xc4000003U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_SYSTEM_OFF	      0x84000008U
#define PSCI_SYSTEM_RESET     0x84000009U
#define PSCI_FEATURES	      0x8400000aU

#define PSCI_RET_SUCCESS	    0
#define PSCI_RET_NOT_SUPPORTED	    (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED		    (-3)
#define PSCI_RET_ALREADY_ON	    (-4)
#define PSCI_RET_ON_PENDING	    (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)

#ifndef __ASSEMBLY__
#include <bulkhead/types.h>
/* Call the firmware through the board's conduit. */
int64_t arch_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
#endif
