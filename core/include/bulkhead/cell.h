/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cells and their vCPUs. Each vCPU is pinned to one physical CPU for good;
 * a physical CPU runs at most one vCPU, so there is no scheduler.
 */
#pragma once

#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/pgtable.h>
#include <bulkhead/types.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vgic.h>

#include <arch/regs.h>

struct cell;

enum vcpu_state {
	VCPU_OFF = 0,
	VCPU_ON_PENDING, /* CPU_ON or cell start accepted; its CPU will enter it */
	VCPU_RUNNING,
};

/* Why a guest exited, as the arch recorded it (for dumps and injection). */
struct vcpu_exit {
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
};

#define VCPU_EXIT_CLASSES 64

struct vcpu {
	struct arch_regs regs; /* first: the exception vectors save here */
	struct cell *cell;
	unsigned int index;	 /* vCPU number inside the cell (= virtual MPIDR Aff0) */
	unsigned int pcpu;	 /* physical CPU it is pinned to */
	volatile uint32_t state; /* enum vcpu_state */
	uint64_t start_entry;	 /* for VCPU_ON_PENDING */
	uint64_t start_ctx;
	struct vcpu_exit exit;
	uint64_t exits;				    /* all guest exits */
	uint64_t exits_by_class[VCPU_EXIT_CLASSES]; /* by exception class */
	uint64_t irq_exits;
	uint64_t idle_wakeups; /* times its CPU woke while the vCPU was off */
	struct vgic_vcpu vgic;
};

enum cell_state {
	CELL_STOPPED = 0,
	CELL_RUNNING,
	CELL_STOPPING, /* its CPUs are leaving the guest */
};

struct cell {
	const struct bh_cell *cfg;
	unsigned int index;
	volatile uint32_t state; /* enum cell_state */
	volatile uint32_t restart_pending;
	uint32_t boots;
	struct pgtable s2;
	struct vcpu *vcpus[BH_MAX_CPUS];
	arch_spinlock_t lock;
	/* fault log rate limit */
	uint64_t log_window_start;
	uint32_t log_in_window;
	uint32_t log_suppressed;
	struct vgic_dist vgic;
	struct vdev vdevs[CELL_MAX_VDEVS];
	unsigned int nvdevs;
	struct vuart vuart;
};

struct cell *cell_by_index(unsigned int i);
unsigned int cell_count(void);

/* Boot: build every cell's stage 2 and start them (boot CPU). */
int cells_init(void);
/* The CPU that takes the console's interrupts. */
bool cell_console_cpu(unsigned int cpu);
/* Each physical CPU ends up here: run the vCPU pinned to it, or park. */
__noreturn void cpu_run_loop(void);

/* Guest-triggered events the arch trap code reports. */
__noreturn void vcpu_off(struct vcpu *v); /* PSCI CPU_OFF */
__noreturn void cell_stop(struct vcpu *v, bool restart, const char *why);
enum guest_fault {
	GUEST_FAULT_DATA,   /* injected as a synchronous external data abort */
	GUEST_FAULT_INSTR,  /* ... instruction abort */
	GUEST_FAULT_UNDEF,  /* ... undefined instruction */
	GUEST_FAULT_SERROR, /* ... virtual SError */
};
/* What cannot be emulated: apply the cell's fault policy. Returns only if the
 * guest may continue (an exception was injected). */
void cell_guest_fault(struct vcpu *v, enum guest_fault kind, const char *why);
/* End of every guest exit: returns to go back into the guest (list
 * registers brought up to date), or parks the vCPU if its cell is stopping. */
void cell_vcpu_continue(struct vcpu *v);
/* Copy a guest buffer out of cell memory; false if not all of it is RAM. */
bool cell_copy_from_guest(struct cell *c, void *dst, ipa_t src, size_t len);
/* Resolve an IPA in the cell's RAM to a hypervisor pointer, or NULL. */
void *cell_ipa_to_hva(struct cell *c, ipa_t ipa, size_t len);
