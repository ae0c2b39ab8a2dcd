// SPDX-License-Identifier: Apache-2.0
/*
 * A cell's PMU is its own (its CPU is), but never counts at EL2: Bulkhead's
 * work for other cells must not show in a guest's counters.
 *
 * PMUv3p5 says so by itself: MDCR_EL2.HPMD keeps the event counters and
 * MDCR_EL2.HCCD the cycle counter from counting at EL2; then nothing traps.
 * Below that (HPMD alone leaves the cycle counter running at EL2, and
 * PMUv3.0 has neither) every PMU access traps (MDCR_EL2.TPM: before FEAT_FGT
 * there is no finer trap) and is performed here on the guest's behalf, with
 * the EL2 filter bit (NSH) of every event type and of the cycle filter
 * forced clear in hardware. The guest reads back the NSH it wrote.
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>

#include <arch/sysreg.h>
#include <arch/vsysreg.h>

#include <config.h>

/* Per physical CPU (a CPU runs one vCPU for good). */
struct vpmu {
	bool trapped;	/* MDCR_EL2.TPM set on this CPU */
	bool el3;	/* EL3 implemented: the NSK/NSU filter bits apply */
	unsigned int n; /* event counters (PMCR_EL0.N) */
	unsigned int v; /* ID_AA64DFR0_EL1.PMUVer */
	uint32_t nsh;	/* the guest's NSH: bit n for counter n, bit 31 PMCCFILTR */
};

static struct vpmu vpmu[BH_NR_CPUS];

static bool has_pmuv3(unsigned int ver)
{
	return ver != PMUVER_NONE && ver != PMUVER_IMPDEF;
}

uint64_t vpmu_init_cpu(void)
{
	struct vpmu *p = &vpmu[arch_cpu_id()];
	uint64_t mdcr;

	p->v = (unsigned int)FIELD_GET(ID_AA64DFR0_PMUVER, read_id_aa64dfr0_el1());
	if (!has_pmuv3(p->v))
		return 0; /* PMU registers are UNDEFINED anyway */
	p->n = (unsigned int)FIELD_GET(PMCR_N, read_pmcr_el0());
	p->el3 = FIELD_GET(ID_AA64PFR0_EL3, read_id_aa64pfr0_el1()) != 0;
	mdcr = FIELD_PREP(MDCR_EL2_HPMN, p->n); /* every counter is the guest's */
	if (p->v >= PMUVER_V3P1)
		mdcr |= MDCR_EL2_HPMD;
	if (p->v >= PMUVER_V3P5)
		mdcr |= MDCR_EL2_HCCD;
	else
		mdcr |= MDCR_EL2_TPM;
	p->trapped = p->v < PMUVER_V3P5;
	return mdcr;
}

/* PMEVTYPER<n>_EL0 (n < N) or, for n = 31, PMCCFILTR_EL0. */
static uint64_t type_read(const struct vpmu *p, unsigned int n)
{
	uint64_t t;

	if (n == PMU_CYCLE_COUNTER) {
		t = read_pmccfiltr_el0();
	} else {
		uint64_t sel = read_pmselr_el0();

		write_pmselr_el0(n);
		isb();
		t = read_pmxevtyper_el0();
		write_pmselr_el0(sel);
		isb();
	}
	return t | ((p->nsh & BIT(n)) ? PMEVTYPER_NSH : 0);
}

static void type_write(struct vpmu *p, unsigned int n, uint64_t t)
{
	if (t & PMEVTYPER_NSH)
		p->nsh |= (uint32_t)BIT(n);
	else
		p->nsh &= ~(uint32_t)BIT(n);
	t &= ~PMEVTYPER_NSH; /* never count at EL2 */
	if (n == PMU_CYCLE_COUNTER) {
		write_pmccfiltr_el0(t);
	} else {
		uint64_t sel = read_pmselr_el0();

		write_pmselr_el0(n);
		isb();
		write_pmxevtyper_el0(t);
		write_pmselr_el0(sel);
		isb();
	}
}

/* PMEVCNTR<n>_EL0, n < N. */
static uint64_t counter_access(unsigned int n, bool write, uint64_t val)
{
	uint64_t sel = read_pmselr_el0();

	write_pmselr_el0(n);
	isb();
	if (write)
		write_pmxevcntr_el0(val);
	else
		val = read_pmxevcntr_el0();
	write_pmselr_el0(sel);
	isb();
	return val;
}

/* Would event type @t count at the guest's EL (Non-secure EL1 or EL0)? */
static bool counts_at(const struct vpmu *p, uint64_t t, bool el0)
{
	bool off = (t & (el0 ? PMEVTYPER_U : PMEVTYPER_P)) != 0;

	if (p->el3)
		off ^= (t & (el0 ? PMEVTYPER_NSU : PMEVTYPER_NSK)) != 0;
	return !off;
}

/*
 * PMSWINC_EL0. A software increment counts where the guest executed it,
 * under its filters; performed here it would count at EL2, which is
 * filtered out: done in software. Below PMUv3p5 event counters are 32 bits.
 */
