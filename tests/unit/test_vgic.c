// SPDX-License-Identifier: Apache-2.0
/*
 * Virtual GIC register logic and list-register allocation: only owned
 * interrupts exist, physical state is forwarded, SGIs stay inside the cell,
 * list registers are filled by priority with eviction and maintenance.
 */
#include <bulkhead/vdev.h>
#include <bulkhead/vgic.h>

#include "cellfix.h"
#include "ut.h"

static const uint16_t rtc_irq[] = {34};

static struct cellfix *setup(unsigned int ncpus, unsigned int nr_lrs)
{
	static struct cell *list[1];
	struct cellfix *f;

	fake_gic_reset(nr_lrs);
	f = cellfix_new("c", 0, ncpus, rtc_irq, 1);
	list[0] = &f->c;
	fake_cells(list, 1);
	return f;
}

static uint64_t dist_rd(struct cellfix *f, uint64_t off, unsigned int size)
{
	struct mmio_access a = {.size = size, .reg64 = true};

	EXPECT_EQ(vgic_dist_mmio(&f->v[0], NULL, off, &a), 0);
	return a.value;
}

static void dist_wr(struct cellfix *f, uint64_t off, uint64_t val, unsigned int size)
{
	struct mmio_access a = {.size = size, .write = true, .value = val};

	EXPECT_EQ(vgic_dist_mmio(&f->v[0], NULL, off, &a), 0);
}

static uint64_t redist_rd(struct cellfix *f, uint64_t off, unsigned int size)
{
	struct mmio_access a = {.size = size, .reg64 = true};

	EXPECT_EQ(vgic_redist_mmio(&f->v[0], NULL, off, &a), 0);
	return a.value;
}

TEST(vgic_typer_describes_only_the_cell)
{
	struct cellfix *f = setup(2, 4);
	uint64_t typer = dist_rd(f, 0x004, 4);

	EXPECT_EQ(typer & 0x1f, 1);	    /* 64 lines cover INTIDs 33 and 34 */
	EXPECT_EQ((typer >> 5) & 7, 1);	    /* two vCPUs */
	EXPECT_EQ((typer >> 19) & 0x1f, 9); /* 10 ID bits, no LPIs */
	EXPECT_EQ(dist_rd(f, 0xffe8, 4) >> 4 & 0xf, 3);
	free(f);
}

TEST(vgic_owned_spi_is_forwarded_foreign_is_raz_wi)
{
	struct cellfix *f = setup(1, 4);

	dist_wr(f, 0x104, 0xffffffff, 4);			/* ISENABLER1: INTIDs 32..63, all */
	EXPECT_EQ(fake_gic.enabled[1], 1U << 2);		/* only 34 reached the GIC */
	EXPECT_EQ(dist_rd(f, 0x104, 4), (1U << 1) | (1U << 2)); /* 33 (vUART), 34 */
	dist_wr(f, 0x184, 0xffffffff, 4);			/* ICENABLER1 */
	EXPECT_EQ(fake_gic.enabled[1], 0);
	/* Pending by software: a latched virtual event for 34 (its device's
	 * line plays no part); 40 does not exist here. */
	dist_wr(f, 0x204, (1U << 2) | (1U << 8), 4);
	EXPECT_EQ(fake_gic.pending[1], 0);
	EXPECT_EQ(f->v[0].vgic.queued, 1);
	EXPECT_EQ(dist_rd(f, 0x204, 4), 1U << 2);
	dist_wr(f, 0x284, 1U << 2, 4); /* ICPENDR: withdrawn */
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_EQ(dist_rd(f, 0x204, 4) & (1U << 8), 0);
	/* Whole other ranges: nothing at all. */
	dist_wr(f, 0x108, 0xffffffff, 4);
	EXPECT_EQ(fake_gic.enabled[2], 0);
	EXPECT_EQ(dist_rd(f, 0x108, 4), 0);
	free(f);
}

TEST(vgic_priority_bytes_and_trigger)
{
	struct cellfix *f = setup(1, 4);

	dist_wr(f, 0x400 + 34, 0x50, 1); /* byte access */
	EXPECT_EQ(dist_rd(f, 0x400 + 34, 1), 0x50);
	/* Word: byte n is INTID 32+n; 32 and 35 do not exist for this cell. */
	dist_wr(f, 0x400 + 32, 0x11223344, 4);
	EXPECT_EQ(dist_rd(f, 0x400 + 32, 4), 0x00223300);
	free(f);
}

