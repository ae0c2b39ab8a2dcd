// SPDX-License-Identifier: Apache-2.0
/*
 * The Raspberry Pi's power-off (arch/aarch64/power_bcm2835.c) against a
 * plain block of registers: every write carries the PM password, RSTS says
 * exactly "halt" (partition 63) in its low 12 bits and keeps the others,
 * the watchdog is armed,
 * and RSTC asks for a full reset with its other fields kept.
 */
#include <arch/power.h>

#include "ut.h"

#define PM_RSTC 0x1c
#define PM_RSTS 0x20
#define PM_WDOG 0x24

TEST(bcm2835_pm_off_halts_through_a_watchdog_reset)
{
	uint32_t pm[0x30 / 4] = {0};

	pm[PM_RSTC / 4] = 0x00000102; /* reset values (QEMU's, as documented) */
	pm[PM_RSTS / 4] = 0x00001000;
	power_bcm2835_pm_ops.off((uintptr_t)pm);
	EXPECT_EQ(pm[PM_RSTS / 4], 0x5a001555);
	EXPECT_EQ(pm[PM_WDOG / 4], 0x5a00000a);
	EXPECT_EQ(pm[PM_RSTC / 4], 0x5a000122);
}

TEST(bcm2835_pm_off_replaces_a_pending_reset_configuration)
{
	uint32_t pm[0x30 / 4] = {0};

	pm[PM_RSTC / 4] = 0x5a000030; /* WRCFG all ones, password bits read back */
	pm[PM_RSTS / 4] = 0x5a001aaa; /* status flags set, power-on bit */
	power_bcm2835_pm_ops.off((uintptr_t)pm);
	EXPECT_EQ(pm[PM_RSTS / 4], 0x5a001555);
	EXPECT_EQ(pm[PM_RSTC / 4], 0x5a000020);
}
