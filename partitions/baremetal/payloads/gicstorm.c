// SPDX-License-Identifier: Apache-2.0
/*
 * gicstorm: a hostile cell that writes everything it can reach of the
 * interrupt controller, over and over, for gicstorm.seconds=<s> (default
 * 3). It checks only that it survives and that its accesses went where
 * they should; whether anybody else was disturbed is for its neighbours to
 * say (configs/qemu-virt/test-gicstorm.dts: a real-time executive counting
 * its timer interrupts and a cell counting RTC alarms).
 *
 * One round:
 *  - the distributor, all 64 KiB: every 32-bit word read, then written with
 *    all ones; then, explicitly, every IROUTER (GICv3, 64-bit: every
 *    affinity field all ones, with and without IRM) or ITARGETSR (GICv2:
 *    every CPU), and the set-enable, set-pending, clear-active and
 *    clear-enable banks. Bulkhead emulates the whole window: no access may
 *    abort, and only our own interrupts may change;
 *  - GICv3: every word of our own redistributor frame(s) (emulated, must
 *    not abort), then what lies beyond them in QEMU virt's redistributor
 *    region, where the other CPUs' redistributors are: every word up to the
 *    end of the board's four CPUs' frames, then a word a page. Stage 2 maps
 *    nothing there: each access must abort, into our own vector (fault
 *    policy "inject"), and the storm goes on;
 *  - the other GIC frames Bulkhead keeps for itself (GICv3: the ITS; GICv2:
 *    the GICv2m MSI frame, the hypervisor interface GICH, the physical GICV
 *    and the physical GICC past our 8 KiB view of GICV): every word written,
 *    a word a page read; each access must abort;
 *  - SGIs at every possible target. GICv3: ICC_SGI1R_EL1, ICC_ASGI1R_EL1
 *    and ICC_SGI0R_EL1 with IRM=1, with every target list bit in every
 *    range selector, and with Aff1/Aff2/Aff3 non-zero. GICv2: GICD_SGIR
 *    with every filter and every target list.
 * Rounds repeat until the time is up, at least twice; the last one is
 * always finished (a round takes about 2 s on GICv3 under QEMU TCG, mostly
 * aborts). With gicstorm.stay=<s> the cell then keeps running until <s>
 * seconds after the storm began (see stay_until()).
 *
 * Interrupts stay masked here throughout: whatever we make pending for
 * ourselves just waits. Prints "gicstorm: ..." counts, a
 * GICSTORM-INTERVAL line with the counter at start and end (neighbours' timestamps can be placed
 * inside it), and BM-RESULT.
 */
#include <bm/bm.h>

#include <bulkhead/string.h>

BM_PAYLOAD("gicstorm");

#define DEFAULT_SECONDS 3
#define MIN_ROUNDS	2      /* a storm repeats, however slow the host */
#define STAY_SPIN	100000 /* loop passes between counter reads */
#define MAX_SECONDS	60
#define ALL_ONES	0xffffffffU

#define GICD_SIZE	0x10000 /* GICv3; a GICv2 distributor is 4 KiB, in a 64 KiB region */
#define GICD_V2_SIZE	0x1000
#define GICD_CTLR	0x0000
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICACTIVER	0x0380
#define GICD_ITARGETSR	0x0800
#define GICD_SGIR	0x0f00
#define GICD_IROUTER	0x6000
#define GICD_BANK_WORDS 32 /* 1-bit-per-INTID registers: 32 words, INTIDs 0-1023 */
#define GICD_CTLR_GRPS	0x3
#define FIRST_SPI	32
#define LAST_SPI	1019
#define GICR_FRAME	0x20000 /* RD_base + SGI_base */
#define PAGE		0x1000

/* IROUTER: Aff0-2 at [23:0], IRM at 31, Aff3 at [39:32]. */
#define IROUTER_AFF_ALL 0xff00ffffffULL
#define IROUTER_IRM	BIT(31)

/* ICC_SGI1R_EL1 fields */
#define SGIR_TARGETS_ALL 0xffffULL
#define SGIR_AFF1(a)	 ((uint64_t)(a) << 16)
#define SGIR_INTID(i)	 ((uint64_t)(i) << 24)
#define SGIR_AFF2(a)	 ((uint64_t)(a) << 32)
#define SGIR_IRM	 BIT(40)
#define SGIR_RS(r)	 ((uint64_t)(r) << 44)
#define SGIR_AFF3(a)	 ((uint64_t)(a) << 48)
#define NR_SGIS		 16
#define NR_RS		 16