TEST(vgic_routing_only_to_own_vcpus)
{
	struct cellfix *f = setup(2, 4);

	dist_wr(f, 0x6000 + 8 * 34, 1, 8); /* IROUTER: vCPU 1 */
	EXPECT_EQ(fake_gic.route[34], 1);  /* its physical CPU */
	EXPECT_EQ(dist_rd(f, 0x6000 + 8 * 34, 8), 1);
	dist_wr(f, 0x6000 + 8 * 34, 5, 8); /* no vCPU 5: route kept */
	EXPECT_EQ(fake_gic.route[34], 1);
	dist_wr(f, 0x6000 + 8 * 34, 0x100, 8); /* Aff1 set: nobody */
	EXPECT_EQ(fake_gic.route[34], 1);
	dist_wr(f, 0x6000 + 8 * 34, 1ULL << 31, 8); /* IRM: any, vCPU 0 */
	EXPECT_EQ(fake_gic.route[34], 0);
	EXPECT_EQ(dist_rd(f, 0x6000 + 8 * 34, 8), 1ULL << 31);
	/* Level/edge goes to the GIC. */
	dist_wr(f, 0xc08, 2U << 4, 4); /* ICFGR2: INTID 34 edge */
	EXPECT_EQ(fake_gic.edge[1], 1U << 2);
	free(f);
}

TEST(vgic_redistributors_one_per_vcpu)
{
	struct cellfix *f = setup(2, 4);

	EXPECT_EQ(redist_rd(f, 0x0008, 8), (0ULL << 32) | 0);
	EXPECT_EQ(redist_rd(f, 0x20008, 8), (1ULL << 32) | (1 << 8) | (1 << 4)); /* Last */
	EXPECT_EQ(redist_rd(f, 0x40008, 8), 0); /* a third frame: nothing */
	free(f);
}

TEST(vgic_sgis_stay_inside_the_cell)
{
	struct cellfix *f = setup(2, 4);

	/* To all but self (IRM). */
	vgic_sgi_v3(&f->v[0], (1ULL << 40) | (3ULL << 24), true);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_EQ(f->v[1].vgic.queued, 1);
	EXPECT_EQ(f->v[1].vgic.queue[0].intid, 3);
	EXPECT_EQ(fake_gic.kicks[1], 1);
	/* Target list naming vCPUs that do not exist, or another cluster. */
	vgic_sgi_v3(&f->v[0], 0xfffc | (4ULL << 24), true);
	vgic_sgi_v3(&f->v[0], 0x3 | (1ULL << 16) | (5ULL << 24), true);
	vgic_sgi_v3(&f->v[0], 0x3 | (1ULL << 32) | (5ULL << 24), true);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_EQ(f->v[1].vgic.queued, 1);
	free(f);
}

static void pend(struct cellfix *f, unsigned int intid, uint8_t prio)
{
	struct vgic_pending p = {.intid = (uint16_t)intid};

	f->v[0].vgic.prio[intid] = prio;
	f->v[0].vgic.enabled |= 1U << intid;
	vgic_queue(&f->v[0], &p);
}

TEST(vgic_list_registers_by_priority_with_eviction)
{
	struct cellfix *f = setup(1, 2);
	struct vlr lr0, lr1;

	dist_wr(f, 0x000, 3, 4); /* both groups on */
	pend(f, 1, 0x80);
	pend(f, 2, 0x40);
	pend(f, 3, 0xa0);
	vgic_sync(&f->v[0]);
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr0);
	fake_lr_get(1, &lr1);
	EXPECT_EQ(lr0.intid, 2); /* highest priority first */
	EXPECT_EQ(lr1.intid, 1);
	EXPECT_EQ(lr0.state, VLR_PENDING);
	EXPECT_TRUE(fake_gic.underflow); /* SGI 3 waits: tell us when there is room */
	/* A more urgent one evicts the least urgent pending entry. */
	pend(f, 4, 0x10);
	vgic_sync(&f->v[0]);
	vgic_flush(&f->v[0]);
	fake_lr_get(1, &lr1);
	EXPECT_EQ(lr1.intid, 4);
	EXPECT_EQ(f->v[0].vgic.queued, 2); /* 1 and 3 wait */
	/* The guest takes 2 (active) and ends it: 1 moves in, 3 still waits. */
	fake_lr_set_state(0, VLR_ACTIVE);
	vgic_sync(&f->v[0]);
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr0);
	EXPECT_EQ(lr0.intid, 2); /* active entries are never evicted */
	fake_lr_set_state(0, VLR_INVALID);
	vgic_sync(&f->v[0]);
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr0);
	EXPECT_EQ(lr0.intid, 1);
	EXPECT_TRUE(fake_gic.underflow);
	free(f);
}

