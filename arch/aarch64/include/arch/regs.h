/* SPDX-License-Identifier: Apache-2.0 */
/* Register frame saved by the exception vectors. */
#pragma once

#include <bulkhead/types.h>

struct arch_regs {
	uint64_t x[31];
	uint64_t sp; /* SP of the interrupted context */
	uint64_t elr;
	uint64_t spsr;
	uint64_t full; /* guest frames: x19-x28 are in it too (vectors.S) */
	uint64_t pad;
};

_Static_assert(sizeof(struct arch_regs) % 16 == 0, "frame keeps SP 16-byte aligned");

/* Print x0..x30 (and the frame's SP when it is meaningful). */
void arch_dump_regs(const struct arch_regs *regs, bool with_sp);

/* Per-CPU data; TPIDR_EL2 points at the running CPU's copy. */
struct arch_cpu {
	uint32_t id; /* logical CPU number */
	uint32_t pad;
	uint64_t mpidr;
	uint64_t stack_top; /* guest exits start C here */
};

extern struct arch_cpu arch_cpus[];

/* Values the secondaries load to turn their MMU on (written by the boot CPU). */
struct arch_mmu_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr;
	uint64_t sctlr;
};
extern struct arch_mmu_regs arch_mmu_regs;

/* Exception kinds, in vector-table order. */
enum arch_vector_kind {
	VEC_CUR_SP0_SYNC,
	VEC_CUR_SP0_IRQ,
	VEC_CUR_SP0_FIQ,
	VEC_CUR_SP0_SERROR,
	VEC_CUR_SPX_SYNC,
	VEC_CUR_SPX_IRQ,
	VEC_CUR_SPX_FIQ,
	VEC_CUR_SPX_SERROR,
	VEC_LOW64_SYNC,
	VEC_LOW64_IRQ,
	VEC_LOW64_FIQ,
	VEC_LOW64_SERROR,
	VEC_LOW32_SYNC,
	VEC_LOW32_IRQ,
	VEC_LOW32_FIQ,
	VEC_LOW32_SERROR,
};
