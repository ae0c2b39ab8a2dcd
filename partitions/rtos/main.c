// SPDX-License-Identifier: Apache-2.0
/*
 * rtos: the executive with three periodic workload tasks and a monitor,
 * a latency probe that runs in a cell beside Linux or natively on QEMU.
 *
 *   task     prio  period  first release  budget per job (own CPU time)
 *   fast       3    B        0              2% =  0.02 B
 *   mid        2    5 B      B/2            4% =  0.2 B
 *   slow       1   20 B      B/4            6% =  1.2 B
 *   monitor    0   50 ms    50 ms          console commands; at each report the
 *                                           windows, heartbeat, end of run
 *
 * The offsets keep releases apart, so each task's jitter is the latency at
 * its own priority rather than the run time of the tasks above it. slow's
 * job spans a release of fast and one of mid: both preempt it.
 *
 * B is the base period, rtos.period_us=<us>, default 50 ms: QEMU TCG on a
 * loaded host delivers timer interrupts tens of ms late at times (see
 * README.md); on hardware, or for a finer probe, use e.g. 1000.
 *
 * Other bootargs: rtos.report=<s> (default 10), rtos.verbose (full
 * statistics at every report instead of one line), rtos.seconds=<s>
 * (default: run forever). With a run length the monitor ends the run at the
 * first report at or after it, prints RTOS-SUMMARY lines, and the TESTs
 * below give BM-RESULT: a task fails if it never ran, stalled in a window or
 * computed a wrong checksum; "deadlines" fails if any release was missed
 * (the timing verdict, apart from the functional ones).
 *
 * Typed on the console (shell.c): help, status, stats, verbose on|off.
 */
#include <bulkhead/string.h>

#include "rtos.h"
#include "shell.h"

BM_PAYLOAD("rtos");

#define REPORT_DEFAULT_S 10
#define MONITOR_POLL_US	 50000 /* how often typed input is looked at */
#define BASE_PERIOD_US	 50000
#define BASE_PERIOD_MIN	 100
#define BASE_PERIOD_MAX	 1000000
#define SECONDS_MAX	 (7 * 24 * 3600)
#define BOOTARG_MAX	 1000000000 /* any larger value is malformed */
#define LEAD_US		 10000	    /* first release, after the stacks are set up */
#define PROBE_TIMEOUT_US 500000	    /* the boot check of the timer interrupt */
#define CHUNK_ROUNDS	 64

/* A job burns its budget of its own CPU time in chunks of a fixed
 * computation whose result is known: a wrong result means a context switch
 * did not preserve the registers it was using. */
struct busy {
	unsigned int period_mult; /* period = base period * this */
	unsigned int offset_pct;  /* first release = this % of the base period */
	unsigned int budget_pct;  /* budget = this % of the period */
	uint64_t seed;
	uint64_t budget_us;
	uint64_t expect; /* the chunk's result, computed before tasks start */
	uint64_t chunks;
	uint64_t errors;
};

static void busy_job(struct rtos_task *t);
static void monitor_job(struct rtos_task *t);

/* Small budgets keep QEMU's host CPU use, and with it the host's wake-up
 * latency, low. */
static struct busy fast_busy = {.period_mult = 1, .offset_pct = 0, .budget_pct = 2, .seed = 1};
static struct busy mid_busy = {.period_mult = 5, .offset_pct = 50, .budget_pct = 4, .seed = 2};
static struct busy slow_busy = {.period_mult = 20, .offset_pct = 25, .budget_pct = 6, .seed = 3};

static struct rtos_task fast = {.name = "fast", .prio = 3, .job = busy_job, .arg = &fast_busy};
static struct rtos_task mid = {.name = "mid", .prio = 2, .job = busy_job, .arg = &mid_busy};
static struct rtos_task slow = {.name = "slow", .prio = 1, .job = busy_job, .arg = &slow_busy};
static struct rtos_task monitor = {.name = "monitor", .prio = 0, .job = monitor_job};

#define NWORK 3
static struct rtos_task *const work[NWORK] = {&fast, &mid, &slow};

static uint64_t run_s, report_s = REPORT_DEFAULT_S, base_us = BASE_PERIOD_US;
static bool verbose;
static unsigned int heartbeats, stalled_windows[NWORK];
static bool last_ok = true;
static uint64_t next_report, last_now, last_idle;
static volatile uint32_t probe_fired;
static uint64_t probe_at;

