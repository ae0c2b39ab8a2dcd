// SPDX-License-Identifier: Apache-2.0
/*
 * Virtual GIC: distributor and redistributor register files (GICv2 and
 * GICv3 layouts), the per-vCPU queue of interrupts waiting for a list
 * register, and the list-register allocator. Only the cell's own interrupts
 * exist for it; every other INTID reads as zero and ignores writes, so no
 * access can reach another cell's interrupt. Physical state of an owned
 * interrupt (enable, pending, active, trigger, routing) is forwarded to the
 * GIC; priorities and groups stay virtual, in the list registers.
 */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/gic_regs.h>
#include <bulkhead/vgic.h>

/* Distributor registers (offsets common to GICv2 and GICv3 unless noted) */
/* Aff1-3 ([15:8], [23:16], [39:32]) and RES0 [30:24]: vCPUs have Aff1-3 = 0. */
#define GIC_IIDR_ARM 0x43b

/* Identification registers PIDR4-7, PIDR0-3, CIDR0-3: the last 48 bytes of
 * a GICv2 distributor's 4 KiB and of a GICv3 distributor's or
 * redistributor's 64 KiB frame. Values of Arm's GIC-400 and GIC-500
 * (PIDR2[7:4] is the architecture version). */
#define GIC_V2_ID_BASE 0xfd0
#define GIC_V3_ID_BASE 0xffd0
#define GIC_ID_REGS    12
static const uint8_t gic_v2_ids[GIC_ID_REGS] = {0x04, 0, 0,    0,    0x90, 0xb4,
						0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1};