TEST(vgic_disabled_interrupts_wait_and_hw_ones_carry_the_physical_id)
{
	struct cellfix *f = setup(1, 4);
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	fake_gic.spi_line[1] = 1U << 2; /* the device asserts 34 */
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 34));
	EXPECT_TRUE(!vgic_hw_irq(&f->v[0], 40)); /* not the cell's */
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.state, VLR_INVALID); /* 34 is virtually disabled: waits */
	EXPECT_TRUE(!fake_gic.underflow);
	dist_wr(f, 0x104, 1U << 2, 4);
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.intid, 34);
	EXPECT_TRUE(lr.hw);
	EXPECT_EQ(lr.pintid, 34);
	free(f);
}

TEST(vgic_level_software_interrupt_comes_back_until_lowered)
{
	struct cellfix *f = setup(1, 4);
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	dist_wr(f, 0x104, 1U << 1, 4); /* enable 33 (vUART) */
	vgic_set_sw_level(&f->c, 33, true);
	vgic_flush(&f->v[0]);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.intid, 33);
	EXPECT_TRUE(lr.eoi_maint);
	/* Guest ends it while the line is still high: it comes again, and the
	 * ended list register is cleared (no stuck maintenance interrupt). */
	fake_lr_set_state(0, VLR_INVALID);
	vgic_sync(&f->v[0]);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(!lr.eoi_maint && lr.intid == 0);
	EXPECT_EQ(f->v[0].vgic.queued, 1);
	/* Lowered: withdrawn before delivery. */
	vgic_set_sw_level(&f->c, 33, false);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	free(f);
}

TEST(vgic_irouter_aff3_names_no_vcpu)
{
	struct cellfix *f = setup(2, 4);

	/* Aff3 sits apart from Aff0-2, at [39:32]: Aff3=1 with Aff0=0 names
	 * no vCPU either, so the route stays where it was. */
	dist_wr(f, 0x6000 + 8 * 34, 1, 8); /* vCPU 1 */
	dist_wr(f, 0x6000 + 8 * 34, 1ULL << 32, 8);
	EXPECT_EQ(fake_gic.route[34], 1);
	EXPECT_EQ(dist_rd(f, 0x6000 + 8 * 34, 8), 1);
	free(f);
}

/* ---- level interrupts: a handler runs as often as on bare metal (D) */

static void enter_guest(struct cellfix *f)
{
	vgic_sync(&f->v[0]);
	vgic_flush(&f->v[0]);
}

static bool deactivated(unsigned int intid)
{
	return (fake_gic.deactivated[intid / 32] >> (intid % 32)) & 1;
}

/* The virtual timer fires; the guest's handler EOIs first and masks the
 * timer after (kvm-unit-tests' timer micro-benchmark does), so the line is
 * still high at the EOI and the interrupt comes straight back to EL2. */
static struct cellfix *timer_eoi_before_quiet(void)
{
	struct cellfix *f = setup(1, 4);
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	f->v[0].vgic.enabled |= 1U << 27;
	fake_gic.ppi_line[0] = 1U << 27;
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 27));
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 27 && lr.hw && lr.state == VLR_PENDING);
	/* Guest: acknowledge, EOI (the hardware bit deactivates the physical
	 * interrupt), still in its handler with IRQs masked: it fires again. */
	fake_lr_set_state(0, VLR_INVALID);
	fake_gic.irqs_masked = true;
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 27));
	EXPECT_EQ(f->v[0].vgic.nheld, 1);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_TRUE(fake_gic.wfi_trapped && fake_gic.hyp_timer_us != 0);
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.state, VLR_INVALID); /* not shown to the guest */
	EXPECT_TRUE(!deactivated(27));	  /* physically active: no storm */
	return f;
}