/* Four words of xorshift-style mixing, kept in registers every round. */
static uint64_t chunk(uint64_t seed)
{
	uint64_t a = seed, b = seed * 0x9e3779b97f4a7c15ULL, c = ~seed, d = seed << 17 | 1;

	for (int i = 0; i < CHUNK_ROUNDS; i++) {
		uint64_t x = a ^ (a << 11);

		a = b;
		b = c;
		c = d;
		d = d ^ (d >> 19) ^ x ^ (x >> 8);
		__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
	}
	return a + b + c + d;
}

static void busy_job(struct rtos_task *t)
{
	struct busy *w = t->arg;
	uint64_t budget = bm_us_to_ticks(w->budget_us);

	do {
		if (chunk(w->seed) != w->expect)
			w->errors++;
		w->chunks++;
	} while (rtos_job_runtime(t) < budget);
}

static unsigned long ns(uint64_t ticks)
{
	return (unsigned long)rtos_ticks_to_ns(ticks);
}

static void print_stats(const char *marker, const char *when, const struct rtos_task *t,
			const struct rtos_stats *s)
{
	uint64_t avg = s->started ? s->jitter_sum / s->started : 0;
	uint64_t min = s->started ? s->jitter_min : 0;

	bh_printf("%s: %s task=%s prio=%u period_us=%lu releases=%lu missed=%lu jitter_ns "
		  "min=%lu avg=%lu max=%lu\n",
		  marker, when, t->name, t->prio, (unsigned long)t->period_us,
		  (unsigned long)s->releases, (unsigned long)s->missed, ns(min), ns(avg),
		  ns(s->jitter_max));
}

static void print_summary(const struct rtos_task *t, const struct rtos_stats *s, uint64_t secs)
{
	uint64_t avg = s->started ? s->jitter_sum / s->started : 0;
	uint64_t min = s->started ? s->jitter_min : 0;

	bh_printf("RTOS-SUMMARY: t=%lu task=%s prio=%u period_us=%lu releases=%lu missed=%lu "
		  "jobs=%lu preempted=%lu jitter_ns min=%lu avg=%lu max=%lu response_max_ns=%lu "
		  "stack_used=%lu\n",
		  (unsigned long)secs, t->name, t->prio, (unsigned long)t->period_us,
		  (unsigned long)s->releases, (unsigned long)s->missed, (unsigned long)s->done,
		  (unsigned long)s->preempted, ns(min), ns(avg), ns(s->jitter_max),
		  ns(s->response_max), (unsigned long)rtos_stack_used(t));
}

/* Share of @span ticks not spent idle (@idle ticks of them). */
static unsigned long busy_pct(uint64_t idle, uint64_t span)
{
	return span ? (unsigned long)(100 - MIN(idle, span) * 100 / span) : 0;
}

/* The default report: one line per interval. */
static void print_brief(const char *when, const struct rtos_stats *win, bool ok, unsigned long busy)
{
	char line[160];
	uint64_t releases = 0, missed = 0;
	int n;

	for (int i = 0; i < NWORK; i++) {
		releases += win[i].releases;
		missed += win[i].missed;
	}
	n = bh_snprintf(line, sizeof(line), "rtos: %s %s: %lu releases, %lu missed; worst jitter",
			when, ok ? "ok" : "STALLED", (unsigned long)releases,
			(unsigned long)missed);
	for (int i = 0; i < NWORK && n > 0 && (size_t)n < sizeof(line); i++)
		n += bh_snprintf(line + n, sizeof(line) - (size_t)n, "%s %s %lu us", i ? "," : "",
				 work[i]->name, ns(win[i].jitter_max) / 1000);
	bh_printf("%s; cpu busy %lu%%\n", line, busy);
}

