// SPDX-License-Identifier: Apache-2.0
/*
 * faultonce: on its first boot the cell starts vCPU 1 spinning with
 * interrupts masked, then touches memory it does not own with a plain load.
 * Under fault-policy "restart" Bulkhead must pull vCPU 1 out of the guest
 * and start the cell afresh: the second boot checks that and passes. Under
 * "stop" the cell just ends there (the harness checks the dump). Under
 * "inject" the load would come back with an abort: reported as a failure.
 */
#include <bm/bm.h>

BM_PAYLOAD("faultonce");

#define OUTSIDE_ADDR 0x48000000ULL /* beyond this cell's RAM */

static uint64_t boot;

static void spin_masked(void *arg)
{
	(void)arg;
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("" : : : "memory");
}

void bm_main(void)
{
	boot = bm_boot_count_next();
	if (boot > 1) {
		bm_boot_count_clear();
		return;
	}
	if (bm_plat.ncpus >= 2 && bm_cpu_on(1, spin_masked, NULL) == PSCI_RET_SUCCESS)
		bm_vcpu_wait_state(1, PSCI_AFF_ON, 1000000);
	bh_printf("faultonce: vCPU 1 spins with interrupts masked; loading from %#llx\n",
		  (unsigned long long)OUTSIDE_ADDR);
	(void)*(volatile uint64_t *)(uintptr_t)OUTSIDE_ADDR;
	bm_boot_count_clear();
	bm_fatal("the access outside the cell came back: the fault was not contained");
}

TEST(restarted_after_fault)
{
	EXPECT_EQ(boot, 2);
}

TEST(spinning_vcpu_was_stopped)
{
	if (bm_plat.ncpus < 2) {
		bm_test_skip("one vcpu");
		return;
	}
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
}
