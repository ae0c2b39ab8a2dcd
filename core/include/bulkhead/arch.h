/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract between the portable core and an architecture. core/ reaches
 * hardware only through these functions (and the arch/ headers included
 * below); arch/fake implements them on the host for unit tests.
 */
#pragma once

#include <bulkhead/types.h>

#include <arch/spinlock.h> /* arch_spinlock_t, arch_spin_lock/unlock */

/* ---- CPU identity and control ------------------------------------------ */
/* Logical id of the calling CPU: its index in bh_board.cpu_mpidr[]. */
unsigned int arch_cpu_id(void);
/* Start logical CPU @cpu in bh_secondary_main(); 0 or -BH_E*. */
int arch_cpu_start(unsigned int cpu);
/* Stop the calling CPU for good, in the lowest-power wait available. */
__noreturn void arch_cpu_park(void);
/* Power the whole machine off (PSCI SYSTEM_OFF). */
__noreturn void arch_system_off(void);
/* Wait for an event from another CPU / wake CPUs waiting in it. */
void arch_wait_event(void);
void arch_send_event(void);

/* ---- Time ------------------------------------------------------------- */
uint64_t arch_counter(void);	  /* free-running system counter */
uint64_t arch_counter_freq(void); /* its frequency in Hz */

/* ---- Console hardware ------------------------------------------------- */
void arch_console_putc(char c);

/* ---- Stage-1 (hypervisor) memory map ---------------------------------- */
/* Build the hypervisor's own translation tables (boot CPU, MMU off). */
int arch_mmu_init(void);

/* ---- Descriptor encoding used by core/pgtable.c ------------------------ */
#include <arch/pte.h>