/* GICD_SGIR (v2): target list [23:16], filter [25:24], NSATT 15, INTID [3:0] */
#define V2_SGIR(filter, targets, intid) \
	(((uint32_t)(filter) << 24) | ((uint32_t)(targets) << 16) | (uint32_t)(intid))

/* The interrupts of this configuration: ours and a neighbour's. */
#define OWN_CONSOLE_SPI 33 /* our emulated PL011 */
#define FOREIGN_SPI	34 /* the PL031 RTC: the alarm cell's */

/*
 * GIC frames of QEMU virt that belong to Bulkhead (or to nobody). Our
 * device tree does not describe them: they are where a guest that knows
 * the board would look. Every access must abort.
 */
struct window {
	const char *what;
	uint64_t base, size;
	unsigned int gic_version;
};

#define QEMU_GICR_END  0x09000000ULL /* the redistributor region's end */
#define QEMU_VIRT_CPUS 4	     /* boards/qemu-virt: -smp 4 */
#define GICC_SIZE      0x10000	     /* GICv2 CPU interface region */
#define GICC_OWN       0x2000	     /* ... of which a cell sees GICV's first 8 KiB */

static const struct window gic_frames[] = {
	{"ITS", 0x08080000, 0x20000, 3},
	{"GICv2m MSI frame", 0x08020000, 0x1000, 2},
	{"GICH, the hypervisor interface", 0x08030000, 0x10000, 2},
	{"GICV, physical address", 0x08040000, 0x10000, 2},
};

/* Counts per kind of target, over all rounds. */
struct tally {
	uint64_t accesses;
	uint64_t aborts;
};

static struct tally gicd, redist_own, redist_other, frames, gicc_rest, gicd_rest;
/* 64 KiB of our own RAM with a known pattern, checked after the storm. */
#define CANARY(i) (0x5a5a000000000000ULL | (uint64_t)(i))
static uint64_t canary[8192];
static uint64_t sgis, rounds, start, end;
static unsigned int seconds = DEFAULT_SECONDS, stay;

static uint64_t abort_count(void)
{
	return bm_last_fault()->count;
}

/* One write, counted with its outcome. */
static void poke32(struct tally *t, uint64_t addr, uint32_t val)
{
	t->accesses++;
	if (!bm_probe_write32(addr, val))
		t->aborts++;
}

static void poke64(struct tally *t, uint64_t addr, uint64_t val)
{
	t->accesses++;
	if (!bm_probe_write(addr, val))
		t->aborts++;
}

static void peek32(struct tally *t, uint64_t addr)
{
	uint32_t v;

	t->accesses++;
	if (!bm_probe_read32(addr, &v))
		t->aborts++;
}

/* Every 32-bit word of [base, base + size): read, then write all ones. */
static void sweep(struct tally *t, uint64_t base, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 4) {
		peek32(t, base + off);
		poke32(t, base + off, ALL_ONES);
	}
}

/*
 * A window that is not ours: all ones to every word, and a read of the
 * first word of each page. Each access costs an exit and an injected abort
 * (about 10 us under QEMU TCG), and stage 2 maps whole 4 KiB pages, so a
 * read per page finds any page that is readable.
 */
static void sweep_foreign(struct tally *t, uint64_t base, uint64_t size, uint64_t write_stride)
{
	for (uint64_t off = 0; off < size; off += write_stride) {
		if (!(off % PAGE))
			peek32(t, base + off);
		poke32(t, base + off, ALL_ONES);
	}
}

