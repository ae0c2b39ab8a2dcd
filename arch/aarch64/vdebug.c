// SPDX-License-Identifier: Apache-2.0
/*
 * A cell's self-hosted debug: hardware breakpoints, watchpoints and
 * software step are the guest's own, as its CPU is; what reaches shared or
 * external state stays with Bulkhead (docs/traps.md says which is which).
 *
 * MDCR_EL2.TDA/TDOSA/TDRA trap every debug register: before FEAT_FGT that
 * is the only way to keep the Debug Communications Channel, the claim tags
 * and the OS lock from the guest. The breakpoint and watchpoint registers
 * and MDSCR_EL1 are written through to the CPU, without their EL2-matching
 * and external-debug bits. The guest's OS lock and OS double lock are
 * emulated; the physical ones stay released, or no debug exception could
 * happen at all. Debug exceptions target EL1 (MDCR_EL2.TDE = 0,
 * HCR_EL2.TGE = 0): the architecture never generates them at EL2.
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>

#include <arch/sysreg.h>
#include <arch/vsysreg.h>

#include <config.h>

/* The guest's view, per physical CPU (a CPU runs one vCPU for good). */
struct vdebug {
	uint64_t mdscr; /* MDSCR_EL1 as the guest wrote it (its own fields) */
	bool oslk;	/* its OS lock */
	bool dlk;	/* its OS double lock */
};

static struct vdebug vdebug[BH_NR_CPUS];

#define MDSCR_GUEST	   (MDSCR_EL1_SS | MDSCR_EL1_TDCC | MDSCR_EL1_KDE | MDSCR_EL1_MDE)
/* What the OS lock (or double lock) disables: every debug exception but BRK. */
#define MDSCR_DEBUG_EVENTS (MDSCR_EL1_SS | MDSCR_EL1_KDE | MDSCR_EL1_MDE)

/* op2 of DBG{B,W}{V,C}R<n>_EL1 (op0 2, op1 0, CRn 0, CRm n) */
enum { DBG_BVR = 4, DBG_BCR = 5, DBG_WVR = 6, DBG_WCR = 7 };

static unsigned int breakpoints(void)
{
	return (unsigned int)FIELD_GET(ID_AA64DFR0_BRPS, read_id_aa64dfr0_el1()) + 1;
}

static unsigned int watchpoints(void)
{
	return (unsigned int)FIELD_GET(ID_AA64DFR0_WRPS, read_id_aa64dfr0_el1()) + 1;
}

/* One MRS/MSR per register: DBGxxR<n>_EL1 has no indirect access. */
#define DBG_CASE(kind, n)                             \
	case n:                                       \
		if (write)                            \
			write_##kind##n##_el1(val);   \
		else                                  \
			val = read_##kind##n##_el1(); \
		break;
#define DBG_ACCESSOR(kind)                                                      \
	static uint64_t access_##kind(unsigned int n, bool write, uint64_t val) \
	{                                                                       \
		switch (n) {                                                    \
			DBG_CASE(kind, 0)                                       \
			DBG_CASE(kind, 1)                                       \
			DBG_CASE(kind, 2)                                       \
			DBG_CASE(kind, 3)                                       \
			DBG_CASE(kind, 4)                                       \
			DBG_CASE(kind, 5)                                       \
			DBG_CASE(kind, 6)                                       \
			DBG_CASE(kind, 7)                                       \
			DBG_CASE(kind, 8)                                       \
			DBG_CASE(kind, 9)                                       \
			DBG_CASE(kind, 10)                                      \
			DBG_CASE(kind, 11)                                      \
			DBG_CASE(kind, 12)                                      \
			DBG_CASE(kind, 13)                                      \
			DBG_CASE(kind, 14)                                      \
			DBG_CASE(kind, 15)                                      \
		default:                                                        \
			break;                                                  \
		}                                                               \
		return val;                                                     \
	}
DBG_ACCESSOR(dbgbvr)
DBG_ACCESSOR(dbgbcr)
DBG_ACCESSOR(dbgwvr)
DBG_ACCESSOR(dbgwcr)

static uint64_t access_bp_wp(unsigned int op2, unsigned int n, bool write, uint64_t val)
{
	switch (op2) {
	case DBG_BVR:
		return access_dbgbvr(n, write, val);
	case DBG_BCR:
		return access_dbgbcr(n, write, val);
	case DBG_WVR:
		return access_dbgwvr(n, write, val);
	default:
		return access_dbgwcr(n, write, val);
	}
}