/* One report interval is over: its windows, the heartbeat. */
static void report(uint64_t secs)
{
	struct rtos_stats win[NWORK], total[NWORK];
	uint64_t now = rtos_take_windows(work, NWORK, win, total);
	uint64_t idle = rtos_idle_ticks();
	unsigned long busy;
	char when[32];
	bool ok = true;

	shell_break_line();
	bh_snprintf(when, sizeof(when), "t=%lu", (unsigned long)secs);
	if (verbose)
		for (int i = 0; i < NWORK; i++)
			print_stats("RTOS-STATS", when, work[i], &win[i]);
	heartbeats++;
	for (int i = 0; i < NWORK; i++) {
		uint64_t done_at = READ_ONCE(work[i]->last_done);
		uint64_t limit = work[i]->period + report_s * bm_cntfrq();

		/* A job may have finished since the snapshot (preempting us). */
		if (done_at > now || now - done_at <= limit)
			continue;
		ok = false;
		stalled_windows[i]++;
		bh_printf("RTOS-HEARTBEAT: %u STALLED task=%s\n", heartbeats, work[i]->name);
	}
	last_ok = ok;
	if (!last_now)
		last_now = rtos_start_time();
	busy = busy_pct(idle - last_idle, now > last_now ? now - last_now : 0);
	if (verbose) {
		if (ok)
			bh_printf("RTOS-HEARTBEAT: %u ok\n", heartbeats);
		if (now > last_now)
			bh_printf("rtos: %s cpu busy %lu%%\n", when, busy);
	} else {
		print_brief(when, win, ok, busy);
	}
	last_now = now;
	last_idle = idle;

	if (run_s && secs >= run_s) {
		for (int i = 0; i < NWORK; i++)
			print_summary(work[i], &total[i], secs);
		rtos_stop();
	}
	shell_redraw();
}

/* Lowest-priority task: it only runs when every workload task is idle, so
 * its own regular appearance is the liveness signal. Every MONITOR_POLL_US
 * it takes what was typed; at each report instant it reports. A task is
 * stalled when its last finished job is older than its period plus one
 * report interval: its releases stopped, or its jobs never finish. (Judging
 * by "finished a job in this window" would flag a task whose period is as
 * long as the window whenever the window edges, which move with the
 * monitor's own start latency, happen to fall around its release.) */
static void monitor_job(struct rtos_task *t)
{
	uint64_t every = report_s * bm_cntfrq();

	shell_poll();
	if (!next_report)
		next_report = rtos_start_time() + every;
	/* A report whose instant fell in a missed monitor release is made by
	 * the next job: t names the instant, not when it ran. */
	if (t->release < next_report)
		return;
	next_report += every;
	report((next_report - every - rtos_start_time()) / bm_cntfrq());
}

/* ------------------------------------------------------------ commands */

void app_help(void)
{
	bh_printf("rtos: commands: status (one line), stats (full statistics since boot), "
		  "verbose on|off (full statistics at every report; now %s), help\n",
		  verbose ? "on" : "off");
}

void app_status(void)
{
	struct rtos_stats total[NWORK];
	uint64_t now = bm_cntvct(), start = rtos_start_time(), releases = 0, missed = 0;

	rtos_read_totals(work, NWORK, total);
	for (int i = 0; i < NWORK; i++) {
		releases += total[i].releases;
		missed += total[i].missed;
	}
	bh_printf("rtos: up %lu s; tasks fast/mid/slow every %lu/%lu/%lu ms; %lu releases, %lu "
		  "missed; %u reports (every %lu s, %s), last %s; cpu busy %lu%%\n",
		  (unsigned long)((now - start) / bm_cntfrq()),
		  (unsigned long)(work[0]->period_us / 1000),
		  (unsigned long)(work[1]->period_us / 1000),
		  (unsigned long)(work[2]->period_us / 1000), (unsigned long)releases,
		  (unsigned long)missed, heartbeats, (unsigned long)report_s,
		  verbose ? "verbose" : "one line", last_ok ? "ok" : "STALLED",
		  busy_pct(rtos_idle_ticks(), now - start));
}