static const uint8_t gicd_v3_ids[GIC_ID_REGS] = {0x44, 0, 0,	0,    0x92, 0xb4,
						 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
static const uint8_t gicr_v3_ids[GIC_ID_REGS] = {0x44, 0, 0,	0,    0x93, 0xb4,
						 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};

/* Word reads of the ID registers at @base; false if @off is not one. */
static bool id_read(const uint8_t *ids, uint64_t base, uint64_t off, struct mmio_access *a)
{
	if (off < base || off >= base + 4 * GIC_ID_REGS)
		return false;
	a->value = (off & 3) || a->size != 4 ? 0 : ids[(off - base) / 4];
	return true;
}

/* Redistributor (v3): RD_base frame, then SGI_base frame */

/* ICC_SGI1R_EL1 */
#define SGIR_TARGETS_SHIFT 0
#define SGIR_TARGETS_WIDTH 16
#define SGIR_AFF1_SHIFT	   16
#define SGIR_AFF1_WIDTH	   8
#define SGIR_INTID_SHIFT   24
#define SGIR_INTID_WIDTH   4
#define SGIR_AFF2_SHIFT	   32
#define SGIR_AFF2_WIDTH	   8
#define SGIR_IRM	   BIT(40)
#define SGIR_RS_SHIFT	   44
#define SGIR_RS_WIDTH	   4
#define SGIR_AFF3_SHIFT	   48
#define SGIR_AFF3_WIDTH	   8

enum bitop { B_GROUP, B_SET_ENABLE, B_CLR_ENABLE, B_SET_PEND, B_CLR_PEND, B_SET_ACT, B_CLR_ACT };

static bool bit(const uint32_t *map, unsigned int n)
{
	return (map[n / 32] >> (n % 32)) & 1;
}
static void set_bit(uint32_t *map, unsigned int n, bool on)
{
	if (on)
		map[n / 32] |= 1U << (n % 32);
	else
		map[n / 32] &= ~(1U << (n % 32));
}

static struct vgic_dist *dist(struct cell *c)
{
	return &c->vgic;
}

/* The list registers to use: the same on every CPU, asked once. */
static unsigned int nr_lrs;

static unsigned int lrs(void)
{
	if (!nr_lrs)
		nr_lrs = MIN(arch_vgic_nr_lrs(), (unsigned int)VGIC_MAX_LRS);
	return nr_lrs;
}

/* Mark list register @i (not) in use, keeping lr_used with the shadow. */
static void lr_track(struct vgic_vcpu *g, unsigned int i, uint8_t state)
{
	g->shadow[i].state = state;
	if (state == VLR_INVALID)
		g->lr_used &= ~(1U << i);
	else
		g->lr_used |= 1U << i;
}

static bool is_private(unsigned int intid)
{
	return intid < VGIC_NR_PRIVATE;
}

/* PPIs backed by per-CPU hardware the guest owns with its CPU: its virtual
 * and physical timers and its PMU, all level-sensitive. */
static bool hw_ppi(unsigned int intid)
{
	return intid >= 16 && intid < VGIC_NR_PRIVATE &&
	       (intid == bh_board.timer_ppi_virt || intid == bh_board.timer_ppi_phys ||
		intid == bh_board.pmu_ppi);
}

static bool spi_owned(struct cell *c, unsigned int intid)
{
	return intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS && bit(dist(c)->owned, intid);
}

static bool spi_hw(struct cell *c, unsigned int intid)
{
	return spi_owned(c, intid) && bit(dist(c)->hwirq, intid);
}

/* The vCPU an SPI goes to: GICv3 routes to one; a GICv2 target mask may
 * name several (the lowest stands for them) or none (NULL). */
static struct vcpu *spi_deliver_to(struct cell *c, unsigned int intid)
{
	const struct vgic_dist *d = dist(c);
	unsigned int t = d->target[intid];

	if (d->version == 2) {
		if (!d->targets[intid])
			return NULL;
		t = (unsigned int)__builtin_ctz(d->targets[intid]);
	}
	return c->vcpus[t < c->cfg->ncpus ? t : 0];
}

/* For state kept per vCPU or per physical CPU when the SPI has no target. */
static struct vcpu *spi_target(struct cell *c, unsigned int intid)
{
	struct vcpu *t = spi_deliver_to(c, intid);

	return t ? t : c->vcpus[0];
}

/* Physical CPUs of the vCPUs in a GICv2 target mask. */
static uint32_t target_pcpus(struct cell *c, uint8_t targets)
{
	uint32_t cpus = 0;

	for (unsigned int i = 0; i < c->cfg->ncpus; i++)
		if (targets & (1U << i))
			cpus |= 1U << c->vcpus[i]->pcpu;
	return cpus;
}

static uint8_t irq_prio(struct vcpu *v, unsigned int intid)
{
	return is_private(intid) ? v->vgic.prio[intid] : dist(v->cell)->prio[intid];
}

static bool irq_enabled(struct vcpu *v, unsigned int intid)
{
	return is_private(intid) ? (v->vgic.enabled >> intid) & 1
				 : bit(dist(v->cell)->enabled, intid);
}

static bool irq_group1(struct vcpu *v, unsigned int intid)
{
	return is_private(intid) ? (v->vgic.group >> intid) & 1 : bit(dist(v->cell)->group, intid);
}

/* ------------------------------------------------------------------ queue */

bool vgic_queue(struct vcpu *v, const struct vgic_pending *p)
{
	struct vgic_vcpu *g = &v->vgic;
	bool ok = true;

	arch_spin_lock(&g->lock);
	for (unsigned int i = 0; i < g->queued; i++)
		if (g->queue[i].intid == p->intid && g->queue[i].source == p->source)
			goto out; /* already pending */
	if (g->queued == VGIC_QUEUE_LEN) {
		ok = false; /* cannot happen for hardware interrupts: fewer than owned */
		goto out;
	}
	g->queue[g->queued++] = *p;
out:
	arch_spin_unlock(&g->lock);
	if (ok && v->pcpu != arch_cpu_id() && READ_ONCE(v->state) == VCPU_RUNNING)
		arch_kick_cpu(v->pcpu); /* it fills its own list registers */
	return ok;
}

static void dequeue(struct vgic_vcpu *g, unsigned int idx)
{
	g->queue[idx] = g->queue[--g->queued];
}

static void unqueue_intid(struct vcpu *v, unsigned int intid)
{
	struct vgic_vcpu *g = &v->vgic;

	arch_spin_lock(&g->lock);
	for (unsigned int i = 0; i < g->queued;) {
		if (g->queue[i].intid != intid) {
			i++;
			continue;
		}
		/* A physical interrupt we took is active: end it, or it never
		 * comes again. */
		if (g->queue[i].hw)
			arch_gic_irq_deactivate(g->queue[i].pintid, v->pcpu);
		dequeue(g, i);
	}
	arch_spin_unlock(&g->lock);
}

static bool queued(struct vcpu *v, unsigned int intid)
{
	struct vgic_vcpu *g = &v->vgic;
	bool found = false;

	arch_spin_lock(&g->lock);
	for (unsigned int i = 0; i < g->queued && !found; i++)
		found = g->queue[i].intid == intid;
	arch_spin_unlock(&g->lock);
	return found;
}

static void inject_sw(struct vcpu *v, unsigned int intid, unsigned int source)
{
	struct vgic_pending p = {.intid = (uint16_t)intid, .source = (uint8_t)source};

	if (v)
		vgic_queue(v, &p);
}

/* -------------------------------------------- hardware level interrupts */

/* A hardware interrupt whose line the guest's device holds high. */
static bool hw_level(struct vcpu *v, unsigned int intid)
{
	if (is_private(intid))
		return hw_ppi(intid);
	return spi_hw(v->cell, intid) && !bit(dist(v->cell)->edge, intid);
}

/* Is the line still asserted? A level interrupt's pending state is its
 * line, also while it is active. Called on the vCPU's own CPU (GICv2 PPIs
 * are banked). */
static bool line_high(struct vcpu *v, unsigned int intid)
{
	return arch_gic_irq_is_pending(intid, v->pcpu);
}

/* How long a held interrupt may wait for an exit before a resample. */
#define HOLD_RESAMPLE_US 50

/* Did the guest end @intid (hardware) since its last entry? Its list
 * register, still in our shadow, now reads empty. */
static bool just_ended(struct vcpu *v, unsigned int intid)
{
	struct vgic_vcpu *g = &v->vgic;
	unsigned int n = lrs();

	for (unsigned int i = 0; i < n; i++) {
		struct vlr lr;

		if (g->shadow[i].state == VLR_INVALID || !g->shadow[i].hw ||
		    g->shadow[i].intid != intid)
			continue;
		arch_vgic_read_lr(i, &lr);
		return lr.state == VLR_INVALID;
	}
	return false;
}

static bool in_list_register(struct vcpu *v, unsigned int intid)
{
	unsigned int n = lrs();

	for (unsigned int i = 0; i < n; i++)
		if (v->vgic.shadow[i].state != VLR_INVALID && v->vgic.shadow[i].intid == intid)
			return true;
	return false;
}

/*
 * A guest that ends a level interrupt before quieting its device (many
 * drivers do) still has the line high at its EOI; EL2 takes the interrupt
 * again at once. On bare metal it would wait, pending, behind the masked
 * handler and vanish when the device is quieted. So while the guest still
 * has interrupts masked, keep it physically active and out of the list
 * registers, and look again (resample) at the next exit, at a trapped WFI
 * or after HOLD_RESAMPLE_US: a line still high is presented then, a line
 * that fell is dropped. A handler thus runs exactly as often as on bare
 * metal, whatever the timing.
 */
static bool hold(struct vcpu *v, unsigned int intid)
{
	struct vgic_vcpu *g = &v->vgic;

	if (g->nheld == VGIC_MAX_HELD)
		return false;
	for (unsigned int i = 0; i < g->nheld; i++)
		if (g->held[i] == intid)
			return true;
	g->held[g->nheld++] = (uint16_t)intid;
	arch_vcpu_trap_wfi(true);
	arch_hyp_timer_arm(HOLD_RESAMPLE_US);
	return true;
}

/* On the vCPU's own CPU, before it enters the guest. @wake: the guest waits
 * for an interrupt, so what is still asserted goes to it even if masked. */
static void resample_held(struct vcpu *v, bool wake)
{
	struct vgic_vcpu *g = &v->vgic;
	bool masked = !wake && arch_vcpu_irqs_masked(v);

	for (unsigned int i = 0; i < g->nheld;) {
		unsigned int intid = g->held[i];
		struct vgic_pending p = {
			.intid = (uint16_t)intid, .pintid = (uint16_t)intid, .hw = true};

		if (!line_high(v, intid)) {
			arch_gic_irq_deactivate(intid, v->pcpu); /* it can fire again */
			g->resampled_away++;
		} else if (masked) {
			i++;
			continue;
		} else if (!queued(v, intid) && !in_list_register(v, intid)) {
			vgic_queue(v, &p);
		}
		g->held[i] = g->held[--g->nheld];
	}
	if (g->nheld) {
		arch_hyp_timer_arm(HOLD_RESAMPLE_US);
	} else {
		arch_hyp_timer_stop();
		arch_vcpu_trap_wfi(false);
	}
}

void vgic_wfi(struct vcpu *v)
{
	if (v->vgic.nheld)
		resample_held(v, true);
}

/* ------------------------------------------------------- list registers */

/* Called with the vCPU's lock held, on its own CPU. */
static void write_lr(struct vcpu *v, unsigned int i, const struct vgic_pending *p)
{
	struct vgic_dist *d = dist(v->cell);
	struct vlr lr = {
		.intid = p->intid,
		.pintid = p->pintid,
		.prio = irq_prio(v, p->intid),
		.state = VLR_PENDING,
		.source = p->source,
		.hw = p->hw,
		.group1 = irq_group1(v, p->intid),
		/* A software level line is re-examined when the guest ends it. */
		.eoi_maint = !p->hw && !is_private(p->intid) && !bit(d->edge, p->intid),
	};

	arch_vgic_write_lr(i, &lr);
	v->vgic.shadow[i] = lr;
	lr_track(&v->vgic, i, lr.state);
	v->vgic.injected++;
}

static bool deliverable(struct vcpu *v, const struct vgic_pending *p)
{
	uint32_t ctlr = dist(v->cell)->ctlr;
	bool g1 = irq_group1(v, p->intid);

	if (!irq_enabled(v, p->intid))
		return false;
	return g1 ? (ctlr & GICD_CTLR_EN_GRP1) != 0 : (ctlr & GICD_CTLR_EN_GRP0) != 0;
}

void vgic_sync(struct vcpu *v)
{
	struct vgic_vcpu *g = &v->vgic;

	/* Only the list registers in use: on most exits, none. */
	for (uint32_t used = g->lr_used; used; used &= used - 1) {
		unsigned int i = (unsigned int)__builtin_ctz(used);
		struct vlr lr;

		arch_vgic_read_lr(i, &lr);
		if (lr.state == VLR_PENDING && lr.hw && hw_level(v, lr.intid) &&
		    !line_high(v, lr.intid)) {
			/* Not taken yet, and its line fell (the guest quieted the
			 * device with interrupts masked): on bare metal it would be
			 * gone, so withdraw it and let the line fire again. */
			struct vlr empty = {0};

			arch_vgic_write_lr(i, &empty);
			arch_gic_irq_deactivate(lr.pintid, v->pcpu);
			lr_track(g, i, VLR_INVALID);
			g->resampled_away++;
			continue;
		}
		if (lr.state != VLR_INVALID) {
			g->shadow[i].state = lr.state;
			continue;
		}
		/* Finished. Clear it: an EOI-maintenance bit left in an empty list
		 * register keeps the maintenance interrupt asserted. A software
		 * level interrupt still asserted comes again. */
		if (g->shadow[i].eoi_maint) {
			struct vlr empty = {0};

			arch_vgic_write_lr(i, &empty);
		}
		if (g->shadow[i].eoi_maint && bit(dist(v->cell)->sw_level, g->shadow[i].intid))
			inject_sw(v, g->shadow[i].intid, 0);
		lr_track(g, i, VLR_INVALID);
	}
	if (g->nheld)
		resample_held(v, false);
}

/* The list register already holding @p's interrupt, or -1. A GICv2 SGI from
 * another source is another interrupt; the same INTID twice is not allowed. */
static int lr_holding(const struct vgic_vcpu *g, unsigned int n, const struct vgic_pending *p)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct vlr *s = &g->shadow[i];

		if (s->state != VLR_INVALID && s->intid == p->intid &&
		    (p->hw || s->hw || s->source == p->source))
			return (int)i;
	}
	return -1;
}

