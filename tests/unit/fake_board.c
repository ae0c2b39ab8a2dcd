// SPDX-License-Identifier: Apache-2.0
/* The board the unit tests run on: QEMU virt's numbers, GICv3. */
#include <bulkhead/config_types.h>

const struct bh_board bh_board = {
	.name = "unit",
	.ncpus = 4,
	.cpu_mpidr = {0, 1, 2, 3},
	.console_irq = 33,
	.gic = {.version = 3, .maint_ppi = 25},
	.timer_ppi_hyp = 26,
	.timer_ppi_virt = 27,
	.timer_ppi_phys = 30,
	.pmu_ppi = 23,
	.pa_bits = 44,
	.smmu = {0x9050000, 0x20000},
	.smmu_sid_bits = 16,
	.smmu_irq_event = 106,
	.smmu_irq_gerror = 109,
	.pci_ecam = {0x4010000000, 0x100000},
};