static void software_increment(const struct vcpu *v, const struct vpmu *p, uint64_t mask)
{
	bool el0 = FIELD_GET(SPSR_M, v->regs.spsr) == SPSR_MODE_EL0T;
	uint64_t enabled = (read_pmcr_el0() & PMCR_E) ? read_pmcntenset_el0() : 0;

	for (unsigned int n = 0; n < p->n; n++) {
		uint64_t t, c;

		if (!(mask & enabled & BIT(n)))
			continue;
		t = type_read(p, n);
		if (FIELD_GET(PMEVTYPER_EVTCOUNT, t) != PMU_EVENT_SW_INCR || !counts_at(p, t, el0))
			continue;
		c = counter_access(n, false, 0);
		counter_access(n, true, (c + 1) & 0xffffffffULL);
		if ((c & 0xffffffffULL) == 0xffffffffULL)
			write_pmovsset_el0(BIT(n)); /* overflow: the PMU interrupt, if enabled */
	}
}

#define PMU_REG(op1, crm, op2) (((op1) << 8) | ((crm) << 4) | (op2)) /* CRn 9 */

/* Read-write registers without a filter, passed straight through. */
#define PMU_RW(enc, reg)                     \
	case enc:                            \
		if (write)                   \
			write_##reg(*val);   \
		else                         \
			*val = read_##reg(); \
		return true;
#define PMU_RO(enc, reg)              \
	case enc:                     \
		if (write)            \
			return false; \
		*val = read_##reg();  \
		return true;

bool vpmu_access(struct vcpu *v, const struct sysreg_access *a, uint64_t *val)
{
	struct vpmu *p = &vpmu[v->pcpu];
	bool write = !a->read;
	unsigned int n;

	if (!p->trapped)
		return false;
	if (a->crn == 14) { /* PMEVCNTR<n>_EL0 (CRm 8-11), PMEVTYPER<n>_EL0 (CRm 12-15) */
		n = ((a->crm & 3) << 3) | a->op2;
		if (a->crm >= 12 && n == PMU_CYCLE_COUNTER) {
			/* PMCCFILTR_EL0 */
		} else if (n >= p->n) {
			return false; /* not implemented: UNDEFINED */
		} else if (a->crm < 12) {
			*val = counter_access(n, write, *val);
			return true;
		}
		if (write)
			type_write(p, n, *val);
		else
			*val = type_read(p, n);
		return true;
	}
	switch (PMU_REG(a->op1, a->crm, a->op2)) {
		PMU_RW(PMU_REG(3, 12, 0), pmcr_el0)
		PMU_RW(PMU_REG(3, 12, 1), pmcntenset_el0)
		PMU_RW(PMU_REG(3, 12, 2), pmcntenclr_el0)
		PMU_RW(PMU_REG(3, 12, 3), pmovsclr_el0)
		PMU_RW(PMU_REG(3, 12, 5), pmselr_el0)
		PMU_RO(PMU_REG(3, 12, 6), pmceid0_el0)
		PMU_RO(PMU_REG(3, 12, 7), pmceid1_el0)
		PMU_RW(PMU_REG(3, 13, 0), pmccntr_el0)
		PMU_RW(PMU_REG(3, 14, 0), pmuserenr_el0)
		PMU_RW(PMU_REG(3, 14, 3), pmovsset_el0)
		PMU_RW(PMU_REG(0, 14, 1), pmintenset_el1)
		PMU_RW(PMU_REG(0, 14, 2), pmintenclr_el1)
	case PMU_REG(3, 12, 4): /* PMSWINC_EL0, write-only */
		if (!write)
			return false;
		software_increment(v, p, *val);
		return true;
	case PMU_REG(0, 14, 6): /* PMMIR_EL1 */
		if (write || p->v < PMUVER_V3P4)
			return false;
		*val = read_pmmir_el1();
		return true;
	case PMU_REG(3, 13, 1): /* PMXEVTYPER_EL0: the type PMSELR_EL0 selects */
	case PMU_REG(3, 13, 2): /* PMXEVCNTR_EL0: the counter PMSELR_EL0 selects */
		break;
	default:
		return false;
	}
	n = (unsigned int)FIELD_GET(PMSELR_SEL, read_pmselr_el0());
	if (a->op2 == 1 && (n < p->n || n == PMU_CYCLE_COUNTER)) {
		if (write)
			type_write(p, n, *val);
		else
			*val = type_read(p, n);
	} else if (a->op2 == 2 && n < p->n) {
		*val = counter_access(n, write, *val);
	} else if (!write) {
		*val = 0; /* no such counter: CONSTRAINED UNPREDICTABLE, RAZ/WI */
	}
	return true;
}

void vpmu_reset(struct vcpu *v)
{
	struct vpmu *p = &vpmu[v->pcpu];

	if (!has_pmuv3(p->v))
		return;
	/* Counters stopped and zeroed, nothing enabled, overflowed or open to
	 * EL0, every filter as at reset: nothing of an earlier run is left. */
	write_pmcr_el0(PMCR_P | PMCR_C);
	write_pmcntenclr_el0(0xffffffffULL);
	write_pmintenclr_el1(0xffffffffULL);
	write_pmovsclr_el0(0xffffffffULL);
	write_pmuserenr_el0(0);
	for (unsigned int n = 0; n < p->n; n++) {
		write_pmselr_el0(n);
		isb();
		write_pmxevtyper_el0(0);
		write_pmxevcntr_el0(0);
	}
	write_pmselr_el0(0);
	write_pmccfiltr_el0(0);
	write_pmccntr_el0(0);
	p->nsh = 0;
}
