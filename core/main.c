// SPDX-License-Identifier: Apache-2.0
/* Boot flow: bring every CPU of the board online, report, run, power off. */
#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/config_types.h>
#include <bulkhead/core.h>
#include <bulkhead/errno.h>
#include <bulkhead/printf.h>

#include <config.h>

#define CPU_START_TIMEOUT_MS 1000

enum cpu_state {
	CPU_OFF = 0,
	CPU_ONLINE, /* running hypervisor code */
	CPU_IDLE,   /* nothing to run: parked */
	CPU_DEAD,   /* stopped by a fatal hypervisor fault */
};

static volatile uint32_t cpu_state[BH_NR_CPUS];

static void set_state(unsigned int cpu, enum cpu_state s)
{
	__atomic_store_n(&cpu_state[cpu], (uint32_t)s, __ATOMIC_RELEASE);
}

static enum cpu_state get_state(unsigned int cpu)
{
	return (enum cpu_state)__atomic_load_n(&cpu_state[cpu], __ATOMIC_ACQUIRE);
}

static uint64_t ms_to_ticks(uint64_t ms)
{
	return ms * arch_counter_freq() / 1000;
}

static uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / arch_counter_freq();
}

static unsigned int count_state(enum cpu_state want)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < bh_board.ncpus; i++)
		n += get_state(i) == want;
	return n;
}

static void start_secondaries(unsigned int self)
{
	uint64_t deadline;

	for (unsigned int i = 0; i < bh_board.ncpus; i++) {
		int ret;

		if (i == self)
			continue;
		ret = arch_cpu_start(i);
		if (ret)
			bh_printf("bulkhead: CPU %u (MPIDR %#llx) failed to start (%d)\n", i,
				  (unsigned long long)bh_board.cpu_mpidr[i], ret);
	}
	deadline = arch_counter() + ms_to_ticks(CPU_START_TIMEOUT_MS);
	while (arch_counter() < deadline) {
		bool pending = false;

		for (unsigned int i = 0; i < bh_board.ncpus; i++)
			pending |= get_state(i) == CPU_OFF;
		if (!pending)
			break;
	}
	for (unsigned int i = 0; i < bh_board.ncpus; i++)
		if (get_state(i) == CPU_OFF)
			bh_printf("bulkhead: CPU %u did not come online within %u ms\n", i,
				  CPU_START_TIMEOUT_MS);
}

static uint64_t ram_total(void)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < bh_board.nram; i++)
		total += bh_board.ram[i].size;
	return total;
}

#ifdef BH_SELFTEST_EL2_FAULT
/* Debug self-test: a hypervisor-internal fault on one CPU must produce a
 * register dump and stop that CPU only. The address is never mapped. */
#define SELFTEST_FAULT_CPU  1
#define SELFTEST_FAULT_ADDR 0xbad0000000ULL
static void selftest_el2_fault(unsigned int self)
{
	if (self != SELFTEST_FAULT_CPU % bh_board.ncpus)
		return;
	bh_printf("selftest: CPU %u loads from unmapped %#llx\n", self, SELFTEST_FAULT_ADDR);
	(void)*(volatile uint64_t *)(uintptr_t)SELFTEST_FAULT_ADDR;
	bh_printf("selftest: FAILED, no fault taken\n");
}
#else
static void selftest_el2_fault(unsigned int self)
{
	(void)self;
}
#endif

/* Nothing left for this CPU: the last one to settle powers the machine off. */
static __noreturn void cpu_done(unsigned int self, enum cpu_state s)
{
	set_state(self, s);
	if (count_state(CPU_ONLINE) == 0) {
		bh_printf("bulkhead: all CPUs idle (%u stopped by faults); system off\n",
			  count_state(CPU_DEAD));
		arch_system_off();
	}
	if (s == CPU_IDLE && cell_console_cpu(self))
		arch_cpu_serve_irqs(); /* no guest here: just the console */
	arch_cpu_park();
}

bool bh_cpu_online(unsigned int cpu)
{
	enum cpu_state s = get_state(cpu);

	return s == CPU_ONLINE || s == CPU_IDLE;
}

__noreturn void bh_cpu_idle(void)
{
	cpu_done(arch_cpu_id(), CPU_IDLE);
}

__noreturn void bh_primary_main(void)
{
	unsigned int self = arch_cpu_id();

	set_state(self, CPU_ONLINE);
	bh_printf("\nBulkhead %s (%s) on board %s, boot CPU %u\n", BH_VERSION, BH_GIT_REV,
		  bh_board.name, self);
	arch_virt_init_primary();
	arch_virt_init_cpu();
	start_secondaries(self);
	bh_printf("Bulkhead ready: cpus=%u/%u ram=%lluMiB hyp=%lluMiB@%#llx gicv%u "
		  "t=%lluus\n",
		  bh_board.ncpus - count_state(CPU_OFF), bh_board.ncpus,
		  (unsigned long long)(ram_total() >> 20),
		  (unsigned long long)(bh_board.hyp_mem.size >> 20),
		  (unsigned long long)bh_board.hyp_mem.base, bh_board.gic.version,
		  (unsigned long long)ticks_to_us(arch_counter()));
	selftest_el2_fault(self);
	cells_init();
	cpu_run_loop();
}

__noreturn void bh_secondary_main(void)
{
	unsigned int self = arch_cpu_id();

	arch_virt_init_cpu();
	set_state(self, CPU_ONLINE);
	selftest_el2_fault(self);
	cpu_run_loop();
}

__noreturn void bh_cpu_fatal(void)
{
	unsigned int self = arch_cpu_id();

	bh_printf("bulkhead: CPU %u stopped\n", self);
	cpu_done(self, CPU_DEAD);
}

__noreturn void bh_panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	bh_printf("\nPANIC on CPU %u at %s:%d: ", arch_cpu_id(), file, line);
	va_start(ap, fmt);
	bh_vprintf(fmt, ap);
	va_end(ap);
	bh_printf("\n");
	bh_cpu_fatal();
}
