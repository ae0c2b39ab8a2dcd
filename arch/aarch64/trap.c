// SPDX-License-Identifier: Apache-2.0
/*
 * Guest exits. The vectors save the guest's registers into its vCPU and
 * call arch_guest_exit(), which dispatches synchronous exits through one
 * table indexed by exception class. Anything not in the table is a fault
 * the cell's policy answers.
 */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/errno.h>
#include <bulkhead/mmio.h>
#include <bulkhead/printf.h>
#include <bulkhead/smccc.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vgic.h>

#include <arch/esr.h>
#include <arch/gic.h>
#include <arch/regs.h>
#include <arch/sysreg.h>
#include <arch/vsysreg.h>

typedef void (*exit_handler_t)(struct vcpu *v);

struct arch_regs *arch_guest_exit(unsigned int kind, struct arch_regs *regs);

/* The emulated instruction has completed: step over it. Under software
 * step that completes the step too (PSTATE.SS = 0), so the guest takes its
 * step exception before the next instruction, as after any other. */
static void skip_instruction(struct vcpu *v)
{
	v->regs.elr += (v->exit.esr & ESR_IL) ? 4 : 2;
	v->regs.spsr &= ~SPSR_SS;
}

static void set_reg(struct vcpu *v, unsigned int reg, uint64_t val)
{
	if (reg != 31) /* XZR: writes vanish */
		v->regs.x[reg] = val;
}

static uint64_t get_reg(const struct vcpu *v, unsigned int reg)
{
	return reg == 31 ? 0 : v->regs.x[reg];
}