/* Settle queue entry @i against the list registers before it competes for
 * one. Returns true if it was consumed (the caller looks at slot @i again). */
static bool settle(struct vcpu *v, unsigned int n, unsigned int i, bool *blocked)
{
	struct vgic_vcpu *g = &v->vgic;
	struct vgic_pending *p = &g->queue[i];
	int held = lr_holding(g, n, p);

	if (held >= 0) {
		struct vlr *s = &g->shadow[held];

		if (!p->hw && !s->hw) {
			/* A software interrupt already there is pending (again). */
			if (!(s->state & VLR_PENDING)) {
				s->state |= VLR_PENDING;
				arch_vgic_write_lr((unsigned int)held, s);
			}
		} else if (!(p->hw && s->hw)) {
			*blocked = true; /* the other kind waits for that register */
			return false;
		} /* else: the same physical interrupt, already presented */
		dequeue(g, i);
		return true;
	}
	if (p->hw && hw_level(v, p->intid) && !line_high(v, p->intid)) {
		/* Resampled before it is presented: a level line that fell while
		 * it waited is gone, and may fire again. */
		arch_gic_irq_deactivate(p->pintid, v->pcpu);
		g->resampled_away++;
		dequeue(g, i);
		return true;
	}
	return false;
}

/* The underflow maintenance interrupt, switched only when it changes. */
static void set_underflow(struct vgic_vcpu *g, bool on)
{
	if (g->underflow != on) {
		g->underflow = on;
		arch_vgic_set_underflow(on);
	}
}

