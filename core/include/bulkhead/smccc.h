/* SPDX-License-Identifier: Apache-2.0 */
/* Guest-facing firmware interface: SMCCC, PSCI and Bulkhead's hypercalls. */
#pragma once

#include <bulkhead/types.h>

struct vcpu;

#define SMCCC_VERSION		    0x80000000U
#define SMCCC_ARCH_FEATURES	    0x80000001U
#define SMCCC_VERSION_1_1	    0x10001
#define SMCCC_RET_NOT_SUPPORTED	    (-1)
#define SMCCC_RET_INVALID_PARAMETER (-2)

/*
 * Bulkhead hypercalls: SMCCC fast calls, SMC64, owner "vendor-specific
 * hypervisor service" (6). Arguments in x1..x3, status in x0.
 */
#define BH_HC_BASE		0xc6000000U
#define BH_HC_CELL_INFO		(BH_HC_BASE + 0) /* -> x1 cell index, x2 vCPU, x3 vCPUs */
#define BH_HC_CONSOLE_WRITE	(BH_HC_BASE + 1) /* (ipa, len <= 256) -> x0 bytes or error */
#define BH_HC_VCPU_EXITS	(BH_HC_BASE + 2) /* -> x1 guest exits of this vCPU so far */
#define BH_HC_CONSOLE_WRITE_MAX 256
/* BH_HC_CONSOLE_WRITE: the cell's console ring cannot take it now; the text
 * was not taken, try again (a cell writing faster than the UART waits). */
#define BH_HC_RET_BUSY		(-10)

/* Handle an SMCCC call (HVC or trapped SMC) from @v; results in x0..x3. */
void smccc_call(struct vcpu *v);
