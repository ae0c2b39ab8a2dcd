/* SPDX-License-Identifier: Apache-2.0 */
/* Generic timer: virtual counter, busy delays and the EL1 virtual timer. */
#pragma once

#include <bm/sysreg.h>

#define BM_VTIMER_PPI 27 /* EL1 virtual timer on QEMU virt (and Bulkhead cells) */

static inline uint64_t bm_cntvct(void)
{
	bm_isb(); /* do not let the read float above earlier instructions */
	return bm_read_sysreg(cntvct_el0);
}
static inline uint64_t bm_cntfrq(void)
{
	return bm_read_sysreg(cntfrq_el0);
}
uint64_t bm_us_to_ticks(uint64_t us);
uint64_t bm_ticks_to_us(uint64_t ticks);
void bm_delay_ticks(uint64_t ticks);
void bm_udelay(uint64_t us);

/* Virtual timer: fire when CNTVCT >= cval (level PPI 27 while pending). */
void bm_vtimer_arm(uint64_t cval);
void bm_vtimer_arm_in(uint64_t ticks);
void bm_vtimer_stop(void);
bool bm_vtimer_pending(void); /* CNTV_CTL.ISTATUS */