void vgic_flush(struct vcpu *v)
{
	struct vgic_vcpu *g = &v->vgic;
	unsigned int n = lrs();
	bool waiting = false;

	/* Most entries have nothing to add. Another CPU that queues for us
	 * afterwards kicks us, so a racy look is enough. */
	if (!READ_ONCE(g->queued)) {
		set_underflow(g, false);
		return;
	}
	arch_spin_lock(&g->lock);
	for (;;) {
		int best = -1, slot = -1, victim = -1;

		for (unsigned int i = 0; i < g->queued;) {
			bool blocked = false;

			if (!deliverable(v, &g->queue[i])) {
				i++;
				continue;
			}
			if (settle(v, n, i, &blocked))
				continue;
			if (!blocked &&
			    (best < 0 || irq_prio(v, g->queue[i].intid) <
						 irq_prio(v, g->queue[(unsigned int)best].intid)))
				best = (int)i;
			i++;
		}
		if (best < 0)
			break;
		for (unsigned int i = 0; i < n && slot == -1; i++)
			if (g->shadow[i].state == VLR_INVALID)
				slot = (int)i;
		if (slot == -1) {
			/* Full: evict the lowest-priority entry that is only pending
			 * if the waiting one beats it; else wait for a free one. */
			uint8_t want = irq_prio(v, g->queue[best].intid);

			for (unsigned int i = 0; i < n; i++)
				if (g->shadow[i].state == VLR_PENDING && g->shadow[i].prio > want &&
				    (victim < 0 || g->shadow[i].prio > g->shadow[victim].prio))
					victim = (int)i;
			if (victim < 0 || g->queued == VGIC_QUEUE_LEN) {
				waiting = true;
				g->lr_overflows++;
				break;
			}
			g->queue[g->queued++] = (struct vgic_pending){
				.intid = (uint16_t)g->shadow[victim].intid,
				.pintid = (uint16_t)g->shadow[victim].pintid,
				.source = g->shadow[victim].source,
				.hw = g->shadow[victim].hw,
			};
			slot = victim;
		}
		write_lr(v, (unsigned int)slot, &g->queue[best]);
		dequeue(g, (unsigned int)best);
	}
	arch_spin_unlock(&g->lock);
	set_underflow(g, waiting);
}

void vgic_sync_flush(struct vcpu *v)
{
	vgic_sync(v);
	vgic_flush(v);
}

/* ---------------------------------------------------- physical interrupts */

