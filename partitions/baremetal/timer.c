// SPDX-License-Identifier: Apache-2.0
/* Generic-timer helpers on the virtual counter (the one a guest owns). */
#include "internal.h"

uint64_t bm_us_to_ticks(uint64_t us)
{
	uint64_t f = bm_cntfrq();

	/* Split so that neither product overflows for any sane frequency. */
	return (us / 1000000) * f + (us % 1000000) * f / 1000000;
}

uint64_t bm_ticks_to_us(uint64_t ticks)
{
	uint64_t f = bm_cntfrq();

	if (!f)
		return 0;
	return (ticks / f) * 1000000 + (ticks % f) * 1000000 / f;
}

void bm_delay_ticks(uint64_t ticks)
{
	uint64_t start = bm_cntvct();

	while (bm_cntvct() - start < ticks)
		bm_cpu_relax();
}

void bm_udelay(uint64_t us)
{
	bm_delay_ticks(bm_us_to_ticks(us));
}

void bm_vtimer_arm(uint64_t cval)
{
	bm_write_sysreg(cntv_cval_el0, cval);
	bm_write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	bm_isb();
}

void bm_vtimer_arm_in(uint64_t ticks)
{
	bm_vtimer_arm(bm_cntvct() + ticks);
}

void bm_vtimer_stop(void)
{
	bm_write_sysreg(cntv_ctl_el0, 0);
	bm_isb();
}

bool bm_vtimer_pending(void)
{
	return bm_read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS;
}
