// SPDX-License-Identifier: Apache-2.0
/* CPU identity, start/stop, time, and the errors reported before the MMU. */
#include <bulkhead/arch.h>
#include <bulkhead/config_types.h>
#include <bulkhead/core.h>
#include <bulkhead/errno.h>
#include <bulkhead/printf.h>

#include <arch/layout.h>
#include <arch/power.h>
#include <arch/regs.h>
#include <arch/sysreg.h>

#include <config.h>

struct arch_cpu arch_cpus[BH_NR_CPUS];

void secondary_entry(void);
void spin_table_entry(void);
void arch_mmu_enable(void);
__noreturn void arch_primary_init(unsigned int cpu);
__noreturn void arch_secondary_init(unsigned int cpu);
__noreturn void arch_early_wrong_el(uint64_t currentel);
__noreturn void arch_early_wrong_place(uint64_t loaded_at);
__noreturn void arch_early_unknown_cpu(uint64_t mpidr);

unsigned int arch_cpu_id(void)
{
	return ((const struct arch_cpu *)read_tpidr_el2())->id;
}

extern char _stacks_start[];

static void cpu_init_common(unsigned int cpu)
{
	arch_cpus[cpu].id = cpu;
	arch_cpus[cpu].mpidr = bh_board.cpu_mpidr[cpu];
	arch_cpus[cpu].stack_top = (uintptr_t)_stacks_start + (cpu + 1) * CPU_STACK_STRIDE;
}

__noreturn void arch_primary_init(unsigned int cpu)
{
	int ret;

	cpu_init_common(cpu);
	ret = arch_mmu_init();
	if (ret) {
		bh_printf_unlocked("bulkhead: cannot build the hypervisor map (%d)\n", ret);
		arch_cpu_park();
	}
	arch_mmu_enable();
	bh_primary_main();
}

__noreturn void arch_secondary_init(unsigned int cpu)
{
	cpu_init_common(cpu);
	bh_secondary_main();
}

/* The board's way for each CPU (its enable-method). */
int arch_cpu_start(unsigned int cpu)
{
	if (cpu >= bh_board.ncpus)
		return -BH_EINVAL;
	if (bh_board.cpu_start[cpu] == BH_CPU_START_SPIN_TABLE)
		return spin_table_cpu_on(cpu, (uintptr_t)spin_table_entry);
	return psci_cpu_on(cpu, (uintptr_t)secondary_entry);
}

__noreturn void arch_cpu_park(void)
{
	for (;;)
		wfi();
}

__noreturn void arch_system_off(void)
{
	const struct power_ops *power = bh_board.power_kind == BH_POWER_BCM2835_PM
						? &power_bcm2835_pm_ops
						: &power_psci_ops;
	uint64_t deadline;

	power->off((uintptr_t)bh_board.power.base);
	/* A watchdog-driven power-off takes effect a little later. */
	deadline = arch_counter() + arch_counter_freq();
	while (arch_counter() < deadline)
		;
	bh_printf("bulkhead: the machine did not power off; parking\n");
	arch_cpu_park();
}

uint64_t arch_counter(void)
{
	isb();
	return read_cntpct_el0();
}

uint64_t arch_counter_freq(void)
{
	return read_cntfrq_el0();
}

/* --- Before the MMU: print straight to the UART, then stop. ---------- */
static void early_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			arch_console_putc('\r');
		arch_console_putc(*s);
	}
}

static void early_puthex(uint64_t v)
{
	early_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		arch_console_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

__noreturn void arch_early_wrong_el(uint64_t currentel)
{
	unsigned int el = (unsigned int)FIELD_GET(CURRENTEL_EL, currentel);

	early_puts("\nBulkhead: FATAL: entered at EL");
	arch_console_putc((char)('0' + el));
	early_puts(", but a hypervisor must be entered at EL2.\n"
		   "  Boot it from firmware that leaves EL2 available (QEMU: "
		   "-machine virt,virtualization=on). Stopping.\n");
	arch_cpu_park();
}

__noreturn void arch_early_wrong_place(uint64_t loaded_at)
{
	early_puts("\nBulkhead: FATAL: image loaded at ");
	early_puthex(loaded_at);
	early_puts(" but linked at ");
	early_puthex(BH_HYP_BASE + HYP_IMAGE_OFFSET);
	early_puts(" (the board's hypervisor-memory). Stopping.\n");
	arch_cpu_park();
}

__noreturn void arch_early_unknown_cpu(uint64_t mpidr)
{
	early_puts("\nBulkhead: FATAL: boot CPU MPIDR ");
	early_puthex(mpidr);
	early_puts(" is not in the board description. Stopping.\n");
	arch_cpu_park();
}
