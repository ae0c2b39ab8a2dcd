/* SPDX-License-Identifier: Apache-2.0 */
/* Runtime-internal interfaces between start.S and the C files. */
#pragma once

/* Offsets into struct bm_regs for vectors (checked by static asserts). */
#define BM_REGS_X0   0
#define BM_REGS_SP   248
#define BM_REGS_ELR  256
#define BM_REGS_SPSR 264
#define BM_REGS_ESR  272
#define BM_REGS_FAR  280
#define BM_REGS_SIZE 288

#ifndef __ASSEMBLY__
#include <bm/bm.h>

/* Linker script: the loaded image, bss and stacks included. */
extern char _image_start[], _image_end[];

/* Set once the MMU is on: before that exclusives (locks) are unusable. */
extern bool bm_mmu_on;

__noreturn void bm_primary_main(uint64_t dtb);
__noreturn void bm_secondary_main(unsigned int vcpu);
__noreturn void bm_early_fatal(unsigned int why, uint64_t value);
void bm_exception(unsigned int kind, struct bm_regs *regs);
void bm_mmu_build(void);
void bm_fdt_scan(uint64_t x0);
void bm_secondary_entry(void);
/* probe.S: x0..x3 from @args through HVC or SMC, results back into @args;
 * false if the instruction itself faulted. */
bool bm_smccc_probe(uint64_t args[4], bool smc);

/* Test framework hooks for the exception path. */
void bm_test_note_crash(void);
#endif