static void handle_hvc(struct vcpu *v)
{
	/* ELR already points past the HVC. Only immediate 0 is SMCCC. */
	if (FIELD_GET(ESR_HVC_IMM, v->exit.esr) != 0) {
		v->regs.x[0] = (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	smccc_call(v);
}

static void handle_smc(struct vcpu *v)
{
	/* A trapped SMC returns to itself: step over it. Nothing ever reaches
	 * the firmware on a guest's behalf. */
	skip_instruction(v);
	if (FIELD_GET(ESR_HVC_IMM, v->exit.esr) != 0) {
		v->regs.x[0] = (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	smccc_call(v);
}

static uint64_t fault_ipa(const struct vcpu *v)
{
	return ((v->exit.hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_TO_IPA_SHIFT) |
	       (v->exit.far & 0xfff);
}

#define OUTSIDE "data access outside the cell's memory and devices"

static void handle_dabt(struct vcpu *v)
{
	const struct vdev *d;
	struct mmio_access a;
	char why[128];
	int ret;

	if (v->exit.esr & ESR_DABT_CM) {
		/* Cache maintenance by VA on an emulated device: nothing cached. */
		skip_instruction(v);
		return;
	}
	if (arch_mmio_decode(v->exit.esr, fault_ipa(v), &a)) {
		d = vdev_find(v->cell, fault_ipa(v), 1);
		if (d)
			bh_snprintf(why, sizeof(why),
				    "access to the %s that cannot be emulated (no instruction "
				    "syndrome: a pair, exclusive or writeback form)",
				    d->name);
		cell_guest_fault(v, GUEST_FAULT_DATA, d ? why : OUTSIDE);
		return;
	}
	if (a.write)
		a.value = mmio_store_value(v->regs.x, &a);
	ret = mmio_dispatch(v, &a, &d);
	if (ret) {
		if (d)
			bh_snprintf(why, sizeof(why), "%u-bit %s of the %s at offset %#llx: %s",
				    a.size * 8, a.write ? "write" : "read", d->name,
				    (unsigned long long)(a.addr - d->base),
				    ret == -BH_EINVAL ? "an access size it does not support"
						      : "it cannot perform that access");
		cell_guest_fault(v, GUEST_FAULT_DATA, d ? why : OUTSIDE);
		return;
	}
	if (!a.write)
		mmio_complete_load(v->regs.x, &a);
	skip_instruction(v);
}

static void handle_iabt(struct vcpu *v)
{
	cell_guest_fault(v, GUEST_FAULT_INSTR,
			 "instruction fetch outside the cell's executable memory");
}

/* DC ISW/CSW/CISW: clean+invalidate the cell's own memory by VA instead,
 * so a guest can never discard or observe lines of another cell. One
 * full-cache loop issues exactly one operation for level 0, set 0, way 0:
 * that is when the cell's memory is flushed. */
static void emulate_set_way(struct vcpu *v, uint64_t operand)
{
	struct cell *c = v->cell;

	if (operand >> 1) /* level [3:1] and set/way [31:4] not all zero */
		return;
	for (unsigned int i = 0; i < c->cfg->nmem; i++)
		arch_clean_inval_dcache_range((const void *)(uintptr_t)c->cfg->mem[i].pa,
					      c->cfg->mem[i].size);
}

/* Emulated registers: the guest's debug (op0 2) or PMU; false if UNDEFINED. */
static bool emulate_sysreg(struct vcpu *v, const struct sysreg_access *a, unsigned int rt)
{
	uint64_t val = a->read ? 0 : get_reg(v, rt);
	bool ok;

	if (a->op0 == 2)
		ok = vdebug_access(v, a, &val);
	else if (sysreg_is_pmu(a))
		ok = vpmu_access(v, a, &val);
	else if (a->op0 == 3 && a->op1 == 0 && a->crn == 1 && a->crm == 0 && a->op2 == 1)
		ok = true; /* ACTLR_EL1: read-as-zero, write-ignored */
	else
		ok = false; /* IMPLEMENTATION DEFINED registers and anything else trapped */
	if (ok && a->read)
		set_reg(v, rt, val);
	return ok;
}

static void handle_sysreg(struct vcpu *v)
{
	uint64_t esr = v->exit.esr;
	struct sysreg_access a = {
		.op0 = (unsigned int)FIELD_GET(ESR_SYS_OP0, esr),
		.op1 = (unsigned int)FIELD_GET(ESR_SYS_OP1, esr),
		.crn = (unsigned int)FIELD_GET(ESR_SYS_CRN, esr),
		.crm = (unsigned int)FIELD_GET(ESR_SYS_CRM, esr),
		.op2 = (unsigned int)FIELD_GET(ESR_SYS_OP2, esr),
		.read = (esr & ESR_SYS_READ) != 0,
	};
	unsigned int rt = (unsigned int)FIELD_GET(ESR_SYS_RT, esr);

	if (a.op0 == 3 && a.op1 == 0 && a.crn == 12 && a.crm == 11 && a.op2 >= 5) {
		/* ICC_SGI1R/ASGI1R/SGI0R_EL1: write-only SGI generation. */
		if (a.read) {
			arch_inject_undef(v);
			return;
		}
		vgic_sgi_v3(v, get_reg(v, rt), a.op2 != 7);
	} else if (a.op0 == 1 && a.op1 == 0 && a.crn == 7 && a.op2 == 2 &&
		   (a.crm == 6 || a.crm == 10 || a.crm == 14)) {
		emulate_set_way(v, get_reg(v, rt)); /* DC ISW / CSW / CISW */
	} else if (!emulate_sysreg(v, &a, rt)) {
		arch_inject_undef(v);
		return;
	}
	skip_instruction(v);
}

static void handle_wfx(struct vcpu *v)
{
	/* WFI runs natively (the CPU is the cell's) except while the vGIC holds
	 * an interrupt back: the guest waits, so it gets what is still due. */
	skip_instruction(v);
	vgic_wfi(v);
}

static const exit_handler_t exit_handlers[EC_MAX + 1] = {
	[EC_WFX] = handle_wfx,	     [EC_HVC64] = handle_hvc,	    [EC_SMC64] = handle_smc,
	[EC_SYSREG] = handle_sysreg, [EC_IABT_LOWER] = handle_iabt, [EC_DABT_LOWER] = handle_dabt,
};

/* At most this many interrupts per exit: a level source we failed to quiet
 * must not keep the CPU from its guest forever. */
#define IRQS_PER_EXIT 16

static void handle_irq(struct vcpu *v)
{
	v->irq_exits++;
	for (unsigned int n = 0; n < IRQS_PER_EXIT; n++) {
		unsigned int iar = arch_gic_ack();
		unsigned int intid = iar & GIC_INTID_MASK;

		if (intid >= GIC_FIRST_SPECIAL)
			break;
		arch_gic_eoi(iar); /* priority drop only (EOImode 1) */
		if (intid == bh_board.gic.maint_ppi) {
			/* A level: quiet it now by collecting finished list registers. */
			vgic_sync(v);
			arch_gic_dir(iar);
		} else if (intid == bh_board.console_irq) {
			console_irq();
			arch_gic_dir(iar);
		} else if (arch_iommu_irq(intid)) {
			arch_gic_dir(iar);
		} else if (intid == bh_board.timer_ppi_hyp) {
			/* A held interrupt is due for a resample (at guest entry). */
			arch_hyp_timer_stop();
			arch_gic_dir(iar);
		} else if (intid == HYP_IPI_KICK || !vgic_hw_irq(v, intid)) {
			/* The kick carries no data: the cell state says why. A
			 * forwarded interrupt stays active until the guest's EOI ends
			 * it through the hardware list register. */
			arch_gic_dir(iar);
		}
	}
}

/* Returns the frame to go back into the guest with (vectors.S), or never. */
struct arch_regs *arch_guest_exit(unsigned int kind, struct arch_regs *regs)
{
	struct vcpu *v = (struct vcpu *)regs; /* regs is the vCPU's first member */
	exit_handler_t h;
	unsigned int ec;

	v->exits++;
	v->exit.esr = read_esr_el2();
	v->exit.far = read_far_el2();
	v->exit.hpfar = read_hpfar_el2();
	switch (kind) {
	case VEC_LOW64_SYNC:
		ec = (unsigned int)FIELD_GET(ESR_EC, v->exit.esr);
		v->exits_by_class[ec]++;
		h = exit_handlers[ec];
		if (h)
			h(v);
		else
			cell_guest_fault(v, GUEST_FAULT_UNDEF, "unexpected exception class");
		break;
	case VEC_LOW64_IRQ:
	case VEC_LOW64_FIQ:
		handle_irq(v);
		break;
	case VEC_LOW64_SERROR:
		cell_guest_fault(v, GUEST_FAULT_SERROR, "SError from the guest");
		break;
	default: /* AArch32 guests are not supported */
		cell_guest_fault(v, GUEST_FAULT_UNDEF, "AArch32 exception");
		break;
	}
	cell_vcpu_continue(v);
	return &v->regs;
}

void arch_cpu_wait(void)
{
	unsigned int iar;

	/* Guest interrupts (GIC_PRIO_GUEST) routed here stay pending until the
	 * vCPU runs again; only Bulkhead's own (the kick) end the wait. */
	arch_gic_set_pmr(GIC_PRIO_GUEST);
	wfi(); /* wakes on a pending interrupt even with IRQs masked */
	while (((iar = arch_gic_ack()) & GIC_INTID_MASK) < GIC_FIRST_SPECIAL) {
		arch_gic_eoi(iar);
		arch_gic_dir(iar);
	}
	arch_gic_set_pmr(GIC_PRIO_IDLE);
}

/* How often the console CPU looks for unfinished lines to show. */
#define CONSOLE_POLL_MS 10

static void arm_console_poll(void)
{
	arch_hyp_timer_arm(CONSOLE_POLL_MS * 1000);
	isb();
}

__noreturn void arch_cpu_serve_irqs(void)
{
	arm_console_poll();
	for (;;) {
		unsigned int iar, intid;

		wfi(); /* wakes on a pending interrupt even with IRQs masked */
		while ((intid = (iar = arch_gic_ack()) & GIC_INTID_MASK) < GIC_FIRST_SPECIAL) {
			arch_gic_eoi(iar);
			if (intid == bh_board.console_irq) {
				console_irq();
			} else if (arch_iommu_irq(intid)) {
				/* events reported */
			} else if (intid == bh_board.timer_ppi_hyp) {
				console_poll();
				arm_console_poll();
			}
			arch_gic_dir(iar);
		}
	}
}