bool vgic_hw_irq(struct vcpu *v, unsigned int intid)
{
	struct cell *c = v->cell;
	struct vgic_pending p = {.intid = (uint16_t)intid, .pintid = (uint16_t)intid, .hw = true};
	struct vcpu *t = v;

	if (!hw_ppi(intid)) {
		const struct vgic_dist *d = dist(c);

		if (!spi_hw(c, intid))
			return false;
		/* GICv2 1-of-N: the physical GIC picked this CPU among the
		 * targets; keep it here if its vCPU is one of them. */
		if (d->version != 2 || !(d->targets[intid] & (1U << v->index)))
			t = spi_target(c, intid);
	}
	if (t == v && hw_level(v, intid) && arch_vcpu_irqs_masked(v) && just_ended(v, intid) &&
	    hold(v, intid))
		return true;
	return vgic_queue(t, &p);
}

void vgic_set_sw_level(struct cell *c, unsigned int intid, bool level)
{
	struct vgic_dist *d = dist(c);
	bool was;

	if (!spi_owned(c, intid) || spi_hw(c, intid))
		return;
	was = bit(d->sw_level, intid);
	set_bit(d->sw_level, intid, level);
	if (level && !was)
		inject_sw(spi_deliver_to(c, intid), intid, 0);
	else if (!level && was)
		unqueue_intid(spi_target(c, intid), intid);
}

/* ------------------------------------------------------- register files */

/* One INTID of a set/clear bit register. @v: the accessing vCPU (banked). */
static void bitop(struct vcpu *v, enum bitop op, unsigned int intid, bool val)
{
	struct cell *c = v->cell;
	struct vgic_dist *d = dist(c);
	bool priv = is_private(intid);
	bool hw = priv ? hw_ppi(intid) : spi_hw(c, intid);
	struct vcpu *owner = priv ? v : spi_target(c, intid);

	switch (op) {
	case B_GROUP:
		if (priv)
			v->vgic.group = (v->vgic.group & ~(1U << intid)) | ((uint32_t)val << intid);
		else
			set_bit(d->group, intid, val);
		return;
	case B_SET_ENABLE:
	case B_CLR_ENABLE: {
		bool on = op == B_SET_ENABLE;

		if (priv)
			v->vgic.enabled =
				(v->vgic.enabled & ~(1U << intid)) | ((uint32_t)on << intid);
		else
			set_bit(d->enabled, intid, on);
		if (hw)
			arch_gic_irq_enable(intid, owner->pcpu, on);
		return;
	}
	case B_SET_PEND:
		/* Made pending by software: a latched event until acknowledged,
		 * whatever the device's line does, so purely virtual even for a
		 * hardware interrupt (whose level would be resampled away). */
		inject_sw(priv ? owner : spi_deliver_to(c, intid), intid, 0);
		return;
	case B_CLR_PEND:
		if (hw)
			arch_gic_irq_set_pending(intid, owner->pcpu, false);
		unqueue_intid(owner, intid);
		return;
	case B_SET_ACT:
		return; /* activating from outside the CPU interface: ignored */
	case B_CLR_ACT:
		if (hw)
			arch_gic_irq_deactivate(intid, owner->pcpu);
		return;
	}
}

/* Is @intid held (see hold()) by @v, or for an SPI (@v NULL) by any vCPU? */
static bool held_by(struct cell *c, struct vcpu *v, unsigned int intid)
{
	for (unsigned int n = 0; n < c->cfg->ncpus; n++) {
		const struct vgic_vcpu *g = &c->vcpus[n]->vgic;

		if (v && c->vcpus[n] != v)
			continue;
		for (unsigned int i = 0; i < READ_ONCE(g->nheld) && i < VGIC_MAX_HELD; i++)
			if (g->held[i] == intid)
				return true;
	}
	return false;
}

static bool bitop_read(struct vcpu *v, enum bitop op, unsigned int intid)
{
	struct cell *c = v->cell;
	bool priv = is_private(intid);
	bool hw = priv ? hw_ppi(intid) : spi_hw(c, intid);
	struct vcpu *owner = priv ? v : spi_target(c, intid);

	switch (op) {
	case B_GROUP:
		return irq_group1(v, intid);
	case B_SET_ENABLE:
	case B_CLR_ENABLE:
		return irq_enabled(v, intid);
	case B_SET_PEND:
	case B_CLR_PEND:
		return queued(owner, intid) || (hw ? arch_gic_irq_is_pending(intid, owner->pcpu)
						   : !priv && bit(dist(c)->sw_level, intid));
	default:
		/* A held interrupt is active only for Bulkhead: the guest ended it. */
		return hw && !held_by(c, priv ? v : NULL, intid) &&
		       arch_gic_irq_is_active(intid, owner->pcpu);
	}
}

/* Does INTID exist for this access? Private ones only where they live. */
static bool visible(struct vcpu *v, unsigned int intid, bool redist)
{
	if (is_private(intid))
		return redist || dist(v->cell)->version == 2;
	return !redist && spi_owned(v->cell, intid);
}

/* 1-bit-per-INTID registers: IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER. */
static void bits_access(struct vcpu *v, unsigned int first, enum bitop op, bool redist,
			struct mmio_access *a)
{
	uint32_t val = 0;

