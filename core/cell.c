// SPDX-License-Identifier: Apache-2.0
/*
 * Cells: stage-2 maps built once at boot from the configuration, images
 * copied in at every (re)start, vCPUs pinned to their physical CPUs, and
 * the fault policy that keeps a misbehaving cell to itself.
 */
#include <stdarg.h>

#include <bulkhead/cell.h>
#include <bulkhead/console.h>
#include <bulkhead/core.h>
#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include <bulkhead/printf.h>
#include <bulkhead/string.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vpci.h>

#include <config.h>

#define FAULT_LOG_PER_SECOND 5
#define STOP_WARN_MS	     1000

static struct cell cells[BH_NR_CPUS]; /* a cell owns at least one CPU */
static struct vcpu vcpus[BH_NR_CPUS]; /* indexed by physical CPU */
static struct vcpu *pcpu_vcpu[BH_NR_CPUS];
static unsigned int ncells;
static unsigned int console_cpu;
static struct page_pool heap;
static volatile uint32_t cells_ready;

struct cell *cell_by_index(unsigned int i)
{
	return i < ncells ? &cells[i] : NULL;
}
unsigned int cell_count(void)
{
	return ncells;
}

static void lock(struct cell *c)
{
	arch_spin_lock(&c->lock);
}
static void unlock(struct cell *c)
{
	arch_spin_unlock(&c->lock);
}

void *cell_ipa_to_hva(struct cell *c, ipa_t ipa, size_t len)
{
	for (unsigned int i = 0; i < c->cfg->nmem; i++) {
		const struct bh_cell_mem *m = &c->cfg->mem[i];

		if (ipa >= m->ipa && ipa - m->ipa < m->size && len <= m->size - (ipa - m->ipa))
			return (void *)(uintptr_t)(m->pa + (ipa - m->ipa));
	}
	return NULL;
}

bool cell_copy_from_guest(struct cell *c, void *dst, ipa_t src, size_t len)
{
	const void *p = cell_ipa_to_hva(c, src, len);

	if (!p)
		return false;
	memcpy(dst, p, len);
	return true;
}

static unsigned int mem_prot(uint32_t flags)
{
	return ((flags & BH_MEM_R) ? PT_PROT_R : 0) | ((flags & BH_MEM_W) ? PT_PROT_W : 0) |
	       ((flags & BH_MEM_X) ? PT_PROT_X : 0);
}

static int build_stage2(struct cell *c)
{
	const struct bh_cell *cfg = c->cfg;
	int ret = pt_init(&c->s2, ARCH_PT_STAGE2, bh_board.pa_bits, &heap);

	for (unsigned int i = 0; !ret && i < cfg->nmem; i++)
		ret = pt_map(&c->s2, cfg->mem[i].ipa, cfg->mem[i].pa, cfg->mem[i].size,
			     mem_prot(cfg->mem[i].flags), 0);
	for (unsigned int i = 0; !ret && i < cfg->nmmio; i++)
		ret = pt_map(&c->s2, cfg->mmio[i].ipa, cfg->mmio[i].pa, cfg->mmio[i].size,
			     PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE, 0);
	/* The cell's slices of the PCI windows, for its BARs: 1:1, since a
	 * BAR holds a bus address the guest also uses as its IPA. */
	for (unsigned int i = 0; !ret && i < cfg->npci_windows; i++)
		ret = pt_map(&c->s2, cfg->pci_windows[i].base, cfg->pci_windows[i].base,
			     cfg->pci_windows[i].size, PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE, 0);
	if (!ret && cfg->console == BH_CONSOLE_VUART)
		ret = vdev_add(c, cfg->console_ipa, PAGE_SIZE, vuart_mmio, NULL,
			       "emulated PL011 UART");
	/* Virtual GIC: the distributor (and v3 redistributors) trap; a v2 CPU
	 * interface is the hardware's GICV frame, mapped where GICC should be. */
	if (!ret)
		ret = vdev_add(c, cfg->gicd_ipa,
			       bh_board.gic.version == 2 ? VGIC_V2_DIST_SIZE : VGIC_DIST_SIZE,
			       vgic_dist_mmio, NULL, "virtual GIC distributor");
	if (!ret && bh_board.gic.version == 3)
		ret = vdev_add(c, cfg->gicr_ipa, (uint64_t)cfg->ncpus * VGIC_V3_RD_FRAME,
			       vgic_redist_mmio, NULL, "virtual GIC redistributors");
	if (!ret) /* the PCI configuration space of its functions, if it has any */
		ret = vpci_cell_init(c);
	if (!ret && bh_board.gic.version == 2)
		ret = pt_map(&c->s2, cfg->gicc_ipa, bh_board.gic.vcpu.base,
			     ALIGN_UP(MIN(bh_board.gic.vcpu.size, (uint64_t)VGIC_V2_CPU_SIZE),
				      PAGE_SIZE),
			     PT_PROT_R | PT_PROT_W | PT_PROT_DEVICE, 0);
	return ret;
}