void app_stats(void)
{
	struct rtos_stats total[NWORK];
	uint64_t now = bm_cntvct(), start = rtos_start_time(), errors = 0;
	uint64_t secs = (now - start) / bm_cntfrq();

	rtos_read_totals(work, NWORK, total);
	/* Two lines per task: an emulated console cuts lines at 160 characters. */
	for (int i = 0; i < NWORK; i++) {
		const struct rtos_stats *s = &total[i];
		uint64_t avg = s->started ? s->jitter_sum / s->started : 0;
		uint64_t min = s->started ? s->jitter_min : 0;

		bh_printf("RTOS-TOTAL: t=%lu task=%s prio=%u period_us=%lu releases=%lu missed=%lu "
			  "jobs=%lu preempted=%lu\n",
			  (unsigned long)secs, work[i]->name, work[i]->prio,
			  (unsigned long)work[i]->period_us, (unsigned long)s->releases,
			  (unsigned long)s->missed, (unsigned long)s->done,
			  (unsigned long)s->preempted);
		bh_printf("RTOS-TOTAL: t=%lu task=%s jitter_ns min=%lu avg=%lu max=%lu "
			  "response_max_ns=%lu stack_used=%lu\n",
			  (unsigned long)secs, work[i]->name, ns(min), ns(avg), ns(s->jitter_max),
			  ns(s->response_max), (unsigned long)rtos_stack_used(work[i]));
		errors += ((const struct busy *)work[i]->arg)->errors;
	}
	bh_printf("rtos: t=%lu %u reports, stalled windows %u/%u/%u, checksum errors %lu, "
		  "unexpected interrupts %lu, %lu characters typed, cpu busy %lu%% since start\n",
		  (unsigned long)secs, heartbeats, stalled_windows[0], stalled_windows[1],
		  stalled_windows[2], (unsigned long)errors, (unsigned long)rtos_unexpected_irqs(),
		  (unsigned long)shell_typed(), busy_pct(rtos_idle_ticks(), now - start));
}

void app_verbose(int on)
{
	if (on >= 0)
		verbose = on;
	bh_printf("rtos: verbose %s: %s every %lu s\n", verbose ? "on" : "off",
		  verbose ? "full statistics" : "one line", (unsigned long)report_s);
}

