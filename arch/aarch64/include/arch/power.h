/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How secondary CPUs are started and how the machine is powered off: one
 * small file per method, picked by board data (bh_board.cpu_start[] from
 * each cpu node's enable-method, bh_board.power_kind), never by #ifdef.
 */
#pragma once

#include <bulkhead/types.h>

/* Start CPU @cpu at @entry at EL2, MMU off. PSCI passes @cpu in x0; a spin
 * table passes nothing (the entry finds its CPU from MPIDR). 0 or -BH_E*. */
int psci_cpu_on(unsigned int cpu, uintptr_t entry);
int spin_table_cpu_on(unsigned int cpu, uintptr_t entry);

/* Power-off: may return before it takes effect (the caller waits). */
struct power_ops {
	void (*off)(uintptr_t base);
};

extern const struct power_ops power_psci_ops;	    /* psci.c */
extern const struct power_ops power_bcm2835_pm_ops; /* power_bcm2835.c */
