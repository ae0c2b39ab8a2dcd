// SPDX-License-Identifier: Apache-2.0
/*
 * The executive: releases, the scheduler and the context switch (see
 * rtos.h). Kernel code runs only in rtos_irq and rtos_svc, with IRQs
 * masked, on the stack of the task that was interrupted; task code reads
 * kernel fields with interrupts masked or through READ_ONCE.
 *
 * Missed releases: release k of a task is missed when it comes while the
 * task's previous job has not finished (it is dropped: a task has at most
 * one job), or when the timer interrupt that handles it comes so late that
 * release k+1 is already due too (only the newest one gets a job, so a late
 * job is never started more than one period after its release).
 */
#include <bulkhead/string.h>

#include "frame.h"
#include "rtos.h"

#define STACK_WORDS  (RTOS_STACK_SIZE / 8)
#define STACK_FILL   0x5354414b5354414bULL /* "STAKSTAK": untouched stack */
#define SPSR_EL1H    0x5ULL
#define SPSR_F	     BIT(6)
#define SPSR_A	     BIT(8)
#define SPSR_D	     BIT(9)
#define SPSR_TASK    (SPSR_EL1H | SPSR_D | SPSR_A | SPSR_F) /* IRQs on */
#define NS_PER_S     1000000000ULL
#define SVC_JOB_DONE 0

static uint64_t stacks[RTOS_MAX_TASKS][STACK_WORDS] __aligned(16);
static struct rtos_task *tasks[RTOS_MAX_TASKS]; /* by priority, highest first */
static unsigned int ntasks;
/* The boot context, which idles; it has no stats and is never "released". */
static struct rtos_task idle = {.name = "idle"};
static struct rtos_task *current = &idle;
static uint64_t start_time, idle_ticks, idle_since, unexpected_irqs;
static bool running, stopped;
/* One device interrupt handled in kernel context (rtos_irq_attach). */
static uint32_t dev_intid = UINT32_MAX;
static void (*dev_handler)(void);

static void stats_reset(struct rtos_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->jitter_min = UINT64_MAX;
}

void rtos_task_add(struct rtos_task *t)
{
	unsigned int i;

	if (running || ntasks == RTOS_MAX_TASKS || !t->job)
		bm_fatal("rtos: cannot add task %s", t->name);
	for (i = 0; i < ntasks; i++)
		if (tasks[i]->prio == t->prio)
			bm_fatal("rtos: %s and %s share priority %u", t->name, tasks[i]->name,
				 t->prio);
	t->period = bm_us_to_ticks(t->period_us);
	if (!t->period)
		bm_fatal("rtos: task %s has no period", t->name);
	t->stack = stacks[ntasks];
	for (i = ntasks; i > 0 && tasks[i - 1]->prio < t->prio; i--)
		tasks[i] = tasks[i - 1];
	tasks[i] = t;
	ntasks++;
	stats_reset(&t->win);
	stats_reset(&t->total);
}

static void count_releases(struct rtos_task *t, uint64_t n, uint64_t missed)
{
	t->win.releases += n;
	t->total.releases += n;
	t->win.missed += missed;
	t->total.missed += missed;
}

/* Release every task whose next release instant has come by @now. */
static void release_due(uint64_t now)
{
	for (unsigned int i = 0; i < ntasks; i++) {
		struct rtos_task *t = tasks[i];
		uint64_t n, last;

		if (t->next_release > now)
			continue;
		/* Instants passed since the last handled one; the grid never
		 * moves, so a late interrupt does not delay later releases. */
		n = (now - t->next_release) / t->period + 1;
		last = t->next_release + (n - 1) * t->period;
		t->next_release = last + t->period;
		if (t->state == RTOS_READY) {
			count_releases(t, n, n);
			continue;
		}
		count_releases(t, n, n - 1);
		t->release = last;
		t->state = RTOS_READY;
		t->started = false;
		t->stolen = 0;
	}
}

/* One-shot for the earliest release: CVAL is absolute, so no drift. */
static void program_timer(void)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < ntasks; i++)
		next = MIN(next, tasks[i]->next_release);
	bm_vtimer_arm(next);
}