TEST(vgic_level_line_quieted_after_eoi_is_not_presented_again)
{
	struct cellfix *f = timer_eoi_before_quiet();
	struct vlr lr;

	/* The handler masks the timer, returns, unmasks; the resample (next
	 * exit, or the hypervisor timer) finds the line low: dropped. */
	fake_gic.ppi_line[0] = 0;
	fake_gic.irqs_masked = false;
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.state, VLR_INVALID);
	EXPECT_EQ(f->v[0].vgic.nheld, 0);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	EXPECT_TRUE(deactivated(27)); /* free to fire at its next expiry */
	EXPECT_TRUE(!fake_gic.wfi_trapped && fake_gic.hyp_timer_us == 0);
	EXPECT_EQ(f->v[0].vgic.resampled_away, 1);
	free(f);
}

TEST(vgic_level_line_still_high_is_presented_once_the_guest_can_take_it)
{
	struct cellfix *f = timer_eoi_before_quiet();
	struct vlr lr;

	/* Still masked: still held, however often we look. */
	enter_guest(f);
	EXPECT_EQ(f->v[0].vgic.nheld, 1);
	/* Unmasked with the line high: on bare metal it is taken now. */
	fake_gic.irqs_masked = false;
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 27 && lr.hw && lr.state == VLR_PENDING);
	EXPECT_EQ(f->v[0].vgic.nheld, 0);
	EXPECT_TRUE(!deactivated(27));
	free(f);
}

TEST(vgic_level_held_interrupt_wakes_a_waiting_guest)
{
	struct cellfix *f = timer_eoi_before_quiet();
	struct vlr lr;

	/* A WFI with IRQs masked wakes on a pending interrupt: trapped while
	 * something is held, it gets the interrupt into a list register. */
	vgic_wfi(&f->v[0]);
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 27 && lr.state == VLR_PENDING);
	EXPECT_TRUE(!fake_gic.wfi_trapped);
	free(f);
}

TEST(vgic_level_reassertion_while_unmasked_is_delivered_at_once)
{
	struct cellfix *f = setup(1, 4);
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	f->v[0].vgic.enabled |= 1U << 27;
	fake_gic.ppi_line[0] = 1U << 27;
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 27));
	enter_guest(f);
	fake_lr_set_state(0, VLR_INVALID);
	fake_gic.irqs_masked = false; /* the guest runs unmasked: take it now */
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 27));
	EXPECT_EQ(f->v[0].vgic.nheld, 0);
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 27 && lr.state == VLR_PENDING);
	free(f);
}

TEST(vgic_level_spi_withdrawn_when_its_line_falls_before_the_guest_takes_it)
{
	struct cellfix *f = setup(1, 4);
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	dist_wr(f, 0x104, 1U << 2, 4);
	fake_gic.spi_line[1] = 1U << 2;
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 34));
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 34 && lr.state == VLR_PENDING);
	/* Masked, the guest polls the device and clears it: gone. */
	fake_gic.spi_line[1] = 0;
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_EQ(lr.state, VLR_INVALID);
	EXPECT_TRUE(deactivated(34));
	/* An edge interrupt is a latched event: it stays. */
	dist_wr(f, 0xc08, 2U << 4, 4);
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 34));
	enter_guest(f);
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 34 && lr.state == VLR_PENDING);
	free(f);
}

/* ---- the EL1 physical timer and the PMU are the guest's, like the virtual timer (C) */

