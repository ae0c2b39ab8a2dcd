// SPDX-License-Identifier: Apache-2.0
/*
 * reset: PSCI SYSTEM_RESET restarts the cell. A boot counter at RAM + 8 MiB
 * (outside the loaded image, so reloading the image leaves it alone)
 * counts boots: the first prints BM-BOOTCOUNT: 1 and resets, the second
 * prints BM-BOOTCOUNT: 2, clears the counter and reports the result.
 * Before the reset the first boot leaves traces a real reset must wipe:
 * vCPU 1 running, and initialised data changed.
 */
#include <bm/bm.h>

BM_PAYLOAD("reset");

static uint64_t this_boot;
static volatile uint64_t image_data = 0x1111111111111111ULL; /* as loaded */

static void spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		bm_wfe();
}

void bm_main(void)
{
	this_boot = bm_boot_count_next();
	if (this_boot == 1) {
		int64_t r;

		image_data = 0x2222222222222222ULL;
		bm_dcache_clean((const void *)&image_data, sizeof(image_data));
		if (bm_plat.ncpus >= 2 && bm_cpu_on(1, spin_forever, NULL) == PSCI_RET_SUCCESS)
			bm_vcpu_wait_state(1, PSCI_AFF_ON, 1000000);
		r = bm_psci_system_reset();
		/* SYSTEM_RESET does not return. */
		bm_boot_count_clear();
		bm_fatal("PSCI SYSTEM_RESET returned %ld", (long)r);
	}
	/* Clear it first, so whatever happens next the next run starts at 1. */
	bm_boot_count_clear();
}

TEST(second_boot)
{
	EXPECT_EQ(this_boot, 2);
}

TEST(image_reloaded)
{
	/* Reset restarts the cell from its image, not from where it was. */
	EXPECT_EQ(image_data, 0x1111111111111111ULL);
}

TEST(secondaries_off_after_reset)
{
	if (bm_plat.ncpus < 2) {
		bm_test_skip("one vcpu");
		return;
	}
	/* vCPU 1 was spinning when the first boot reset the cell. */
	EXPECT_EQ(bm_psci_affinity_info(bm_vcpu_mpidr(1), 0), PSCI_AFF_OFF);
}