static bool has_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* "key=<decimal>" among the bootargs: true if present, *bad if malformed. */
static bool bootarg_u64(const char *key, uint64_t *val, bool *bad)
{
	size_t klen = strlen(key);

	for (const char *p = bm_plat.bootargs; *p;) {
		while (*p == ' ')
			p++;
		if (has_prefix(p, key) && p[klen] == '=') {
			uint64_t v = 0;
			const char *d = p + klen + 1;

			*bad = *d == '\0' || *d == ' ';
			for (; *d && *d != ' '; d++) {
				if (*d < '0' || *d > '9' || v > BOOTARG_MAX) {
					*bad = true;
					break;
				}
				v = v * 10 + (uint64_t)(*d - '0');
			}
			if (!*bad)
				*val = v;
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static void parse_bootargs(void)
{
	uint64_t v;
	bool bad;

	if (bootarg_u64("rtos.report", &v, &bad)) {
		if (bad || !v || v > SECONDS_MAX)
			bh_printf("rtos: ignoring bad rtos.report, using %lu s\n",
				  (unsigned long)report_s);
		else
			report_s = v;
	}
	if (bootarg_u64("rtos.period_us", &v, &bad)) {
		if (bad || v < BASE_PERIOD_MIN || v > BASE_PERIOD_MAX)
			bh_printf("rtos: ignoring bad rtos.period_us, using %lu us\n",
				  (unsigned long)base_us);
		else
			base_us = v;
	}
	verbose = bm_bootarg("rtos.verbose");
	if (bootarg_u64("rtos.seconds", &v, &bad)) {
		if (bad || v > SECONDS_MAX)
			bh_printf("rtos: ignoring bad rtos.seconds, running forever\n");
		else
			run_s = v; /* 0: forever */
	}
}

static void probe_handler(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	probe_at = bm_cntvct();
	bm_vtimer_stop(); /* level-triggered: quiet before the EOI */
	probe_fired = 1;
}

/* Without a working timer interrupt nothing would ever run: say so and
 * fail instead of idling silently (e.g. in a cell without a virtual GIC). */
static void check_timer_interrupt(void)
{
	uint64_t armed, start = bm_cntvct();

	bm_irq_register(BM_VTIMER_PPI, probe_handler, NULL);
	bm_gic_enable_irq(BM_VTIMER_PPI, RTOS_TIMER_PRIO);
	armed = start + bm_us_to_ticks(1000);
	bm_vtimer_arm(armed);
	bm_irq_enable();
	while (!READ_ONCE(probe_fired) && bm_cntvct() - start < bm_us_to_ticks(PROBE_TIMEOUT_US))
		bm_cpu_relax();
	bm_irq_disable();
	if (!probe_fired)
		bm_fatal("rtos: virtual timer interrupt (INTID %u) not delivered within %u ms",
			 BM_VTIMER_PPI, PROBE_TIMEOUT_US / 1000);
	bh_printf("rtos: timer interrupt ok, %lu ns after its deadline\n", ns(probe_at - armed));
}

void bm_main(void)
{
	parse_bootargs();
	/* Reports come every report_s from the first release (a window is a
	 * whole interval); in between the monitor looks at typed input. */
	monitor.period_us = monitor.offset_us = MONITOR_POLL_US;
	bh_printf("rtos: GICv%u GICD 0x%lx %s 0x%lx, counter %lu Hz\n", bm_plat.gic_version,
		  (unsigned long)bm_plat.gicd_base, bm_plat.gic_version == 2 ? "GICC" : "GICR",
		  (unsigned long)(bm_plat.gic_version == 2 ? bm_plat.gicc_base : bm_plat.gicr_base),
		  (unsigned long)bm_cntfrq());
	bm_gic_init();
	bm_gic_cpu_init();
	check_timer_interrupt();

	for (int i = 0; i < NWORK; i++) {
		struct busy *w = work[i]->arg;

		w->expect = chunk(w->seed);
		work[i]->period_us = base_us * w->period_mult;
		work[i]->offset_us = base_us * w->offset_pct / 100;
		w->budget_us = work[i]->period_us * w->budget_pct / 100;
		rtos_task_add(work[i]);
		bh_printf("rtos: task %s prio %u period %lu us offset %lu us budget %lu us\n",
			  work[i]->name, work[i]->prio, (unsigned long)work[i]->period_us,
			  (unsigned long)work[i]->offset_us, (unsigned long)w->budget_us);
	}
	rtos_task_add(&monitor);
	shell_init();
	if (run_s)
		bh_printf("rtos: report every %lu s (%s), stop after %lu s\n",
			  (unsigned long)report_s, verbose ? "verbose" : "one line",
			  (unsigned long)run_s);
	else
		bh_printf("rtos: report every %lu s (%s), running until powered off\n",
			  (unsigned long)report_s, verbose ? "verbose" : "one line");
	rtos_run(LEAD_US);
	bh_printf("rtos: stopped after %u reports\n", heartbeats);
}

/* Run ended (rtos.seconds): one check per workload task of what must hold
 * whatever the timing, then the timing verdict on its own ("deadlines"). */
static void check_task(int i)
{
	const struct rtos_task *t = work[i];
	const struct busy *w = t->arg;

	EXPECT_TRUE(t->total.releases > 0);
	EXPECT_EQ(t->total.done + t->total.missed, t->total.releases);
	EXPECT_EQ(stalled_windows[i], 0);
	EXPECT_EQ(w->errors, 0);
	EXPECT_TRUE(w->chunks > 0);
	EXPECT_TRUE(rtos_stack_used(t) < RTOS_STACK_SIZE);
}

TEST(task_fast)
{
	check_task(0);
	/* Nothing outranks it. */
	EXPECT_EQ(fast.total.preempted, 0);
}

TEST(task_mid)
{
	check_task(1);
}

TEST(task_slow)
{
	check_task(2);
	/* Each job outlasts fast's period, so fast preempts it. Whether every
	 * job was preempted depends on how late the host delivered fast's
	 * release (a timing verdict, reported in RTOS-SUMMARY); that preemption
	 * works at all is functional. */
	EXPECT_TRUE(slow.total.done > 0);
	EXPECT_TRUE(slow.total.preempted > 0);
}

TEST(monitor)
{
	EXPECT_EQ(heartbeats, (run_s + report_s - 1) / report_s);
	EXPECT_EQ(rtos_unexpected_irqs(), 0);
}

/* Every release got its job: the real-time verdict. It depends on the
 * platform's timing (under QEMU TCG on the host's scheduling), so tests
 * report it and benchmarks judge it. */
TEST(deadlines)
{
	for (int i = 0; i < NWORK; i++)
		EXPECT_EQ(work[i]->total.missed, 0);
}
