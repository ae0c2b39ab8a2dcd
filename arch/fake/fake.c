// SPDX-License-Identifier: Apache-2.0
/*
 * Host implementation of the arch contract (core/include/bulkhead/arch.h),
 * so core logic runs in unit tests. Hardware state is plain memory the
 * tests inspect; stops become test failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/arch.h>
#include <bulkhead/cell.h>
#include <bulkhead/vgic.h>

#include <arch/fake.h>

static char console_buf[1 << 20];
static size_t console_len;
static int console_room = -1;
static char input_buf[256];
static size_t input_len, input_pos;
static unsigned int cpu_id;
static uint64_t counter;
static struct cell **fcells;
static unsigned int nfcells;
static struct vlr lrs[16];
struct fake_gic fake_gic;

const char *fake_console_output(void)
{
	console_buf[console_len] = '\0';
	return console_buf;
}

void fake_console_reset(void)
{
	console_len = 0;
	console_room = -1;
}

void fake_console_room(int room)
{
	console_room = room;
}

void fake_console_input(const char *s)
{
	input_len = strlen(s);
	input_pos = 0;
	memcpy(input_buf, s, input_len);
}

void fake_set_cpu_id(unsigned int cpu)
{
	cpu_id = cpu;
}
void fake_set_counter(uint64_t ticks)
{
	counter = ticks;
}

void fake_cells(struct cell **cells, unsigned int n)
{
	fcells = cells;
	nfcells = n;
}

struct cell *cell_by_index(unsigned int i)
{
	return i < nfcells ? fcells[i] : NULL;
}
unsigned int cell_count(void)
{
	return nfcells;
}

void arch_console_putc(char c)
{
	if (console_len + 1 < sizeof(console_buf))
		console_buf[console_len++] = c;
}

bool arch_console_try_putc(char c)
{
	if (console_room == 0)
		return false;
	if (console_room > 0)
		console_room--;
	arch_console_putc(c);
	return true;
}

int arch_console_getc(void)
{
	return input_pos < input_len ? (unsigned char)input_buf[input_pos++] : -1;
}

void arch_console_irqs(bool rx, bool tx)
{
	(void)rx;
	(void)tx;
}

unsigned int arch_cpu_id(void)
{
	return cpu_id;
}
int arch_cpu_start(unsigned int cpu)
{
	return cpu < 64 ? 0 : -1;
}
static uint64_t counter_step;

void fake_counter_step(uint64_t step)
{
	counter_step = step;
}
uint64_t arch_counter(void)
{
	counter += counter_step;
	return counter;
}
uint64_t arch_counter_freq(void)
{
	return 62500000;
}
void arch_cpu_wait(void) {}
void arch_clean_dcache_range(const void *p, size_t len)
{
	(void)p;
	(void)len;
}
void arch_clean_inval_dcache_range(const void *p, size_t len)
{
	(void)p;
	(void)len;
}
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

/* ---- GIC -------------------------------------------------------------- */
static void setbit(uint32_t *m, unsigned int n, bool on)
{
	if (on)
		m[n / 32] |= 1U << (n % 32);
	else
		m[n / 32] &= ~(1U << (n % 32));
}

void fake_gic_reset(unsigned int nr_lrs)
{
	memset(&fake_gic, 0, sizeof(fake_gic));
	memset(lrs, 0, sizeof(lrs));
	fake_gic.nr_lrs = nr_lrs;
}

void arch_gic_irq_enable(unsigned int intid, unsigned int cpu, bool on)
{
	if (intid < 32)
		setbit(&fake_gic.ppi_enabled[cpu], intid, on);
	else
		setbit(fake_gic.enabled, intid, on);
}

void arch_gic_irq_set_pending(unsigned int intid, unsigned int cpu, bool pending)
{
	(void)cpu;
	if (intid >= 32)
		setbit(fake_gic.pending, intid, pending);
}

/* Like a GIC: a level interrupt is pending while its line is high. */
bool arch_gic_irq_is_pending(unsigned int intid, unsigned int cpu)
{
	bool edge = intid >= 32 && (fake_gic.edge[intid / 32] >> (intid % 32)) & 1;

	if (intid < 32)
		return (fake_gic.ppi_line[cpu] >> intid) & 1;
	return ((fake_gic.pending[intid / 32] >> (intid % 32)) & 1) ||
	       (!edge && (fake_gic.spi_line[intid / 32] >> (intid % 32)) & 1);
}

bool arch_gic_irq_is_active(unsigned int intid, unsigned int cpu)
{
	(void)intid;
	(void)cpu;
	return false;
}

void arch_gic_irq_deactivate(unsigned int intid, unsigned int cpu)
{
	(void)cpu;
	setbit(fake_gic.deactivated, intid, true);
}

void arch_gic_spi_set_edge(unsigned int intid, bool edge)
{
	setbit(fake_gic.edge, intid, edge);
}
void arch_gic_spi_route(unsigned int intid, unsigned int cpu)
{
	fake_gic.route[intid] = (uint8_t)cpu;
}
void arch_gic_spi_route_cpus(unsigned int intid, uint32_t cpus)
{
	fake_gic.targets[intid] = (uint8_t)cpus;
}
bool arch_vcpu_irqs_masked(const struct vcpu *v)
{
	(void)v;
	return fake_gic.irqs_masked;
}
void arch_vcpu_trap_wfi(bool on)
{
	fake_gic.wfi_trapped = on;
}
void arch_hyp_timer_arm(uint64_t us)
{
	fake_gic.hyp_timer_us = us;
}
void arch_hyp_timer_stop(void)
{
	fake_gic.hyp_timer_us = 0;
}
void arch_kick_cpu(unsigned int cpu)
{
	fake_gic.kicks[cpu]++;
}
unsigned int arch_vgic_nr_lrs(void)
{
	return fake_gic.nr_lrs;
}
void arch_vgic_read_lr(unsigned int i, struct vlr *lr)
{
	*lr = lrs[i];
}
void arch_vgic_write_lr(unsigned int i, const struct vlr *lr)
{
	lrs[i] = *lr;
}
void arch_vgic_set_underflow(bool on)
{
	fake_gic.underflow = on;
}
void arch_vgic_cpu_reset(void)
{
	memset(lrs, 0, sizeof(lrs));
}
void arch_vgic_enable(void) {}
void fake_lr_set_state(unsigned int i, unsigned int state)
{
	lrs[i].state = (uint8_t)state;
}
void fake_lr_get(unsigned int i, struct vlr *lr)
{
	*lr = lrs[i];
}