/*
 * A breakpoint or watchpoint never matches at EL2: HMC is dropped. One
 * that then names no EL a cell has (PMC/PAC 0), or the security-state
 * encoding that only HMC makes valid, is a reserved combination whose
 * CONSTRAINED UNPREDICTABLE behaviour may match anywhere: it stays off.
 * Matching at EL2 could not raise a debug exception there (they target
 * EL1), but would halt the CPU inside Bulkhead under an external debugger.
 */
static uint64_t control_for_hw(uint64_t v)
{
	v &= ~DBGXCR_HMC;
	if (FIELD_GET(DBGXCR_PMC, v) == 0 || FIELD_GET(DBGXCR_SSC, v) == 3)
		v &= ~DBGXCR_E;
	return v;
}

/* MDSCR_EL1 in the CPU: the guest's, with debug events off while its OS
 * lock or double lock holds. */
static void apply_mdscr(const struct vdebug *d)
{
	uint64_t m = d->mdscr;

	if (d->oslk || d->dlk)
		m &= ~MDSCR_DEBUG_EVENTS;
	write_mdscr_el1(m);
}

bool vdebug_access(struct vcpu *v, const struct sysreg_access *a, uint64_t *val)
{
	struct vdebug *d = &vdebug[v->pcpu];
	bool write = !a->read;

	if (a->op1 == 0 && a->crn == 0 && a->op2 >= DBG_BVR) {
		bool bp = a->op2 <= DBG_BCR;

		if (a->crm >= (bp ? breakpoints() : watchpoints()))
			return false; /* not implemented: UNDEFINED */
		if (write && (a->op2 == DBG_BCR || a->op2 == DBG_WCR))
			*val = control_for_hw(*val);
		*val = access_bp_wp(a->op2, a->crm, write, *val);
		return true;
	}
	if (a->op1 == 0 && a->crn == 0 && a->crm == 2 && a->op2 == 2) { /* MDSCR_EL1 */
		if (write) {
			d->mdscr = *val & MDSCR_GUEST;
			apply_mdscr(d);
		} else {
			*val = d->mdscr;
		}
		return true;
	}
	if (a->op1 == 0 && a->crn == 1 && a->op2 == 4) {
		switch (a->crm) {
		case 0: /* OSLAR_EL1, write-only */
			if (!write)
				return false;
			d->oslk = (*val & OSLAR_EL1_OSLK) != 0;
			apply_mdscr(d);
			return true;
		case 1: /* OSLSR_EL1, read-only */
			if (write)
				return false;
			*val = OSLSR_EL1_OSLM_2 | (d->oslk ? OSLSR_EL1_OSLK : 0);
			return true;
		case 3: /* OSDLR_EL1 */
			if (write) {
				d->dlk = (*val & OSDLR_EL1_DLK) != 0;
				apply_mdscr(d);
			} else {
				*val = d->dlk ? OSDLR_EL1_DLK : 0;
			}
			return true;
		default:
			break;
		}
	}
	/*
	 * The rest reaches the external debug interface or state beyond the
	 * CPU: the DCC (MDCCSR_EL0, DBGDTR*, MDCCINT_EL1, OSDTR*, OSECCR),
	 * claim tags, DBGAUTHSTATUS, DBGPRCR (power-down requests), MDRAR (the
	 * debug ROM's physical address), and trace: read-as-zero, write-ignored.
	 */
	if (!write)
		*val = 0;
	return true;
}

void vdebug_init_cpu(void)
{
	/* Cold reset leaves the OS lock locked: no debug exceptions at all. */
	write_osdlr_el1(0);
	write_oslar_el1(0);
	isb();
}

void vdebug_reset(struct vcpu *v)
{
	struct vdebug *d = &vdebug[v->pcpu];
	unsigned int nbrp = breakpoints(), nwrp = watchpoints();

	/* As a cold reset leaves the guest's view: the OS lock locked. */
	d->mdscr = 0;
	d->oslk = true;
	d->dlk = false;
	apply_mdscr(d);
	for (unsigned int n = 0; n < nbrp; n++) {
		access_dbgbcr(n, true, 0);
		access_dbgbvr(n, true, 0);
	}
	for (unsigned int n = 0; n < nwrp; n++) {
		access_dbgwcr(n, true, 0);
		access_dbgwvr(n, true, 0);
	}
}
