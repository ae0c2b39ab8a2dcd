// SPDX-License-Identifier: Apache-2.0
/*
 * Host implementation of the arch contract (core/include/bulkhead/arch.h),
 * so core logic runs in unit tests. Stops become test failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/arch.h>

#include <arch/fake.h>

static char console_buf[1 << 16];
static size_t console_len;
static unsigned int cpu_id;
static uint64_t counter;

const char *fake_console_output(void)
{
	console_buf[console_len] = '\0';
	return console_buf;
}

void fake_console_reset(void)
{
	console_len = 0;
}
void fake_set_cpu_id(unsigned int cpu)
{
	cpu_id = cpu;
}
void fake_set_counter(uint64_t ticks)
{
	counter = ticks;
}

void arch_console_putc(char c)
{
	if (console_len + 1 < sizeof(console_buf))
		console_buf[console_len++] = c;
}

unsigned int arch_cpu_id(void)
{
	return cpu_id;
}
int arch_cpu_start(unsigned int cpu)
{
	return cpu < 64 ? 0 : -1;
}
uint64_t arch_counter(void)
{
	return counter;
}
uint64_t arch_counter_freq(void)
{
	return 62500000;
}
void arch_wait_event(void) {}
void arch_send_event(void) {}
int arch_mmu_init(void)
{
	return 0;
}

void arch_cpu_park(void)
{
	fprintf(stderr, "fake arch: CPU parked\n%s", fake_console_output());
	abort();
}

void arch_system_off(void)
{
	fprintf(stderr, "fake arch: system off\n");
	exit(0);
}
