/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trapped system-register accesses the arch emulates for a guest: its
 * self-hosted debug (vdebug.c) and its PMU (vpmu.c). trap.c decodes the
 * access and moves the value to and from the guest's register.
 */
#pragma once

#include <bulkhead/types.h>

struct vcpu;

/* An MRS/MSR trapped with EC 0x18, by its encoding. */
struct sysreg_access {
	unsigned int op0, op1, crn, crm, op2;
	bool read;
};

/*
 * Each returns false when the access is UNDEFINED for the guest (the caller
 * injects an undefined-instruction exception). *val is the value written,
 * or receives the value read.
 */
bool vdebug_access(struct vcpu *v, const struct sysreg_access *a, uint64_t *val);
bool vpmu_access(struct vcpu *v, const struct sysreg_access *a, uint64_t *val);

/* A PMUv3 register: PMCR_EL0 ... PMCCFILTR_EL0, PMINTEN*_EL1, PMMIR_EL1. */
static inline bool sysreg_is_pmu(const struct sysreg_access *a)
{
	if (a->op0 != 3)
		return false;
	if (a->op1 == 3)
		return (a->crn == 9 && a->crm >= 12) || (a->crn == 14 && a->crm >= 8);
	return a->op1 == 0 && a->crn == 9 && a->crm == 14;
}

/* This CPU, once at boot: the physical OS lock and double lock released
 * (guests see emulated ones), so the guest's debug exceptions can happen. */
void vdebug_init_cpu(void);
/* The PMU controls of MDCR_EL2 for this CPU (HPMN, HPMD, HCCD, TPM). */
uint64_t vpmu_init_cpu(void);
/* vCPU (re)start: nothing armed or counting from an earlier run. */
void vdebug_reset(struct vcpu *v);
void vpmu_reset(struct vcpu *v);