static void storm_distributor(void)
{
	uint64_t d = bm_plat.gicd_base;

	if (bm_plat.gic_version == 3) {
		sweep(&gicd, d, GICD_SIZE);
	} else {
		/* Past the architecture's 4 KiB: not a register, not ours. */
		sweep(&gicd, d, GICD_V2_SIZE);
		sweep_foreign(&gicd_rest, d + GICD_V2_SIZE, GICD_SIZE - GICD_V2_SIZE, 4);
	}
	if (bm_plat.gic_version == 3) {
		for (unsigned int i = FIRST_SPI; i <= LAST_SPI; i++) {
			poke64(&gicd, d + GICD_IROUTER + 8 * i, IROUTER_AFF_ALL | IROUTER_IRM);
			poke64(&gicd, d + GICD_IROUTER + 8 * i, IROUTER_AFF_ALL);
		}
	} else {
		for (unsigned int i = FIRST_SPI; i <= LAST_SPI; i += 4)
			poke32(&gicd, d + GICD_ITARGETSR + i, ALL_ONES);
	}
	/* Enable and pend everything, then take it back: each bank once. */
	for (unsigned int reg = 0; reg < GICD_BANK_WORDS; reg++) {
		poke32(&gicd, d + GICD_ISENABLER + 4 * reg, ALL_ONES);
		poke32(&gicd, d + GICD_ISPENDR + 4 * reg, ALL_ONES);
		poke32(&gicd, d + GICD_ICACTIVER + 4 * reg, ALL_ONES);
		poke32(&gicd, d + GICD_ICENABLER + 4 * reg, ALL_ONES);
	}
}

/*
 * GICv3: our own frames, then everything after them in the region: every
 * word of the frames the other CPUs of QEMU virt have (the hypervisor's
 * and the neighbours' redistributors, were they mapped 1:1), then a word a
 * page up to the end of the region (nearly 16 MiB: every word there would
 * take minutes of aborts, and stage 2 decides per page anyway).
 */
static void storm_redistributors(void)
{
	uint64_t own = (uint64_t)bm_plat.ncpus * GICR_FRAME;
	uint64_t other = bm_plat.gicr_base + own;
	uint64_t dense_end = bm_plat.gicr_base + QEMU_VIRT_CPUS * GICR_FRAME;

	sweep(&redist_own, bm_plat.gicr_base, own);
	if (other < dense_end) {
		sweep_foreign(&redist_other, other, dense_end - other, 4);
		other = dense_end;
	}
	sweep_foreign(&redist_other, other, QEMU_GICR_END - other, PAGE);
}

static void storm_gic_frames(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(gic_frames); i++)
		if (gic_frames[i].gic_version == bm_plat.gic_version)
			sweep_foreign(&frames, gic_frames[i].base, gic_frames[i].size, 4);
	/* GICv2: our GICC is GICV's first 8 KiB; the rest of the 64 KiB is not. */
	if (bm_plat.gic_version == 2)
		sweep_foreign(&gicc_rest, bm_plat.gicc_base + GICC_OWN, GICC_SIZE - GICC_OWN, 4);
}

