// SPDX-License-Identifier: Apache-2.0
/*
 * Compiled to assembly only; the Makefile turns each DEFINE into a
 * #define in asm-offsets.h, so assembly never hard-codes a struct offset.
 */
#include <bulkhead/config_types.h>
#include <stddef.h>

#include <arch/regs.h>

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(REGS_X0, offsetof(struct arch_regs, x));
	DEFINE(REGS_SP, offsetof(struct arch_regs, sp));
	DEFINE(REGS_ELR, offsetof(struct arch_regs, elr));
	DEFINE(REGS_SPSR, offsetof(struct arch_regs, spsr));
	DEFINE(REGS_FULL, offsetof(struct arch_regs, full));
	DEFINE(REGS_SIZE, sizeof(struct arch_regs));
	DEFINE(VEC_KIND_LOW64_SYNC, VEC_LOW64_SYNC);
	DEFINE(VEC_KIND_LOW64_FIQ, VEC_LOW64_FIQ);
	DEFINE(CPU_SIZE, sizeof(struct arch_cpu));
	DEFINE(CPU_STACK_TOP, offsetof(struct arch_cpu, stack_top));
	DEFINE(BOARD_NCPUS, offsetof(struct bh_board, ncpus));
	DEFINE(BOARD_CPU_MPIDR, offsetof(struct bh_board, cpu_mpidr));
	DEFINE(MMU_MAIR, offsetof(struct arch_mmu_regs, mair));
	DEFINE(MMU_TCR, offsetof(struct arch_mmu_regs, tcr));
	DEFINE(MMU_TTBR, offsetof(struct arch_mmu_regs, ttbr));
	DEFINE(MMU_SCTLR, offsetof(struct arch_mmu_regs, sctlr));
}
