// SPDX-License-Identifier: Apache-2.0
/*
 * What a guest reaches with HVC or SMC: PSCI 1.1 for its own vCPUs, SMCCC
 * discovery, and Bulkhead's hypercalls. Nothing is forwarded to firmware;
 * unknown calls return NOT_SUPPORTED and the guest carries on.
 */
#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/printf.h>
#include <bulkhead/smccc.h>
#include <bulkhead/vdev.h>

#include <arch/psci.h>

#define PSCI_CPU_SUSPEND_32	  0x84000001U
#define PSCI_CPU_ON_32		  0x84000003U
#define PSCI_AFFINITY_INFO_32	  0x84000004U
#define PSCI_MIGRATE_INFO_TYPE	  0x84000006U
#define PSCI_VERSION_1_1	  0x10001
#define PSCI_RET_INVALID_ADDRESS  (-9)
#define PSCI_AFF_ON		  0
#define PSCI_AFF_OFF		  1
#define PSCI_AFF_ON_PENDING	  2
#define PSCI_MIGRATE_NOT_REQUIRED 2
/* A vCPU's virtual MPIDR: Aff0 = its index, everything else zero. */
#define VMPIDR_AFF_MASK		  0xff00ffffffULL

static struct vcpu *target_vcpu(struct vcpu *v, uint64_t mpidr)
{
	uint64_t aff = mpidr & VMPIDR_AFF_MASK;
	struct cell *c = v->cell;

	/* Only the caller's own cell exists for it: other cells' CPUs, like
	 * MPIDRs that exist nowhere, are invalid parameters. */
	if (aff >= c->cfg->ncpus)
		return NULL;
	return c->vcpus[aff];
}

static bool executable_ipa(const struct cell *c, uint64_t ipa)
{
	for (unsigned int i = 0; i < c->cfg->nmem; i++) {
		const struct bh_cell_mem *m = &c->cfg->mem[i];

		if ((m->flags & BH_MEM_X) && ipa >= m->ipa && ipa - m->ipa < m->size)
			return true;
	}
	return false;
}

static int64_t psci_cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct vcpu *t = target_vcpu(v, mpidr);
	struct cell *c = v->cell;
	int64_t ret = PSCI_RET_SUCCESS;

	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!executable_ipa(c, entry) || (entry & 3))
		return PSCI_RET_INVALID_ADDRESS;
	arch_spin_lock(&c->lock);
	if (t->state == VCPU_RUNNING) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (t->state == VCPU_ON_PENDING) {
		ret = PSCI_RET_ON_PENDING;
	} else {
		t->start_entry = entry;
		t->start_ctx = ctx;
		t->state = VCPU_ON_PENDING;
	}
	arch_spin_unlock(&c->lock);
	if (ret == PSCI_RET_SUCCESS && t->pcpu != arch_cpu_id())
		arch_kick_cpu(t->pcpu); /* it waits in arch_cpu_wait() */
	return ret;
}

static int64_t psci_affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct vcpu *t = target_vcpu(v, mpidr);

	if (!t || level != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	switch (READ_ONCE(t->state)) {
	case VCPU_RUNNING:
		return PSCI_AFF_ON;
	case VCPU_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	default:
		return PSCI_AFF_OFF;
	}
}

static bool psci_implemented(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

static int64_t console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
	char buf[BH_HC_CONSOLE_WRITE_MAX];

	size_t lines = 0;

	if (len > sizeof(buf) || !cell_copy_from_guest(v->cell, buf, ipa, len))
		return SMCCC_RET_INVALID_PARAMETER;
	for (uint64_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	arch_spin_lock(&v->cell->lock);
	/* All of it, with the line already begun, or nothing: the guest can
	 * wait, where the emulated UART could only drop. */
	if (console_cell_room(v->cell) < len + v->cell->vuart.line_len + 2 * (lines + 1)) {
		arch_spin_unlock(&v->cell->lock);
		return BH_HC_RET_BUSY;
	}
	for (uint64_t i = 0; i < len; i++)
		vuart_putc(v->cell, buf[i]);
	arch_spin_unlock(&v->cell->lock);
	return (int64_t)len;
}

void smccc_call(struct vcpu *v)
{
	uint32_t fid = (uint32_t)v->regs.x[0];
	uint64_t a1 = v->regs.x[1], a2 = v->regs.x[2], a3 = v->regs.x[3];
	int64_t ret;

	/* SMC32/HVC32 calls take 32-bit arguments. */
	if (!(fid & (1U << 30))) {
		a1 &= 0xffffffffULL;
		a2 &= 0xffffffffULL;
		a3 &= 0xffffffffULL;
	}
	switch (fid) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_FEATURES:
		/* CPU_SUSPEND: original power_state format, platform-coordinated. */
		ret = psci_implemented((uint32_t)a1) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on(v, a1, a2, a3);
		break;
	case PSCI_CPU_OFF:
		vcpu_off(v);
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Every state is treated as standby that wakes at once: allowed by
		 * PSCI and all a pinned CPU needs. */
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(v, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_MIGRATE_NOT_REQUIRED;
		break;
	case PSCI_SYSTEM_OFF:
		bh_printf("cell %s: SYSTEM_OFF\n", v->cell->cfg->name);
		cell_stop(v, false, NULL);
	case PSCI_SYSTEM_RESET:
		bh_printf("cell %s: SYSTEM_RESET\n", v->cell->cfg->name);
		cell_stop(v, true, NULL);
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		/* Only the discovery calls themselves; no firmware workarounds. */
		ret = ((uint32_t)a1 == SMCCC_VERSION || (uint32_t)a1 == SMCCC_ARCH_FEATURES)
			      ? 0
			      : SMCCC_RET_NOT_SUPPORTED;
		break;
	case BH_HC_CELL_INFO:
		v->regs.x[1] = v->cell->index;
		v->regs.x[2] = v->index;
		v->regs.x[3] = v->cell->cfg->ncpus;
		ret = 0;
		break;
	case BH_HC_CONSOLE_WRITE:
		ret = console_write(v, a1, a2);
		break;
	case BH_HC_VCPU_EXITS:
		v->regs.x[1] = v->exits;
		ret = 0;
		break;
	default:
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	v->regs.x[0] = (uint64_t)ret;
}