static struct rtos_task *pick(void)
{
	for (unsigned int i = 0; i < ntasks; i++)
		if (tasks[i]->state == RTOS_READY)
			return tasks[i];
	return &idle;
}

/* Make @next current at @now; returns the frame to resume. */
static uint64_t switch_to(struct rtos_task *next, uint64_t now)
{
	struct rtos_task *prev = current;

	if (next == prev)
		return prev->frame;
	if (prev == &idle) {
		idle_ticks += now - idle_since;
	} else if (prev->state == RTOS_READY) {
		prev->win.preempted++;
		prev->total.preempted++;
		prev->out_since = now;
	}
	if (next == &idle) {
		idle_since = now;
	} else if (next->started) {
		next->stolen += now - next->out_since;
	} else {
		next->started = true;
		next->job_start = now;
	}
	current = next;
	return next->frame;
}

uint64_t rtos_irq(uint64_t frame)
{
	current->frame = frame;
	for (;;) {
		uint32_t iar = bm_gic_ack();
		uint32_t intid = bm_gic_intid(iar);

		if (intid >= BM_GIC_MAX_INTID)
			break; /* nothing (more) pending */
		if (intid == BM_VTIMER_PPI && !stopped) {
			/* Handle releases that fell due meanwhile here, not
			 * through another interrupt. */
			do {
				release_due(bm_cntvct());
				program_timer();
			} while (bm_vtimer_pending());
		} else if (intid == BM_VTIMER_PPI) {
			bm_vtimer_stop(); /* raised just before rtos_stop */
		} else if (intid == dev_intid) {
			dev_handler();
		} else {
			/* Nobody asked for it: count it and keep it quiet. */
			unexpected_irqs++;
			bm_gic_disable_irq(intid);
		}
		bm_gic_eoi(iar);
	}
	return switch_to(pick(), bm_cntvct());
}

uint64_t rtos_svc(uint64_t frame)
{
	uint64_t now = bm_cntvct();
	struct rtos_task *t = current;

	t->frame = frame;
	if (t != &idle && t->state == RTOS_READY) {
		uint64_t response = now - t->release;

		t->state = RTOS_WAITING;
		t->last_done = now;
		t->win.done++;
		t->total.done++;
		t->win.response_max = MAX(t->win.response_max, response);
		t->total.response_max = MAX(t->total.response_max, response);
	}
	return switch_to(pick(), now);
}

static void note_start(struct rtos_stats *s, uint64_t jitter)
{
	s->started++;
	s->jitter_sum += jitter;
	s->jitter_min = MIN(s->jitter_min, jitter);
	s->jitter_max = MAX(s->jitter_max, jitter);
}

/* Every task runs this from its first dispatch on: one job per release. */
static __noreturn void task_entry(struct rtos_task *t)
{
	for (;;) {
		/* Release jitter: when the job really starts, against the
		 * programmed release instant. Only lower-priority code (the
		 * monitor, with IRQs masked) touches these fields. */
		uint64_t jitter = bm_cntvct() - READ_ONCE(t->release);

		note_start(&t->win, jitter);
		note_start(&t->total, jitter);
		t->job(t);
		/* Back here at the next release; all registers preserved. */
		__asm__ volatile("svc %0" : : "i"(SVC_JOB_DONE) : "memory");
	}
}

/* A frame that "returns" into task_entry(t) with IRQs unmasked. */
static void prepare(struct rtos_task *t)
{
	struct rtos_frame *f;

	for (unsigned int i = 0; i < STACK_WORDS; i++)
		t->stack[i] = STACK_FILL;
	f = (struct rtos_frame *)(void *)&t->stack[STACK_WORDS] - 1;
	memset(f, 0, sizeof(*f));
	f->x[0] = (uint64_t)(uintptr_t)t;
	f->elr = (uint64_t)(uintptr_t)task_entry;
	f->spsr = SPSR_TASK;
	t->frame = (uint64_t)(uintptr_t)f;
	t->state = RTOS_WAITING;
	t->started = false;
}

