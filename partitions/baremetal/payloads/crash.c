// SPDX-License-Identifier: Apache-2.0
/*
 * crash: proves the failure path. The second test takes an exception no
 * probe expects; the runtime must dump it, fail that test and report
 * "BM-RESULT: 1 passed, 1 failed" before powering off. The third test
 * must never run. A run of this payload is correct when it FAILS so.
 */
#include <bm/bm.h>

BM_PAYLOAD("crash");

#define CRASH_ADDR 0x04000ba0ULL /* in the unmapped first 128 MiB */

TEST(before_crash)
{
	EXPECT_EQ(bm_current_el(), 1);
}

TEST(unexpected_data_abort)
{
	bh_printf("crash: reading 0x%lx without a probe\n", (unsigned long)CRASH_ADDR);
	(void)bm_read64(CRASH_ADDR);
	bh_printf("crash: still running after the abort\n");
}

TEST(never_runs)
{
	EXPECT_TRUE(false);
}
