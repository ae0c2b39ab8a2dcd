// SPDX-License-Identifier: Apache-2.0
/*
 * Power-off on the BCM2835 family (Raspberry Pi 4's BCM2711) without PSCI:
 * its PM block's watchdog resets the SoC, and the boot partition written to
 * RSTS beforehand tells the Pi's firmware what to do next: partition 63
 * means "halt" (stay off until power is cycled). QEMU's model shuts down
 * on that very write sequence.
 */
#include <bulkhead/bits.h>

#include <arch/power.h>

#define PM_PASSWORD	       0x5a000000U /* every write must carry it */
#define PM_RSTC		       0x1c
#define PM_RSTS		       0x20
#define PM_WDOG		       0x24
#define PM_RSTC_WRCFG_MASK     0x30U
#define PM_RSTC_FULL_RESET     0x20U
/* RSTS holds the boot partition number spread over its even bits 0..10:
 * 63 sets them all. The low 12 bits are written as exactly that (QEMU's
 * model compares all 12); the bits above are kept. */
#define PM_RSTS_LOW_MASK       0xfffU
#define PM_RSTS_PARTITION_HALT 0x555U
/* Watchdog ticks (about 16 us each) before the reset. */
#define PM_WDOG_TICKS	       10U

static inline uint32_t rd(uintptr_t base, uintptr_t off)
{
	return *(volatile uint32_t *)(base + off);
}
static inline void wr(uintptr_t base, uintptr_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = PM_PASSWORD | v;
}

/* Read-modify-write keeps the other fields; the top byte is the password's. */
static void bcm2835_pm_off(uintptr_t base)
{
	wr(base, PM_RSTS,
	   (rd(base, PM_RSTS) & 0xffffffU & ~PM_RSTS_LOW_MASK) | PM_RSTS_PARTITION_HALT);
	wr(base, PM_WDOG, PM_WDOG_TICKS);
	wr(base, PM_RSTC,
	   (rd(base, PM_RSTC) & 0xffffffU & ~PM_RSTC_WRCFG_MASK) | PM_RSTC_FULL_RESET);
}

const struct power_ops power_bcm2835_pm_ops = {
	.off = bcm2835_pm_off,
};