	for (unsigned int i = 0; i < 32; i++) {
		unsigned int intid = first + i;

		if (!visible(v, intid, redist))
			continue;
		if (a->write) {
			bool b = (a->value >> i) & 1;

			if (op == B_GROUP)
				bitop(v, op, intid, b);
			else if (b) /* set/clear registers: zeros do nothing */
				bitop(v, op, intid, true);
		} else if (bitop_read(v, op, intid)) {
			val |= 1U << i;
		}
	}
	if (!a->write)
		a->value = val;
}

/* Byte-per-INTID registers (IPRIORITYR, ITARGETSR), any access width. */
static void bytes_access(struct vcpu *v, unsigned int first, bool targets, bool redist,
			 struct mmio_access *a)
{
	struct vgic_dist *d = dist(v->cell);
	uint64_t val = 0;

	for (unsigned int i = 0; i < a->size; i++) {
		unsigned int intid = first + i;
		uint8_t byte = (uint8_t)(a->value >> (8 * i));

		if (intid >= VGIC_NR_IRQS || !visible(v, intid, redist))
			continue;
		if (targets) {
			/* GICv2 ITARGETSR: private ones read as "this CPU". */
			if (is_private(intid)) {
				if (!a->write)
					val |= (uint64_t)(1U << v->index) << (8 * i);
				continue;
			}
			if (a->write) {
				/* Bits of CPU interfaces that do not exist are
				 * ignored; the GIC delivers 1-of-N to the rest. */
				d->targets[intid] =
					(uint8_t)(byte & ((1U << v->cell->cfg->ncpus) - 1));
				if (spi_hw(v->cell, intid))
					arch_gic_spi_route_cpus(
						intid, target_pcpus(v->cell, d->targets[intid]));
			} else {
				val |= (uint64_t)d->targets[intid] << (8 * i);
			}
			continue;
		}
		if (a->write) {
			if (is_private(intid))
				v->vgic.prio[intid] = byte;
			else
				d->prio[intid] = byte;
		} else {
			val |= (uint64_t)irq_prio(v, intid) << (8 * i);
		}
	}
	if (!a->write)
		a->value = val;
}

/* ICFGR: 2 bits per INTID, bit 1 = edge. SGIs are always edge. */
static void cfg_access(struct vcpu *v, unsigned int first, bool redist, struct mmio_access *a)
{
	struct vgic_dist *d = dist(v->cell);
	uint32_t val = 0;

	for (unsigned int i = 0; i < 16; i++) {
		unsigned int intid = first + i;
		bool edge;

		if (!visible(v, intid, redist))
			continue;
		if (intid < 16) {
			val |= 2U << (2 * i);
			continue;
		}
		if (a->write) {
			edge = (a->value >> (2 * i + 1)) & 1;
			if (is_private(intid)) {
				v->vgic.ppi_cfg =
					(v->vgic.ppi_cfg & ~(1U << i)) | ((uint32_t)edge << i);
			} else {
				set_bit(d->edge, intid, edge);
				if (spi_hw(v->cell, intid))
					arch_gic_spi_set_edge(intid, edge);
			}
		} else {
			edge = is_private(intid) ? (v->vgic.ppi_cfg >> i) & 1 : bit(d->edge, intid);
			val |= (uint32_t)edge << (2 * i + 1);
		}
	}
	if (!a->write)
		a->value = val;
}

/* The registers both the distributor (v2: with banked private INTIDs) and
 * the redistributor's SGI frame share. Returns false if @off is not one. */
static bool common_access(struct vcpu *v, uint64_t off, bool redist, struct mmio_access *a)
{
	static const struct {
		uint64_t base;
		enum bitop op;
	} bitregs[] = {
		{GICD_IGROUPR, B_GROUP},	{GICD_ISENABLER, B_SET_ENABLE},
		{GICD_ICENABLER, B_CLR_ENABLE}, {GICD_ISPENDR, B_SET_PEND},
		{GICD_ICPENDR, B_CLR_PEND},	{GICD_ISACTIVER, B_SET_ACT},
		{GICD_ICACTIVER, B_CLR_ACT},
	};
	/* The redistributor has only the first register of each kind. */
	uint64_t span = redist ? 4 : 0x80;

	for (unsigned int i = 0; i < ARRAY_SIZE(bitregs); i++) {
		if (off >= bitregs[i].base && off < bitregs[i].base + span) {
			if (a->size != 4)
				return true; /* only word accesses exist: ignored */
			bits_access(v, (unsigned int)(off - bitregs[i].base) * 8, bitregs[i].op,
				    redist, a);
			return true;
		}
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + (redist ? 32 : VGIC_NR_IRQS)) {
		bytes_access(v, (unsigned int)(off - GICD_IPRIORITYR), false, redist, a);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + (redist ? 8 : 0x100)) {
		if (a->size == 4)
			cfg_access(v, (unsigned int)(off - GICD_ICFGR) * 4, redist, a);
		return true;
	}
	return false;
}

static void sgi_v2(struct vcpu *v, uint32_t sgir)
{
	struct cell *c = v->cell;
	unsigned int intid = (unsigned int)FIELD_GET(GICD_SGIR_INTID, sgir);
	unsigned int filter = (unsigned int)FIELD_GET(GICD_SGIR_FILTER, sgir);
	uint32_t targets = (uint32_t)FIELD_GET(GICD_SGIR_TARGETS, sgir);

	if (filter == 1)
		targets = ((1U << c->cfg->ncpus) - 1) & ~(1U << v->index);
	else if (filter == 2)
		targets = 1U << v->index;
	else if (filter == 3)
		return;
	for (unsigned int t = 0; t < c->cfg->ncpus; t++)
		if (targets & (1U << t))
			inject_sw(c->vcpus[t], intid, v->index);
}

