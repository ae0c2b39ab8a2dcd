// SPDX-License-Identifier: Apache-2.0
/*
 * DMA isolation: a cell's DMA masters (its stream IDs, bhcfg derives them)
 * translate through the cell's own stage-2 table while it runs and are
 * blocked otherwise; streams no cell owns are always blocked. What the
 * IOMMU blocks is reported per cell, rate-limited so a storm cannot flood
 * the console. The IOMMU itself is behind arch_iommu_* (arch/aarch64/smmuv3.c).
 */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include <bulkhead/printf.h>

#include <config.h>

#define REPORTS_PER_SECOND 5

static bool iommu_ok;
/* IOMMU commands the last start of each cell took (shown when it stops). */
static uint64_t start_cmds[BH_NR_CPUS];

/* Rate limit per cell, and one for streams no cell owns. */
static struct report_window {
	uint64_t start;
	uint32_t shown, suppressed;
	arch_spinlock_t lock;
} windows[BH_NR_CPUS + 1];

static bool owns_stream(const struct cell *c, uint32_t sid)
{
	for (unsigned int i = 0; i < c->cfg->nstreams; i++)
		if (c->cfg->stream_ids[i] == sid)
			return true;
	return false;
}

static struct cell *stream_owner(uint32_t sid)
{
	for (unsigned int i = 0; i < cell_count(); i++)
		if (owns_stream(cell_by_index(i), sid))
			return cell_by_index(i);
	return NULL;
}

int iommu_init(struct page_pool *pool)
{
	uint32_t max_sid = 0;
	bool any = false;
	int ret;

	for (unsigned int i = 0; i < ARRAY_SIZE(windows); i++)
		windows[i].lock = (arch_spinlock_t)ARCH_SPINLOCK_INIT;
	for (unsigned int i = 0; i < cell_count(); i++) {
		const struct bh_cell *cfg = cell_by_index(i)->cfg;

		for (unsigned int j = 0; j < cfg->nstreams; j++) {
			max_sid = MAX(max_sid, cfg->stream_ids[j]);
			any = true;
		}
	}
	/* Even with no stream owned, the IOMMU is taken so that nothing DMAs. */
	ret = arch_iommu_init(pool, max_sid);
	iommu_ok = !ret;
	if (ret == -BH_ENODEV && !any)
		return 0;
	if (ret && any)
		bh_printf("bulkhead: no DMA isolation (IOMMU error %d): cells that own "
			  "streams are not started\n",
			  ret);
	return ret;
}

void iommu_start_irqs(unsigned int cpu)
{
	const uint32_t irqs[] = {bh_board.smmu_irq_event, bh_board.smmu_irq_gerror};

	if (!iommu_ok)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(irqs); i++) {
		if (!irqs[i])
			continue;
		arch_gic_spi_set_edge(irqs[i], true);
		arch_gic_spi_route(irqs[i], cpu);
		arch_gic_irq_enable(irqs[i], cpu, true);
	}
}

int iommu_cell_attach(struct cell *c)
{
	struct iommu_domain d = {
		.vmid = c->cfg->vmid,
		.root = (paddr_t)(uintptr_t)c->s2.root,
		.ia_bits = c->s2.ia_bits,
		.start_level = c->s2.start_level,
	};
	uint64_t cmds;
	int ret;

	if (!c->cfg->nstreams)
		return 0;
	if (!iommu_ok) {
		bh_printf("cell %s: its devices' DMA cannot be confined (no working IOMMU)\n",
			  c->cfg->name);
		return -BH_ENODEV;
	}
	if (arch_iommu_ia_bits() < c->s2.ia_bits) {
		bh_printf("cell %s: the IOMMU translates %u-bit IPAs, the cell's stage 2 has %u\n",
			  c->cfg->name, arch_iommu_ia_bits(), c->s2.ia_bits);
		return -BH_ENOTSUP;
	}
	/* The IOMMU may not snoop: the tables it walks are in memory. */
	pt_clean(&c->s2);
	cmds = arch_iommu_commands();
	ret = arch_iommu_set(c->cfg->stream_ids, c->cfg->nstreams, c->cfg->vmid, &d);
	if (c->index < ARRAY_SIZE(start_cmds))
		start_cmds[c->index] = arch_iommu_commands() - cmds;
	if (ret)
		bh_printf("cell %s: the IOMMU did not confirm its streams (error %d)\n",
			  c->cfg->name, ret);
	return ret;
}

int iommu_cell_detach(struct cell *c)
{
	uint64_t cmds;
	int ret;

	if (!c->cfg->nstreams || !iommu_ok)
		return 0; /* never attached */
	cmds = arch_iommu_commands();
	ret = arch_iommu_set(c->cfg->stream_ids, c->cfg->nstreams, c->cfg->vmid, NULL);
	if (ret)
		bh_printf("cell %s: the IOMMU did not confirm its streams are blocked (error %d)\n",
			  c->cfg->name, ret);
	else if (c->index < ARRAY_SIZE(start_cmds))
		bh_printf("cell %s: IOMMU: %u stream(s), %llu commands at its start, %llu at "
			  "this stop\n",
			  c->cfg->name, c->cfg->nstreams, (unsigned long long)start_cmds[c->index],
			  (unsigned long long)(arch_iommu_commands() - cmds));
	return ret;
}

/* At most REPORTS_PER_SECOND per window; the rest counted, and told with
 * the next report that gets through. Returns how many were held back, or
 * -1 if this one is held back too. */
static int64_t window_pass(struct report_window *w)
{
	uint64_t now = arch_counter();
	int64_t held = -1;

	arch_spin_lock(&w->lock);
	if (now - w->start >= arch_counter_freq()) {
		w->start = now;
		w->shown = 0;
	}
	if (w->shown < REPORTS_PER_SECOND) {
		w->shown++;
		held = w->suppressed;
		w->suppressed = 0;
	} else {
		w->suppressed++;
	}
	arch_spin_unlock(&w->lock);
	return held;
}

void iommu_fault_report(const struct iommu_fault *f)
{
	struct cell *c = stream_owner(f->sid);
	int64_t held = window_pass(&windows[c ? c->index : BH_NR_CPUS]);
	char what[64] = "DMA", more[40] = "";

	if (held < 0)
		return;
	if (f->addr_valid)
		bh_snprintf(what, sizeof(what), "DMA %s at IPA %#llx", f->write ? "write" : "read",
			    (unsigned long long)f->addr);
	if (held)
		bh_snprintf(more, sizeof(more), " (%lld more not shown)", (long long)held);
	if (c)
		bh_printf("cell %s%s: stream %u: %s blocked: %s%s\n", c->cfg->name,
			  READ_ONCE(c->state) == CELL_RUNNING ? "" : " (stopped)", f->sid, what,
			  f->reason, more);
	else
		bh_printf("bulkhead: stream %u, owned by no cell: %s blocked: %s%s\n", f->sid, what,
			  f->reason, more);
}
