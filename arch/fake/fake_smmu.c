// SPDX-License-Identifier: Apache-2.0
/*
 * A model of the SMMUv3 programming interface, enough for the driver's
 * logic to run in host unit tests: acknowledged control registers, a
 * command queue consumed on each PROD write (commands logged for the
 * tests), refusals and stalls on request, and events the tests inject.
 * Memory addresses the driver hands it are host pointers.
 */
#include <string.h>

#include <arch/fake.h>
#include <arch/smmu_io.h>
#include <arch/smmuv3.h>

#define SMMU_REG_SPACE 0x20000

static uint8_t regs[SMMU_REG_SPACE];
struct fake_smmu fake_smmu;

static uint32_t get32(uint64_t off)
{
	uint32_t v;

	memcpy(&v, &regs[off], 4);
	return v;
}
static void put32(uint64_t off, uint32_t v)
{
	memcpy(&regs[off], &v, 4);
}
static uint64_t get64(uint64_t off)
{
	uint64_t v;

	memcpy(&v, &regs[off], 8);
	return v;
}

void fake_smmu_reset(uint32_t idr0, uint32_t idr1, uint32_t idr5)
{
	memset(regs, 0, sizeof(regs));
	memset(&fake_smmu, 0, sizeof(fake_smmu));
	put32(SMMU_IDR0, idr0);
	put32(SMMU_IDR1, idr1);
	put32(SMMU_IDR5, idr5);
}

static uint64_t *queue(uint64_t base_reg, unsigned int *shift)
{
	uint64_t base = get64(base_reg);

	*shift = (unsigned int)FIELD_GET(SMMU_Q_LOG2SIZE, base);
	return (uint64_t *)(uintptr_t)(base & SMMU_ADDR_MASK);
}

/* Consume commands up to PROD, unless told to stall or to refuse one. */
static void consume(void)
{
	unsigned int shift;
	uint64_t *q = queue(SMMU_CMDQ_BASE, &shift);
	uint32_t mask = (2U << shift) - 1, cons = get32(SMMU_CMDQ_CONS) & mask;

	if (fake_smmu.stalled)
		return;
	while (cons != (get32(SMMU_CMDQ_PROD) & mask)) {
		const uint64_t *c = &q[2 * (cons & ((1U << shift) - 1))];
		unsigned int op = (unsigned int)FIELD_GET(SMMU_CMD_OP, c[0]);

		if (op == fake_smmu.refuse_op && !fake_smmu.refused) {
			fake_smmu.refused = true;
			put32(SMMU_CMDQ_CONS, cons | (1U << SMMU_CMDQ_CONS_ERR_SHIFT));
			put32(SMMU_GERROR, get32(SMMU_GERROR) ^ (uint32_t)SMMU_GERROR_CMDQ_ERR);
			return;
		}
		if (fake_smmu.ncmds < FAKE_SMMU_LOG) {
			fake_smmu.cmds[fake_smmu.ncmds][0] = c[0];
			fake_smmu.cmds[fake_smmu.ncmds][1] = c[1];
			fake_smmu.ncmds++;
		}
		cons = (cons + 1) & mask;
		put32(SMMU_CMDQ_CONS, cons);
	}
}

uint32_t smmu_read32(uint64_t off)
{
	return get32(off);
}

void smmu_write32(uint64_t off, uint32_t v)
{
	put32(off, v);
	switch (off) {
	case SMMU_CR0:
		if (!fake_smmu.cr0_stuck)
			put32(SMMU_CR0ACK, v);
		break;
	case SMMU_GBPA:
		put32(SMMU_GBPA, v & ~(uint32_t)SMMU_GBPA_UPDATE);
		break;
	case SMMU_IRQ_CTRL:
		put32(SMMU_IRQ_CTRLACK, v);
		break;
	case SMMU_CMDQ_PROD:
	case SMMU_GERRORN: /* an acknowledged error lets the queue go on */
		if ((get32(SMMU_CR0) & SMMU_CR0_CMDQEN) &&
		    !((get32(SMMU_GERROR) ^ get32(SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR)) {
			put32(SMMU_CMDQ_CONS,
			      get32(SMMU_CMDQ_CONS) & ((1U << SMMU_CMDQ_CONS_ERR_SHIFT) - 1));
			consume();
		}
		break;
	default:
		break;
	}
}

void smmu_write64(uint64_t off, uint64_t v)
{
	memcpy(&regs[off], &v, 8);
}

void fake_smmu_unstall(void)
{
	fake_smmu.stalled = false;
	consume();
}

void fake_smmu_event(unsigned int type, uint32_t sid, uint64_t addr, bool write)
{
	unsigned int shift;
	uint64_t *q = queue(SMMU_EVENTQ_BASE, &shift);
	uint32_t mask = (2U << shift) - 1, prod = get32(SMMU_EVENTQ_PROD);
	uint64_t *e = &q[4 * (prod & ((1U << shift) - 1))];

	e[0] = FIELD_PREP(SMMU_EVT_TYPE, type) | FIELD_PREP(SMMU_EVT_SID, sid);
	e[1] = SMMU_EVT1_S2 | (write ? 0 : SMMU_EVT1_RNW);
	e[2] = addr;
	e[3] = addr & GENMASK(51, 12);
	put32(SMMU_EVENTQ_PROD, (prod & (uint32_t)SMMU_Q_OVF) | (((prod & mask) + 1) & mask));
}

uint64_t fake_smmu_reg64(uint64_t off)
{
	return get64(off);
}