TEST(vgic_physical_timer_and_pmu_ppis_are_forwarded)
{
	struct cellfix *f = setup(1, 4);
	struct mmio_access a = {.size = 4, .write = true, .value = (1U << 30) | (1U << 23)};
	struct vlr lr;

	dist_wr(f, 0x000, 3, 4);
	/* GICR_ISENABLER0 in the vCPU's SGI frame. */
	EXPECT_EQ(vgic_redist_mmio(&f->v[0], NULL, 0x10100, &a), 0);
	EXPECT_EQ(fake_gic.ppi_enabled[0], (1U << 30) | (1U << 23));
	fake_gic.ppi_line[0] = 1U << 30;
	EXPECT_TRUE(vgic_hw_irq(&f->v[0], 30));
	enter_guest(f);
	fake_lr_get(0, &lr);
	EXPECT_TRUE(lr.intid == 30 && lr.hw && lr.pintid == 30);
	/* Not some other PPI: the EL2 timer is Bulkhead's. */
	EXPECT_TRUE(!vgic_hw_irq(&f->v[0], 26));
	free(f);
}

/* ---- GICv2 distributor (E) */

static struct cellfix *setup_v2(unsigned int ncpus)
{
	struct cellfix *f = setup(ncpus, 4);

	f->c.vgic.version = 2;
	return f;
}

TEST(vgic_v2_targets_are_a_mask_of_the_cells_vcpus)
{
	struct cellfix *f = setup_v2(2);

	EXPECT_EQ(dist_rd(f, 0x800 + 34, 1), 0x01); /* vCPU 0 after reset */
	dist_wr(f, 0x800 + 34, 0x0f, 1);
	EXPECT_EQ(dist_rd(f, 0x800 + 34, 1), 0x03); /* CPUs 2, 3 do not exist */
	EXPECT_EQ(fake_gic.targets[34], 0x03);	    /* both physical CPUs */
	dist_wr(f, 0x800 + 34, 0x02, 1);
	EXPECT_EQ(dist_rd(f, 0x800 + 34, 1), 0x02);
	EXPECT_EQ(fake_gic.targets[34], 0x02);
	dist_wr(f, 0x800 + 34, 0x00, 1);
	EXPECT_EQ(dist_rd(f, 0x800 + 34, 1), 0x00); /* no target: not forwarded */
	EXPECT_EQ(fake_gic.targets[34], 0x00);
	/* Private interrupts read as the reading CPU's own interface. */
	EXPECT_EQ(dist_rd(f, 0x800 + 27, 1), 0x01);
	free(f);
}

TEST(vgic_v2_one_of_n_delivers_where_the_gic_chose)
{
	struct cellfix *f = setup_v2(2);

	dist_wr(f, 0x000, 3, 4);
	dist_wr(f, 0x800 + 32, 0x03030000, 4); /* 34 and 35 (35 not owned) to both */
	fake_gic.spi_line[1] = 1U << 2;
	/* The physical GIC picked vCPU 1's CPU: it is a target, it gets it. */
	EXPECT_TRUE(vgic_hw_irq(&f->v[1], 34));
	EXPECT_EQ(f->v[1].vgic.queued, 1);
	EXPECT_EQ(f->v[0].vgic.queued, 0);
	/* A software SPI with no target is not delivered at all. */
	dist_wr(f, 0x800 + 33, 0x00, 1);
	vgic_set_sw_level(&f->c, 33, true);
	EXPECT_EQ(f->v[0].vgic.queued + f->v[1].vgic.queued, 1);
	free(f);
}

TEST(vgic_id_registers_at_each_versions_offsets)
{
	struct cellfix *f = setup(1, 4);

	EXPECT_EQ(dist_rd(f, 0xffe8, 4), 0x3b);	  /* GICv3 PIDR2: ArchRev 3 */
	EXPECT_EQ(dist_rd(f, 0xfff0, 4), 0x0d);	  /* CIDR0 */
	EXPECT_EQ(dist_rd(f, 0xfe8, 4), 0);	  /* reserved on GICv3 */
	EXPECT_EQ(redist_rd(f, 0xffe8, 4), 0x3b); /* redistributor PIDR2 */
	EXPECT_EQ(redist_rd(f, 0x2ffe8, 4), 0);	  /* a frame of nobody */
	f->c.vgic.version = 2;
	EXPECT_EQ(dist_rd(f, 0xfe8, 4), 0x2b); /* GICv2 ICPIDR2: ArchRev 2 */
	EXPECT_EQ(dist_rd(f, 0xfe0, 4), 0x90);
	EXPECT_EQ(dist_rd(f, 0xffc, 4), 0xb1); /* CIDR3 */
	free(f);
}