/* Fresh copies of the images and the device tree; the rest of RAM is kept. */
static bool load_images(struct cell *c)
{
	const struct bh_cell *cfg = c->cfg;

	for (unsigned int i = 0; i <= cfg->nimages; i++) {
		bool dtb = i == cfg->nimages;
		const uint8_t *src = dtb ? cfg->dtb : cfg->images[i].data;
		uint64_t size = dtb ? cfg->dtb_size : cfg->images[i].size;
		ipa_t ipa = dtb ? cfg->dtb_ipa : cfg->images[i].ipa;
		void *dst;

		if (!size)
			continue;
		dst = cell_ipa_to_hva(c, ipa, size);
		if (!dst) { /* bhcfg validates this; never trust a table blindly */
			bh_printf("cell %s: image at IPA %#llx is outside its memory\n", cfg->name,
				  (unsigned long long)ipa);
			return false;
		}
		memcpy(dst, src, size);
		/* The guest starts with its MMU off: data must be in memory. */
		arch_clean_dcache_range(dst, size);
	}
	arch_icache_invalidate_all();
	return true;
}

static void cell_start(struct cell *c)
{
	struct vcpu *boot = c->vcpus[0];

	/* Its devices DMA only through its own stage 2 from now on; without
	 * that confirmed it must not run. */
	if (!load_images(c) || iommu_cell_attach(c)) {
		bh_printf("cell %s: not started\n", c->cfg->name);
		WRITE_ONCE(c->state, CELL_STOPPED);
		return;
	}
	lock(c);
	vuart_reset(c);
	c->boots++;
	for (unsigned int i = 0; i < c->cfg->ncpus; i++)
		c->vcpus[i]->state = VCPU_OFF;
	boot->start_entry = c->cfg->entry_ipa;
	boot->start_ctx = c->cfg->dtb_ipa;
	boot->state = VCPU_ON_PENDING;
	c->state = CELL_RUNNING;
	unlock(c);
	bh_printf("cell %s: start #%u, vCPU 0 on CPU %u at %#llx, dtb %#llx\n", c->cfg->name,
		  c->boots, boot->pcpu, (unsigned long long)c->cfg->entry_ipa,
		  (unsigned long long)c->cfg->dtb_ipa);
	if (boot->pcpu != arch_cpu_id())
		arch_kick_cpu(boot->pcpu); /* it waits in arch_cpu_wait() */
}

int cells_init(void)
{
	uintptr_t base;
	size_t size;

	arch_hyp_heap(&base, &size);
	page_pool_init(&heap, (void *)base, size / PAGE_SIZE);
	ncells = MIN(bh_system.ncells, (uint32_t)BH_NR_CPUS);
	/* bhcfg checked every cell against the PA size the board states; a CPU
	 * with less means the board description is not this machine's. */
	if (arch_ipa_bits() < bh_board.pa_bits) {
		bh_printf("bulkhead: board %s states %u-bit physical addresses, but this CPU has "
			  "%u: wrong board description for this machine; no cell started\n",
			  bh_board.name, bh_board.pa_bits, arch_ipa_bits());
		ncells = 0;
	}
	for (unsigned int i = 0; i < ncells; i++) {
		struct cell *c = &cells[i];

		c->cfg = &bh_system.cells[i];
		c->index = i;
		c->lock = (arch_spinlock_t)ARCH_SPINLOCK_INIT;
		for (unsigned int j = 0; j < c->cfg->ncpus; j++) {
			unsigned int pcpu = c->cfg->cpus[j];
			struct vcpu *v = &vcpus[pcpu];

			v->cell = c;
			v->index = j;
			v->pcpu = pcpu;
			c->vcpus[j] = v;
			pcpu_vcpu[pcpu] = v;
		}
	}
	/* Before any cell runs: every stream blocked, until its cell starts. */
	iommu_init(&heap);
	for (unsigned int i = 0; i < ncells; i++) {
		struct cell *c = &cells[i];
		int ret;

		vgic_cell_init(c);
		ret = build_stage2(c);
		if (ret) {
			bh_printf("cell %s: cannot build its stage-2 map (error %d); not started\n",
				  c->cfg->name, ret);
			continue;
		}
		if (!bh_cpu_online(c->vcpus[0]->pcpu)) {
			bh_printf("cell %s: its boot CPU %u is not online; not started\n",
				  c->cfg->name, c->vcpus[0]->pcpu);
			continue;
		}
		bh_printf("cell %s: VMID %u, %u vCPU(s), stage 2 in %zu tables\n", c->cfg->name,
			  c->cfg->vmid, c->cfg->ncpus, pt_table_count(&c->s2));
		cell_start(c);
	}
	/* Console interrupts go to a CPU no cell owns, if there is one. */
	for (unsigned int cpu = BH_NR_CPUS; cpu-- > 0;)
		if (!pcpu_vcpu[cpu] && bh_cpu_online(cpu))
			console_cpu = cpu;
	console_start(console_cpu);
	iommu_start_irqs(console_cpu);
	__atomic_store_n(&cells_ready, 1, __ATOMIC_RELEASE);
	for (unsigned int cpu = 0; cpu < BH_NR_CPUS; cpu++)
		if (cpu != arch_cpu_id() && bh_cpu_online(cpu))
			arch_kick_cpu(cpu);
	return 0;
}