int vgic_dist_mmio(struct vcpu *v, void *dev, uint64_t off, struct mmio_access *a)
{
	struct cell *c = v->cell;
	struct vgic_dist *d = dist(c);
	bool v3 = d->version == 3;

	(void)dev;
	if (common_access(v, off, false, a))
		return 0;
	if (a->write) {
		if (off == GICD_CTLR && a->size == 4) {
			d->ctlr = (uint32_t)a->value & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
		} else if (v3 && off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
			   off < GICD_IROUTER_END &&
			   (a->size == 8 || (a->size == 4 && !(off & 4)))) {
			unsigned int intid = (unsigned int)((off - GICD_IROUTER) / 8);
			unsigned int aff0 = (unsigned int)(a->value & 0xff);
			bool irm = (a->value & GICD_IROUTER_IRM) != 0;

			if (!spi_owned(c, intid))
				return 0;
			/* Only Aff0 names a vCPU; an unknown one keeps the route. IRM:
			 * any vCPU will do, the first gets it. */
			if (irm)
				aff0 = 0;
			if (aff0 < c->cfg->ncpus && !(a->value & GICD_IROUTER_NOT_AFF0)) {
				d->target[intid] = (uint8_t)aff0;
				set_bit(d->irm, intid, irm);
				if (spi_hw(c, intid))
					arch_gic_spi_route(intid, c->vcpus[aff0]->pcpu);
			}
		} else if (!v3 && off >= GICD_ITARGETSR && off < GICD_ITARGETSR + VGIC_NR_IRQS) {
			bytes_access(v, (unsigned int)(off - GICD_ITARGETSR), true, false, a);
		} else if (!v3 && off == GICD_SGIR && a->size == 4) {
			sgi_v2(v, (uint32_t)a->value);
		} else if (!v3 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
			/* Pending SGIs by source: set adds, clear removes. */
			for (unsigned int i = 0; i < a->size; i++) {
				unsigned int sgi = (unsigned int)(off & 0xf) + i;
				uint8_t srcs = (uint8_t)(a->value >> (8 * i));

				for (unsigned int s = 0; s < 8 && sgi < 16; s++)
					if (srcs & (1U << s)) {
						if (off >= GICD_SPENDSGIR)
							inject_sw(v, sgi, s);
						else
							unqueue_intid(v, sgi);
					}
			}
		}
		return 0; /* everything else: write-ignored */
	}
	a->value = 0;
	if (off == GICD_CTLR) {
		a->value = d->ctlr | (v3 ? GICD_CTLR_ARE | GICD_CTLR_DS : 0);
	} else if (off == GICD_TYPER) {
		a->value = (d->nr_lines - 1) | FIELD_PREP(GICD_TYPER_CPUS, c->cfg->ncpus - 1) |
			   (v3 ? FIELD_PREP(GICD_TYPER_IDBITS, 9) : 0);
	} else if (off == GICD_IIDR) {
		a->value = GIC_IIDR_ARM;
	} else if (id_read(v3 ? gicd_v3_ids : gic_v2_ids, v3 ? GIC_V3_ID_BASE : GIC_V2_ID_BASE, off,
			   a)) {
		return 0;
	} else if (v3 && off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE && off < GICD_IROUTER_END) {
		unsigned int intid = (unsigned int)((off - GICD_IROUTER) / 8);

		if (spi_owned(c, intid) && !(off & 4))
			a->value = d->target[intid] | (bit(d->irm, intid) ? GICD_IROUTER_IRM : 0);
	} else if (!v3 && off >= GICD_ITARGETSR && off < GICD_ITARGETSR + VGIC_NR_IRQS) {
		bytes_access(v, (unsigned int)(off - GICD_ITARGETSR), true, false, a);
	}
	return 0; /* reserved and other cells' registers read as zero */
}

int vgic_redist_mmio(struct vcpu *v, void *dev, uint64_t off, struct mmio_access *a)
{
	struct cell *c = v->cell;
	unsigned int frame = (unsigned int)(off / VGIC_V3_RD_FRAME);
	uint64_t o = off % VGIC_V3_RD_FRAME;
	struct vcpu *t;

	(void)dev;
	if (frame >= c->cfg->ncpus) {
		if (!a->write)
			a->value = 0;
		return 0;
	}
	t = c->vcpus[frame];
	if (o >= GICR_SGI_BASE) {
		if (!common_access(t, o - GICR_SGI_BASE, true, a) && !a->write)
			a->value = 0;
		return 0;
	}
	if (a->write) {
		if (o == GICR_WAKER)
			t->vgic.sleeping = (a->value & GICR_WAKER_PROCESSOR_SLEEP) != 0;
		return 0;
	}
	switch (o) {
	case GICR_TYPER:
		a->value = ((uint64_t)frame << GICR_TYPER_AFF_SHIFT) |
			   ((uint64_t)frame << GICR_TYPER_PROC_SHIFT) |
			   (frame == c->cfg->ncpus - 1 ? GICR_TYPER_LAST : 0);
		if (a->size == 4)
			a->value &= 0xffffffffULL;
		break;
	case GICR_TYPER + 4:
		a->value = frame; /* upper half: affinity */
		break;
	case GICR_IIDR:
		a->value = GIC_IIDR_ARM;
		break;
	case GICR_WAKER:
		a->value = t->vgic.sleeping
				   ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP
				   : 0;
		break;
	default:
		if (!id_read(gicr_v3_ids, GIC_V3_ID_BASE, o, a))
			a->value = 0;
		break;
	}
	return 0;
}