static void sgi1r(uint64_t v)
{
	bm_write_sysreg(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
	bm_write_sysreg(S3_0_C12_C11_6, v); /* ICC_ASGI1R_EL1 */
	bm_write_sysreg(S3_0_C12_C11_7, v); /* ICC_SGI0R_EL1 */
	bm_isb();
	sgis += 3;
}

static void storm_sgis(void)
{
	static const uint8_t affs[] = {1, 0x80, 0xff};

	if (bm_plat.gic_version == 2) {
		uint64_t sgir = bm_plat.gicd_base + GICD_SGIR;

		for (unsigned int filter = 0; filter < 4; filter++)
			for (unsigned int targets = 0; targets < 256; targets++)
				for (unsigned int id = 0; id < NR_SGIS; id++) {
					poke32(&gicd, sgir, V2_SGIR(filter, targets, id));
					sgis++;
				}
		return;
	}
	for (unsigned int id = 0; id < NR_SGIS; id++) {
		/* IRM: every PE but us; the other fields must not matter. */
		sgi1r(SGIR_IRM | SGIR_INTID(id) | SGIR_AFF3(0xff) | SGIR_RS(0xf) | SGIR_AFF2(0xff) |
		      SGIR_AFF1(0xff) | SGIR_TARGETS_ALL);
		for (unsigned int rs = 0; rs < NR_RS; rs++)
			sgi1r(SGIR_INTID(id) | SGIR_RS(rs) | SGIR_TARGETS_ALL);
		for (size_t a = 0; a < ARRAY_SIZE(affs); a++) {
			sgi1r(SGIR_INTID(id) | SGIR_AFF1(affs[a]) | SGIR_TARGETS_ALL);
			sgi1r(SGIR_INTID(id) | SGIR_AFF2(affs[a]) | SGIR_TARGETS_ALL);
			sgi1r(SGIR_INTID(id) | SGIR_AFF3(affs[a]) | SGIR_TARGETS_ALL);
			sgi1r(SGIR_INTID(id) | SGIR_AFF3(affs[a]) | SGIR_AFF2(affs[a]) |
			      SGIR_AFF1(affs[a]) | SGIR_TARGETS_ALL);
		}
	}
}

static bool has_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* "<key><seconds>" among the bootargs, 1..MAX_SECONDS; *val kept otherwise. */
static void bootarg_seconds(const char *key, unsigned int *val)
{
	for (const char *p = bm_plat.bootargs; *p; p++) {
		unsigned int v = 0;

		if ((p != bm_plat.bootargs && p[-1] != ' ') || !has_prefix(p, key))
			continue;
		for (p += strlen(key); *p >= '0' && *p <= '9' && v <= MAX_SECONDS; p++)
			v = v * 10 + (unsigned int)(*p - '0');
		if (v >= 1 && v <= MAX_SECONDS && (*p == '\0' || *p == ' '))
			*val = v;
		else
			bh_printf("gicstorm: ignoring bad %s, using %u\n", key, *val);
		return;
	}
}

/*
 * Busy until @until on the counter: gicstorm.stay=<s> keeps this cell
 * running until its neighbours are done. A stopped cell's CPU waits for
 * Bulkhead in a WFE loop, which QEMU's TCG runs as a busy loop that leaves
 * the translated code on every pass and slows every other vCPU (measured:
 * the executive's worst timer latency went from a few ms to 30 ms); that
 * is not the storm's doing. The counter is looked at about once a
 * millisecond only: under TCG each read takes QEMU's global lock.
 */
static void stay_until(uint64_t until)
{
	while (bm_cntvct() < until)
		for (unsigned int i = 0; i < STAY_SPIN; i++)
			__asm__ volatile("" ::: "memory");
}

static uint64_t ms(uint64_t ticks)
{
	return bm_ticks_to_us(ticks) / 1000;
}

static void report(const char *what, const struct tally *t)
{
	bh_printf("gicstorm: %s: %lu accesses, %lu aborted\n", what, (unsigned long)t->accesses,
		  (unsigned long)t->aborts);
}

void bm_main(void)
{
	bootarg_seconds("gicstorm.seconds=", &seconds);
	bootarg_seconds("gicstorm.stay=", &stay);
	for (size_t i = 0; i < ARRAY_SIZE(canary); i++)
		canary[i] = CANARY(i);
	bh_printf("gicstorm: GICv%u GICD 0x%lx %s 0x%lx, %u vCPU(s), storm for %u s\n",
		  bm_plat.gic_version, (unsigned long)bm_plat.gicd_base,
		  bm_plat.gic_version == 2 ? "GICC" : "GICR",
		  (unsigned long)(bm_plat.gic_version == 2 ? bm_plat.gicc_base : bm_plat.gicr_base),
		  bm_plat.ncpus, seconds);
	for (size_t i = 0; i < ARRAY_SIZE(gic_frames); i++)
		if (gic_frames[i].gic_version == bm_plat.gic_version)
			bh_printf("gicstorm: also at 0x%lx: %s\n",
				  (unsigned long)gic_frames[i].base, gic_frames[i].what);
}

TEST(storm)
{
	uint64_t faults_before = abort_count(), deadline;

	if (bm_native()) {
		bm_test_skip("hostile to whatever it runs on: needs a hypervisor");
		return;
	}
	bm_irq_disable();
	start = bm_cntvct();
	deadline = start + seconds * bm_cntfrq();
	do {
		uint64_t t0 = bm_cntvct(), t1, t2, t3;

		storm_distributor();
		t1 = bm_cntvct();
		if (bm_plat.gic_version == 3)
			storm_redistributors();
		t2 = bm_cntvct();
		storm_gic_frames();
		t3 = bm_cntvct();
		storm_sgis();
		rounds++;
		if (rounds == 1) /* where the time goes (GICv2: no redistributors) */
			bh_printf("gicstorm: round 1: %lu ms: distributor %lu, redistributors %lu, "
				  "other frames %lu, SGIs %lu\n",
				  (unsigned long)ms(bm_cntvct() - t0), (unsigned long)ms(t1 - t0),
				  (unsigned long)ms(t2 - t1), (unsigned long)ms(t3 - t2),
				  (unsigned long)ms(bm_cntvct() - t3));
	} while (rounds < MIN_ROUNDS || bm_cntvct() < deadline);
	end = bm_cntvct();

	bh_printf("GICSTORM-INTERVAL: start=%lu end=%lu\n", (unsigned long)start,
		  (unsigned long)end);
	bh_printf("gicstorm: %lu rounds in %lu ms, %lu SGIs\n", (unsigned long)rounds,
		  (unsigned long)ms(end - start), (unsigned long)sgis);
	report("distributor", &gicd);
	if (bm_plat.gic_version == 3) {
		report("own redistributor frames", &redist_own);
		report("redistributor frames beyond ours", &redist_other);
	} else {
		report("GICC past our 8 KiB", &gicc_rest);
		report("GICD past its 4 KiB", &gicd_rest);
	}
	report("Bulkhead's GIC frames", &frames);

	/* Emulated windows: every access completes. */
	EXPECT_EQ(gicd.aborts, 0);
	EXPECT_EQ(redist_own.aborts, 0);
	/* Not ours: every access aborts, and none was lost on the way. */
	EXPECT_EQ(redist_other.aborts, redist_other.accesses);
	EXPECT_EQ(frames.aborts, frames.accesses);
	EXPECT_TRUE(frames.accesses > 0);
	EXPECT_EQ(gicc_rest.aborts, gicc_rest.accesses);
	EXPECT_EQ(gicd_rest.aborts, gicd_rest.accesses);
	EXPECT_EQ(abort_count() - faults_before,
		  redist_other.aborts + frames.aborts + gicc_rest.aborts + gicd_rest.aborts);
	if (bm_plat.gic_version == 3)
		EXPECT_TRUE(redist_other.accesses > 0 && redist_own.accesses > 0);
	else
		EXPECT_TRUE(gicc_rest.accesses > 0);
}

/* The storm landed in our own virtual GIC: our bits took the writes, a
 * neighbour's interrupt never appeared. */
TEST(own_vgic_took_it_neighbours_invisible)
{
	uint64_t d = bm_plat.gicd_base;
	uint32_t bank = FOREIGN_SPI / 32;

	if (bm_native()) {
		bm_test_skip("needs a hypervisor");
		return;
	}
	EXPECT_EQ(bm_read32(d + GICD_CTLR) & GICD_CTLR_GRPS, GICD_CTLR_GRPS);
	bm_write32(d + GICD_ISENABLER + 4 * bank, ALL_ONES);
	EXPECT_EQ(bm_read32(d + GICD_ISENABLER + 4 * bank) & BIT(OWN_CONSOLE_SPI % 32),
		  BIT(OWN_CONSOLE_SPI % 32));
	EXPECT_EQ(bm_read32(d + GICD_ISENABLER + 4 * bank) & BIT(FOREIGN_SPI % 32), 0);
	bm_write32(d + GICD_ICENABLER + 4 * bank, ALL_ONES);
	if (bm_plat.gic_version == 3)
		EXPECT_EQ(bm_read64(d + GICD_IROUTER + 8 * FOREIGN_SPI), 0);
	else
		EXPECT_EQ(bm_read32(d + GICD_ITARGETSR + (FOREIGN_SPI & ~3U)) &
				  (0xffU << 8 * (FOREIGN_SPI % 4)),
			  0);
}

TEST(still_alive)
{
	/* After all that: the hypervisor still answers, and none of the
	 * writes that aborted landed in our own memory instead. */
	EXPECT_TRUE(bm_psci_version() >= 0x10000);
	for (size_t i = 0; i < ARRAY_SIZE(canary); i++)
		if (canary[i] != CANARY(i)) {
			EXPECT_EQ(canary[i], CANARY(i));
			break;
		}
	if (!bm_native())
		stay_until(start + stay * bm_cntfrq());
}
