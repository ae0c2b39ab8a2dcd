/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the host "architecture". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cell;

/* Everything the console UART sent since the last reset. */
const char *fake_console_output(void);
void fake_console_reset(void);
/* A UART whose TX FIFO accepts only @room more characters (-1: unlimited). */
void fake_console_room(int room);
void fake_console_input(const char *s);
void fake_set_cpu_id(unsigned int cpu);
void fake_set_counter(uint64_t ticks);
/* Each read of the counter advances it by @step (0: it stands still), so
 * code waiting with a timeout can time out. */
void fake_counter_step(uint64_t step);

/* Cells the core sees (cell_by_index/cell_count). */
void fake_cells(struct cell **cells, unsigned int n);

/* The physical GIC as the vGIC left it. */
struct fake_gic {
	uint32_t enabled[32]; /* SPIs */
	uint32_t pending[32];
	uint32_t edge[32];
	uint8_t route[1020];	  /* CPU per SPI */
	uint32_t ppi_enabled[4];  /* per CPU, INTID < 32 */
	uint32_t ppi_line[4];	  /* per CPU: level of each PPI's input line */
	uint32_t spi_line[32];	  /* level of each SPI's input line */
	uint32_t deactivated[32]; /* INTIDs deactivated by the vGIC (SPIs and PPIs) */
	uint8_t targets[1020];	  /* route_cpus: CPU mask per SPI */
	bool irqs_masked;	  /* the guest's PSTATE.I at its exit */
	bool wfi_trapped;
	uint64_t hyp_timer_us; /* armed hypervisor timer; 0: stopped */
	unsigned int kicks[4];
	unsigned int nr_lrs;
	bool underflow;
};
extern struct fake_gic fake_gic;
void fake_gic_reset(unsigned int nr_lrs);
/* The SMMUv3 model (fake_smmu.c): commands it consumed, and what to do. */
#define FAKE_SMMU_LOG 64
struct fake_smmu {
	uint64_t cmds[FAKE_SMMU_LOG][2];
	unsigned int ncmds;
	bool stalled;		/* consume no command */
	bool cr0_stuck;		/* never acknowledge CR0 */
	unsigned int refuse_op; /* refuse the first command with this opcode */
	bool refused;
};
extern struct fake_smmu fake_smmu;
void fake_smmu_reset(uint32_t idr0, uint32_t idr1, uint32_t idr5);
void fake_smmu_unstall(void);
void fake_smmu_event(unsigned int type, uint32_t sid, uint64_t addr, bool write);
uint64_t fake_smmu_reg64(uint64_t off);

/* The guest acknowledged / ended the interrupt in list register @i. */
void fake_lr_set_state(unsigned int i, unsigned int state);
struct vlr;
void fake_lr_get(unsigned int i, struct vlr *lr);
