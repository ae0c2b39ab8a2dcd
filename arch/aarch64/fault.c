// SPDX-License-Identifier: Apache-2.0
/*
 * Hypervisor-internal exceptions: anything taken at EL2 from EL2 (or an
 * exception no handler claims) is a Bulkhead bug. Print everything needed to
 * find it, then stop this CPU only.
 */
#include <bulkhead/arch.h>
#include <bulkhead/core.h>
#include <bulkhead/printf.h>

#include <arch/esr.h>
#include <arch/regs.h>
#include <arch/sysreg.h>

static const char *const ec_names[EC_MAX + 1] = {
	[EC_UNKNOWN] = "Unknown reason",
	[EC_WFX] = "WFI/WFE",
	[EC_CP15_MCR] = "AArch32 CP15 MCR/MRC",
	[EC_CP15_MCRR] = "AArch32 CP15 MCRR/MRRC",
	[EC_CP14_MCR] = "AArch32 CP14 MCR/MRC",
	[EC_CP14_LDC] = "AArch32 CP14 LDC/STC",
	[EC_FP_ASIMD] = "FP/SIMD access",
	[EC_CP10_ID] = "AArch32 CP10 VMRS",
	[EC_PAC] = "Pointer authentication",
	[EC_LS64] = "LD64B/ST64B",
	[EC_CP14_MCRR] = "AArch32 CP14 MCRR/MRRC",
	[EC_BTI] = "Branch target exception",
	[EC_ILLEGAL_STATE] = "Illegal execution state",
	[EC_SVC32] = "SVC (AArch32)",
	[EC_HVC32] = "HVC (AArch32)",
	[EC_SMC32] = "SMC (AArch32)",
	[EC_SVC64] = "SVC",
	[EC_HVC64] = "HVC",
	[EC_SMC64] = "SMC",
	[EC_SYSREG] = "MSR/MRS/system instruction",
	[EC_SVE] = "SVE access",
	[EC_ERET] = "ERET",
	[EC_PAC_FAIL] = "Pointer authentication failure",
	[EC_IABT_LOWER] = "Instruction abort, lower EL",
	[EC_IABT_CUR] = "Instruction abort, same EL",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABT_LOWER] = "Data abort, lower EL",
	[EC_DABT_CUR] = "Data abort, same EL",
	[EC_SP_ALIGN] = "SP alignment fault",
	[EC_FP32] = "FP exception (AArch32)",
	[EC_FP64] = "FP exception",
	[EC_SERROR] = "SError",
	[EC_BREAKPT_LOWER] = "Breakpoint, lower EL",
	[EC_BREAKPT_CUR] = "Breakpoint, same EL",
	[EC_SOFTSTP_LOWER] = "Software step, lower EL",
	[EC_SOFTSTP_CUR] = "Software step, same EL",
	[EC_WATCHPT_LOWER] = "Watchpoint, lower EL",
	[EC_WATCHPT_CUR] = "Watchpoint, same EL",
	[EC_BKPT32] = "BKPT (AArch32)",
	[EC_BRK64] = "BRK",
};

const char *esr_class_name(unsigned int ec)
{
	const char *name = ec <= EC_MAX ? ec_names[ec] : NULL;

	return name ? name : "Reserved";
}

static const char *const vector_names[] = {
	"synchronous, EL2 with SP_EL0",
	"IRQ, EL2 with SP_EL0",
	"FIQ, EL2 with SP_EL0",
	"SError, EL2 with SP_EL0",
	"synchronous, EL2",
	"IRQ, EL2",
	"FIQ, EL2",
	"SError, EL2",
	"synchronous, lower EL (A64)",
	"IRQ, lower EL (A64)",
	"FIQ, lower EL (A64)",
	"SError, lower EL (A64)",
	"synchronous, lower EL (A32)",
	"IRQ, lower EL (A32)",
	"FIQ, lower EL (A32)",
	"SError, lower EL (A32)",
};

void arch_dump_regs(const struct arch_regs *regs, bool with_sp)
{
	for (unsigned int i = 0; i < 30; i += 2)
		bh_printf("  x%-2u %016llx  x%-2u %016llx\n", i, (unsigned long long)regs->x[i],
			  i + 1, (unsigned long long)regs->x[i + 1]);
	if (with_sp)
		bh_printf("  x30 %016llx  sp  %016llx\n", (unsigned long long)regs->x[30],
			  (unsigned long long)regs->sp);
	else
		bh_printf("  x30 %016llx\n", (unsigned long long)regs->x[30]);
}

void arch_el2_exception(unsigned int kind, struct arch_regs *regs);
void arch_el2_exception(unsigned int kind, struct arch_regs *regs)
{
	uint64_t esr = read_esr_el2();
	unsigned int ec = (unsigned int)FIELD_GET(ESR_EC, esr);

	bh_printf("\nFATAL: hypervisor exception on CPU %u: %s\n", arch_cpu_id(),
		  kind < ARRAY_SIZE(vector_names) ? vector_names[kind] : "?");
	bh_printf("  ESR_EL2  %016llx  EC %#04x (%s) IL %u ISS %#07llx\n", (unsigned long long)esr,
		  ec, esr_class_name(ec), (unsigned int)FIELD_GET(ESR_IL, esr),
		  (unsigned long long)FIELD_GET(ESR_ISS, esr));
	bh_printf("  FAR_EL2  %016llx\n", (unsigned long long)read_far_el2());
	bh_printf("  ELR_EL2  %016llx  SPSR_EL2 %016llx\n", (unsigned long long)regs->elr,
		  (unsigned long long)regs->spsr);
	arch_dump_regs(regs, true);
	bh_cpu_fatal();
}
