/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layout of the tables tools/bhcfg generates from the board and system
 * configuration. Shared by the hypervisor and the host tool, so it holds
 * only fixed-size plain data.
 */
#pragma once

#include <stdint.h>

#define BH_MAX_CPUS 16
#define BH_MAX_RAM_RANGES 8

enum bh_psci_conduit {
	BH_PSCI_SMC = 0,
	BH_PSCI_HVC = 1,
};

struct bh_range {
	uint64_t base;
	uint64_t size;
};

struct bh_board_gic {
	uint32_t version;       /* 2 or 3 */
	uint32_t maint_ppi;     /* maintenance interrupt (PPI number, 16..31) */
	struct bh_range dist;   /* GICD */
	struct bh_range redist; /* GICv3: GICR frames of all CPUs */
	struct bh_range cpu;    /* GICv2: GICC */
	struct bh_range hyp;    /* GICv2: GICH */
	struct bh_range vcpu;   /* GICv2: GICV */
};

struct bh_board {
	const char *name;
	uint32_t ncpus;
	uint32_t psci_conduit; /* enum bh_psci_conduit */
	uint64_t cpu_mpidr[BH_MAX_CPUS];
	uint32_t nram;
	struct bh_range ram[BH_MAX_RAM_RANGES];
	struct bh_range hyp_mem;  /* Bulkhead's image, bundle and heap */
	struct bh_range console;  /* PL011 Bulkhead prints to */
	uint32_t console_irq;     /* SPI number (GIC INTID - 32) */
	struct bh_board_gic gic;
	struct bh_range smmu;     /* SMMUv3 registers; size 0 if none */
	uint32_t timer_ppi_hyp;   /* EL2 physical timer PPI (INTID) */
	uint32_t timer_ppi_virt;  /* EL1 virtual timer PPI (INTID) */
};

extern const struct bh_board bh_board;
