/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small fixed-priority preemptive executive for one vCPU of the
 * bare-metal runtime. Periodic tasks are released on an absolute grid
 * (release k = start + k * period) by the EL1 virtual timer, programmed
 * one-shot for the earliest next release. The highest-priority released
 * task runs; a release of a higher-priority task preempts a lower one
 * from the timer IRQ. A task ends its job with an SVC and waits for its
 * next release. With nothing released the boot context idles in WFI.
 * One device interrupt (the console UART's) may have a handler of its own.
 *
 * Everything runs at EL1 on the one vCPU; tasks share the address space.
 * Only the integer registers are switched: the runtime is built with
 * -mgeneral-regs-only and never enables FP/SIMD.
 */
#pragma once

#include <bm/bm.h>

#define RTOS_MAX_TASKS	8
#define RTOS_STACK_SIZE 0x4000
#define RTOS_TIMER_PRIO BM_GIC_PRIO_DEF

/* Counters over a report window, and over the whole run. Times in ticks
 * of the virtual counter. */
struct rtos_stats {
	uint64_t releases;  /* release instants reached (grid points) */
	uint64_t missed;    /* of those, releases that got no job (see kernel.c) */
	uint64_t started;   /* jobs that began: the jitter samples */
	uint64_t done;	    /* jobs that completed */
	uint64_t preempted; /* times a running job was switched out */
	uint64_t jitter_min, jitter_max, jitter_sum; /* start - release */
	uint64_t response_max;			     /* completion - release */
};

enum rtos_state {
	RTOS_WAITING, /* job done (or none yet): waits for the next release */
	RTOS_READY,   /* released, job not finished (running or preempted) */
};

struct rtos_task {
	/* Filled in by the application before rtos_task_add(). */
	const char *name;
	unsigned int prio; /* larger runs first; one task per priority */
	uint64_t period_us;
	uint64_t offset_us;		  /* first release at start + offset */
	void (*job)(struct rtos_task *t); /* one job; returns when done */
	void *arg;

	/* Kernel state: read-only for the application. */
	uint64_t period;       /* ticks */
	uint64_t next_release; /* absolute, ticks */
	uint64_t release;      /* of the current or last job */
	uint64_t job_start;    /* first dispatch of the current job */
	uint64_t stolen;       /* ticks other tasks ran during the current job */
	uint64_t out_since;    /* when the running job was last preempted */
	uint64_t last_done;    /* last job completion (first release before any) */
	enum rtos_state state;
	bool started; /* the current job has been dispatched */
	uint64_t frame;
	uint64_t *stack;
	struct rtos_stats win, total;
};

/* Register @t (before rtos_run). Fatal if full or the priority is taken. */
void rtos_task_add(struct rtos_task *t);
/* Start the release grid at now + @lead_us (each task at its offset from
 * there), then idle until rtos_stop().
 * Needs the GIC set up for this vCPU (bm_gic_init, bm_gic_cpu_init).
 * Returns with interrupts masked and the runtime's vectors back. */
void rtos_run(uint64_t lead_us);
/* From a task: stop the timer and every task, return to rtos_run's caller. */
__noreturn void rtos_stop(void);

/* Counter value of the first release. */
uint64_t rtos_start_time(void);
/* Ticks the calling task's current job has run itself (preemptions excluded). */
uint64_t rtos_job_runtime(const struct rtos_task *t);
/* Atomically copy the windows of @n tasks into @win (and totals into @total
 * if not NULL) and start new windows. Returns the counter at the copy. */
uint64_t rtos_take_windows(struct rtos_task *const *tasks, size_t n, struct rtos_stats *win,
			   struct rtos_stats *total);
/* Copy the whole-run totals of @n tasks (consistent: IRQs masked). */
void rtos_read_totals(struct rtos_task *const *tasks, size_t n, struct rtos_stats *total);
/* Before rtos_run: handle device interrupt @intid with @fn, in kernel
 * context (IRQs masked, never nested; keep it short: it delays releases).
 * One device at most; enables @intid for this vCPU. */
void rtos_irq_attach(uint32_t intid, void (*fn)(void));
/* Ticks spent idle so far. */
uint64_t rtos_idle_ticks(void);
/* Interrupts other than the timer taken while running (each is disabled). */
uint64_t rtos_unexpected_irqs(void);
/* Deepest use of @t's stack so far, in bytes. */
size_t rtos_stack_used(const struct rtos_task *t);
uint64_t rtos_ticks_to_ns(uint64_t ticks);