bool cell_console_cpu(unsigned int cpu)
{
	return cpu == console_cpu;
}

static void system_check_done(void)
{
	for (unsigned int i = 0; i < ncells; i++)
		if (READ_ONCE(cells[i].state) != CELL_STOPPED)
			return;
	bh_printf("bulkhead: all cells stopped; system off\n");
	arch_system_off();
}

/* Into the guest, with its list registers brought up to date. */
static __noreturn void enter(struct vcpu *v)
{
	vgic_sync(v);
	vgic_flush(v);
	arch_vcpu_resume(v);
}

__noreturn void cpu_run_loop(void)
{
	unsigned int self = arch_cpu_id();
	struct vcpu *v;

	while (!__atomic_load_n(&cells_ready, __ATOMIC_ACQUIRE))
		arch_cpu_wait();
	v = pcpu_vcpu[self];
	if (!v || READ_ONCE(v->cell->state) == CELL_STOPPED) {
		if (!v || v->cell->boots == 0)
			bh_cpu_idle(); /* owned by no cell that ever runs */
	}
	for (;;) {
		struct cell *c = v->cell;
		bool start;

		lock(c);
		start = c->state == CELL_RUNNING && v->state == VCPU_ON_PENDING;
		if (start)
			v->state = VCPU_RUNNING;
		unlock(c);
		if (start) {
			arch_vcpu_load(v);
			vgic_vcpu_reset(v);
			arch_vcpu_reset(v, v->start_entry, v->start_ctx);
			arch_vgic_enable();
			enter(v);
		}
		arch_cpu_wait(); /* until a CPU_ON or a (re)start kicks it */
		v->idle_wakeups++;
	}
}

static __noreturn void park(struct vcpu *v)
{
	vgic_vcpu_reset(v);
	lock(v->cell);
	v->state = VCPU_OFF;
	unlock(v->cell);
	cpu_run_loop();
}

__noreturn void cell_vcpu_continue(struct vcpu *v)
{
	if (READ_ONCE(v->cell->state) != CELL_RUNNING)
		park(v);
	enter(v);
}

/* Appends to a line being built, so it is printed whole. */
static size_t append(char *buf, size_t size, size_t len, const char *fmt, ...) __printf(4, 5);
static size_t append(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	len += (size_t)bh_vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return len;
}

static void print_exit_stats(const struct cell *c)
{
	for (unsigned int i = 0; i < c->cfg->ncpus; i++) {
		const struct vcpu *v = c->vcpus[i];
		char line[256];
		size_t n = 0;

		n = append(line, sizeof(line), n, "cell %s: vCPU %u: %llu exits (%llu irq",
			   c->cfg->name, i, (unsigned long long)v->exits,
			   (unsigned long long)v->irq_exits);
		for (unsigned int ec = 0; ec < VCPU_EXIT_CLASSES; ec++)
			if (v->exits_by_class[ec])
				n = append(line, sizeof(line), n, ", %llu %s",
					   (unsigned long long)v->exits_by_class[ec],
					   arch_exception_class_name(ec));
		bh_printf("%s), %llu idle wakeups\n", line, (unsigned long long)v->idle_wakeups);
	}
}

