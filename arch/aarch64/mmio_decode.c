// SPDX-License-Identifier: Apache-2.0
/* Data-abort syndrome decoding for MMIO emulation (pure: unit-tested). */
#include <bulkhead/errno.h>
#include <bulkhead/mmio.h>

#include <arch/esr.h>

int arch_mmio_decode(uint64_t esr, uint64_t ipa, struct mmio_access *a)
{
	/* No syndrome, or a stage-1 walk hitting a hole: nothing to emulate. */
	if (!(esr & ESR_DABT_ISV) || (esr & ESR_DABT_S1PTW))
		return -BH_EINVAL;
	a->addr = ipa;
	a->size = 1U << FIELD_GET(ESR_DABT_SAS, esr);
	a->reg = (unsigned int)FIELD_GET(ESR_DABT_SRT, esr);
	a->write = (esr & ESR_DABT_WNR) != 0;
	a->sign_extend = (esr & ESR_DABT_SSE) != 0;
	a->reg64 = (esr & ESR_DABT_SF) != 0;
	a->value = 0;
	return 0;
}