void vgic_sgi_v3(struct vcpu *v, uint64_t val, bool group1)
{
	struct cell *c = v->cell;
	unsigned int intid = (unsigned int)FIELD_GET(SGIR_INTID, val);
	unsigned int base = (unsigned int)FIELD_GET(SGIR_RS, val) * 16;
	uint64_t targets = FIELD_GET(SGIR_TARGETS, val);

	(void)group1;
	for (unsigned int t = 0; t < c->cfg->ncpus; t++) {
		bool hit;

		if (val & SGIR_IRM)
			hit = t != v->index;
		else
			/* vCPUs have Aff1..3 = 0: any other affinity names nobody. */
			hit = !FIELD_GET(SGIR_AFF1, val) && !FIELD_GET(SGIR_AFF2, val) &&
			      !FIELD_GET(SGIR_AFF3, val) && t >= base && t < base + 16 &&
			      ((targets >> (t - base)) & 1);
		if (hit)
			inject_sw(c->vcpus[t], intid, v->index);
	}
}

/* ------------------------------------------------------------ lifecycle */

void vgic_cell_init(struct cell *c)
{
	nr_lrs = 0; /* asked again (the unit tests change it) */
	struct vgic_dist *d = dist(c);
	const struct bh_cell *cfg = c->cfg;
	unsigned int max = VGIC_NR_PRIVATE;

	d->version = bh_board.gic.version;
	for (unsigned int i = 0; i < cfg->nirqs; i++) {
		set_bit(d->owned, cfg->irqs[i], true);
		set_bit(d->hwirq, cfg->irqs[i], true);
		max = MAX(max, cfg->irqs[i] + 1U);
	}
	if (cfg->console == BH_CONSOLE_VUART && cfg->console_irq >= VGIC_NR_PRIVATE &&
	    cfg->console_irq < VGIC_NR_IRQS) {
		set_bit(d->owned, cfg->console_irq, true);
		max = MAX(max, cfg->console_irq + 1U);
	}
	d->nr_lines = (max + 31) / 32;
	for (unsigned int i = 0; i < cfg->ncpus; i++) {
		c->vcpus[i]->vgic.lock = (arch_spinlock_t)ARCH_SPINLOCK_INIT;
		/* GICv2: SGIs are always enabled. */
		c->vcpus[i]->vgic.enabled = d->version == 2 ? 0xffff : 0;
	}
	vgic_cell_reset(c);
}

void vgic_cell_reset(struct cell *c)
{
	struct vgic_dist *d = dist(c);

	for (unsigned int i = 0; i < c->cfg->nirqs; i++) {
		unsigned int intid = c->cfg->irqs[i];

		arch_gic_irq_enable(intid, 0, false);
		arch_gic_irq_set_pending(intid, 0, false);
		arch_gic_irq_deactivate(intid, 0);
		arch_gic_spi_route(intid, c->vcpus[0]->pcpu);
	}
	d->ctlr = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(d->enabled); i++) {
		d->enabled[i] = 0;
		d->group[i] = 0;
		d->edge[i] = 0;
		d->sw_level[i] = 0;
	}
	for (unsigned int i = 0; i < VGIC_NR_IRQS; i++) {
		d->prio[i] = 0;
		d->target[i] = 0;
		d->targets[i] = 1; /* GICv2: vCPU 0, as vCPU 0 alone boots */
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(d->irm); i++)
		d->irm[i] = 0;
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_vcpu *g = &v->vgic;

	/* The vCPU's own hardware PPIs: nothing left enabled or in flight. */
	for (unsigned int intid = 16; intid < VGIC_NR_PRIVATE; intid++) {
		if (!hw_ppi(intid))
			continue;
		arch_gic_irq_enable(intid, v->pcpu, false);
		arch_gic_irq_set_pending(intid, v->pcpu, false);
		arch_gic_irq_deactivate(intid, v->pcpu);
	}
	arch_vgic_cpu_reset();
	arch_hyp_timer_stop();
	arch_spin_lock(&g->lock);
	g->queued = 0;
	g->nheld = 0;
	for (unsigned int i = 0; i < VGIC_MAX_LRS; i++)
		g->shadow[i].state = VLR_INVALID;
	g->lr_used = 0;
	g->underflow = false;
	for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
		g->prio[i] = 0;
	g->enabled = dist(v->cell)->version == 2 ? 0xffff : 0;
	g->group = 0;
	g->ppi_cfg = 0;
	g->sleeping = true;
	arch_spin_unlock(&g->lock);
}