__noreturn void cell_stop(struct vcpu *v, bool restart, const char *why)
{
	struct cell *c = v->cell;
	uint64_t warn_at;

	lock(c);
	if (c->state != CELL_RUNNING) { /* another of its CPUs is stopping it */
		unlock(c);
		park(v);
	}
	c->state = CELL_STOPPING;
	for (unsigned int i = 0; i < c->cfg->ncpus; i++) {
		struct vcpu *o = c->vcpus[i];

		if (o == v || o->state == VCPU_ON_PENDING)
			o->state = VCPU_OFF;
		else if (o->state == VCPU_RUNNING)
			arch_kick_cpu(o->pcpu);
	}
	unlock(c);
	if (why) {
		bh_printf("cell %s: vCPU %u (CPU %u): %s: %s; %s the cell\n", c->cfg->name,
			  v->index, v->pcpu, arch_exit_class_name(v), why,
			  restart ? "restarting" : "stopping");
		arch_dump_vcpu(v);
	}
	/* Wait for the other CPUs to leave the guest (the kick forces an exit). */
	warn_at = arch_counter() + STOP_WARN_MS * arch_counter_freq() / 1000;
	for (unsigned int i = 0; i < c->cfg->ncpus; i++) {
		while (READ_ONCE(c->vcpus[i]->state) == VCPU_RUNNING) {
			if (warn_at && arch_counter() > warn_at) {
				bh_printf("cell %s: CPU %u slow to leave the guest\n", c->cfg->name,
					  c->vcpus[i]->pcpu);
				warn_at = 0;
			}
		}
	}
	vgic_vcpu_reset(v);
	vgic_cell_reset(c);
	vpci_cell_stop(c);
	/* Nothing its devices do lands once this returns: before its memory is
	 * re-imaged. Unconfirmed, it must not start again. */
	if (iommu_cell_detach(c) && restart) {
		bh_printf("cell %s: not restarted: its devices may still reach its memory\n",
			  c->cfg->name);
		restart = false;
	}
	arch_spin_lock(&c->lock);
	vuart_flush(c);
	arch_spin_unlock(&c->lock);
	console_flush_cell(c);
	print_exit_stats(c);
	{
		struct console_stats st = console_cell_stats(c);

		bh_printf("cell %s: console: %llu lines, %llu dropped, %llu input characters "
			  "overrun\n",
			  c->cfg->name, (unsigned long long)st.lines,
			  (unsigned long long)st.dropped_lines,
			  (unsigned long long)c->vuart.rx_dropped);
	}
	if (restart) {
		cell_start(c);
	} else {
		bh_printf("cell %s: stopped\n", c->cfg->name);
		WRITE_ONCE(c->state, CELL_STOPPED);
		console_cell_stopped(c);
		system_check_done();
	}
	cpu_run_loop();
}

__noreturn void vcpu_off(struct vcpu *v)
{
	struct cell *c = v->cell;
	bool any_on = false;

	lock(c);
	v->state = VCPU_OFF;
	for (unsigned int i = 0; i < c->cfg->ncpus; i++)
		any_on |= c->vcpus[i]->state != VCPU_OFF;
	if (!any_on)
		v->state = VCPU_RUNNING; /* cell_stop() takes it from here */
	unlock(c);
	if (!any_on) {
		bh_printf("cell %s: every vCPU is off\n", c->cfg->name);
		cell_stop(v, false, NULL);
	}
	cpu_run_loop();
}

/* At most FAULT_LOG_PER_SECOND reports per cell and second; the rest are
 * counted and reported with the next one that gets through. */
static bool fault_log_allowed(struct cell *c)
{
	uint64_t now = arch_counter();

	if (now - c->log_window_start >= arch_counter_freq()) {
		c->log_window_start = now;
		c->log_in_window = 0;
	}
	if (c->log_in_window >= FAULT_LOG_PER_SECOND) {
		c->log_suppressed++;
		return false;
	}
	c->log_in_window++;
	return true;
}

void cell_guest_fault(struct vcpu *v, enum guest_fault kind, const char *why)
{
	struct cell *c = v->cell;

	switch (c->cfg->fault_policy) {
	case BH_FAULT_STOP:
		cell_stop(v, false, why);
	case BH_FAULT_RESTART:
		cell_stop(v, true, why);
	default:
		break;
	}
	lock(c);
	if (fault_log_allowed(c)) {
		uint32_t suppressed = c->log_suppressed;

		c->log_suppressed = 0;
		unlock(c);
		char more[32] = "";

		if (suppressed)
			bh_snprintf(more, sizeof(more), " (%u more not shown)", suppressed);
		bh_printf("cell %s: vCPU %u: %s (%s, FAR %#llx, PC %#llx): injected %s%s\n",
			  c->cfg->name, v->index, why, arch_exit_class_name(v),
			  (unsigned long long)v->exit.far, (unsigned long long)v->regs.elr,
			  kind == GUEST_FAULT_UNDEF    ? "undefined instruction"
			  : kind == GUEST_FAULT_SERROR ? "SError"
						       : "external abort",
			  more);
	} else {
		unlock(c);
	}
	switch (kind) {
	case GUEST_FAULT_DATA:
		arch_inject_abort(v, false);
		break;
	case GUEST_FAULT_INSTR:
		arch_inject_abort(v, true);
		break;
	case GUEST_FAULT_UNDEF:
		arch_inject_undef(v);
		break;
	case GUEST_FAULT_SERROR:
		arch_inject_serror(v);
		break;
	}
}