void rtos_run(uint64_t lead_us)
{
	uint64_t old_vbar = bm_read_sysreg(vbar_el1);

	if (!ntasks)
		bm_fatal("rtos: no tasks");
	bm_irq_disable();
	for (unsigned int i = 0; i < ntasks; i++)
		prepare(tasks[i]);
	bm_write_sysreg(vbar_el1, (uintptr_t)rtos_vectors);
	bm_isb();
	bm_gic_enable_irq(BM_VTIMER_PPI, RTOS_TIMER_PRIO);
	running = true;
	start_time = bm_cntvct() + bm_us_to_ticks(lead_us);
	for (unsigned int i = 0; i < ntasks; i++) {
		tasks[i]->next_release = start_time + bm_us_to_ticks(tasks[i]->offset_us);
		tasks[i]->last_done = tasks[i]->next_release;
	}
	current = &idle;
	idle_since = bm_cntvct();
	program_timer();

	/* Masked check then WFI: an interrupt between the two still ends the
	 * WFI, so a stop cannot be missed; it is taken right after. */
	while (!READ_ONCE(stopped)) {
		bm_wfi();
		bm_irq_enable();
		bm_isb();
		bm_irq_disable();
	}
	bm_vtimer_stop();
	bm_write_sysreg(vbar_el1, old_vbar);
	bm_isb();
	running = false;
}

void rtos_stop(void)
{
	bm_irq_disable();
	bm_vtimer_stop();
	stopped = true;
	for (unsigned int i = 0; i < ntasks; i++) {
		tasks[i]->state = RTOS_WAITING;
		tasks[i]->next_release = UINT64_MAX;
	}
	/* Nothing is ready now: the switch goes to the idle loop, which sees
	 * the flag. This frame is never resumed. */
	__asm__ volatile("svc %0" : : "i"(SVC_JOB_DONE) : "memory");
	bm_fatal("rtos: stopped task %s resumed", current->name);
}

uint64_t rtos_start_time(void)
{
	return start_time;
}

uint64_t rtos_job_runtime(const struct rtos_task *t)
{
	uint64_t now = bm_cntvct();
	uint64_t used = now - READ_ONCE(t->job_start);
	uint64_t stolen = READ_ONCE(t->stolen);

	return used > stolen ? used - stolen : 0;
}

uint64_t rtos_take_windows(struct rtos_task *const *list, size_t n, struct rtos_stats *win,
			   struct rtos_stats *total)
{
	uint64_t daif = bm_read_sysreg(daif), now;

	bm_irq_disable();
	now = bm_cntvct();
	for (size_t i = 0; i < n; i++) {
		win[i] = list[i]->win;
		stats_reset(&list[i]->win);
		if (total)
			total[i] = list[i]->total;
	}
	bm_write_sysreg(daif, daif);
	return now;
}

void rtos_read_totals(struct rtos_task *const *list, size_t n, struct rtos_stats *total)
{
	uint64_t daif = bm_read_sysreg(daif);

	bm_irq_disable();
	for (size_t i = 0; i < n; i++)
		total[i] = list[i]->total;
	bm_write_sysreg(daif, daif);
}

void rtos_irq_attach(uint32_t intid, void (*fn)(void))
{
	if (running || dev_handler || intid == BM_VTIMER_PPI || intid >= BM_GIC_MAX_INTID)
		bm_fatal("rtos: cannot attach interrupt %u", intid);
	dev_intid = intid;
	dev_handler = fn;
	bm_gic_enable_irq(intid, RTOS_TIMER_PRIO);
}

uint64_t rtos_idle_ticks(void)
{
	uint64_t daif = bm_read_sysreg(daif), ticks;

	bm_irq_disable();
	ticks = idle_ticks + (current == &idle ? bm_cntvct() - idle_since : 0);
	bm_write_sysreg(daif, daif);
	return ticks;
}

uint64_t rtos_unexpected_irqs(void)
{
	return READ_ONCE(unexpected_irqs);
}

size_t rtos_stack_used(const struct rtos_task *t)
{
	unsigned int i = 0;

	while (i < STACK_WORDS && t->stack[i] == STACK_FILL)
		i++;
	return (STACK_WORDS - i) * 8;
}

uint64_t rtos_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = bm_cntfrq();

	if (!f)
		return 0;
	return ticks / f * NS_PER_S + ticks % f * NS_PER_S / f;
}
