// SPDX-License-Identifier: Apache-2.0
/*
 * dma: DMA attacks from a cell through QEMU's "edu" PCI device, and the
 * cells that watch them. The role is a word on the command line:
 *
 *   dma.attacker   its edu DMAs into its own RAM (both directions, data
 *                  checked), then at every address in targets[] below:
 *                  another cell's RAM and vault, Bulkhead's memory, an
 *                  unmapped IPA, the GIC and the SMMU. Under Bulkhead
 *                  each must be blocked (the SMMU reports it;
 *                  tests/qemu/test_dma.py reads the reports);
 *                  a read of the neighbour's memory must not bring its
 *                  data. Natively ("bm.native") the same transfers land,
 *                  which the payload checks: the attacks are real.
 *   dma.victim     puts a canary in its RAM and in its vault, runs its own
 *                  edu's DMA all through the attacks, and at the end finds
 *                  both canaries intact. With dma.unowned it also waits
 *                  for a device no cell owns to have been made to DMA at
 *                  its RAM (by the test, through QEMU's debugger stub).
 *   dma.restarter  DMA works; a DMA is started and the cell resets at
 *                  once (SYSTEM_RESET); after the restart nothing of it
 *                  has landed, and DMA works again; at the end a DMA is
 *                  started into memory shared with the observer and the
 *                  cell stops (SYSTEM_OFF, right after its result).
 *   dma.observer   finds nothing landed in the shared memory after the
 *                  restarter stopped. With dma.poked it also waits for
 *                  the test to have turned bus mastering back on for the
 *                  stopped cell's edu and made it DMA there (the SMMU must
 *                  block it: the stream is blocked while its cell is
 *                  stopped, whatever the device does).
 *
 * Addresses follow configs/qemu-virt/test-dma.dts and test-dma-stop.dts:
 * every cell's RAM is at IPA 0x40000000; the attacker's and restarter's
 * are 16 MiB at PA 0x50000000, the victim's 16 MiB at PA 0x51000000 and
 * its vault 1 MiB at PA 0x52000000 (IPA 0x48000000); the mailbox the
 * cells share is 1 MiB at PA 0x5f000000, at the same IPA.
 */
#include <bm/bm.h>
#include <bm/edu.h>

#include <bulkhead/string.h>

BM_PAYLOAD("dma");

#define SRC_BUF	       0x40a00000ULL /* in our own RAM: what the device reads */
#define DST_BUF	       0x40a01000ULL /* ... and where it writes back */
#define NEIGHBOUR_IPA  0x40c00000ULL /* the victim's canary, at its own IPA */
#define NEIGHBOUR_PA   0x51c00000ULL /* the same canary, at its PA */
#define VAULT_IPA      0x48000000ULL /* the victim's vault */
#define VAULT_PA       0x52000000ULL
#define CANARY_SIZE    0x4000			   /* 16 KiB at each canary address */
#define MAILBOX	       0x5f000000ULL		   /* shared, IPA = PA */
#define STOP_TARGET    (MAILBOX + 0x1000)	   /* the stop scenario's DMA target */
#define PERSIST_TARGET (BM_PERSIST_ADDR + 0x10000) /* the restart scenario's */
#define MAGIC	       0xd3a15afe0000cafeULL
#define DMA_WAIT_US    2000000 /* a transfer takes ~100 ms of QEMU time */
#define WAIT_PEER_US   60000000
/* Bulkhead shows a cell's blocked DMA at most five times a second, and
 * QEMU's SMMU reports a blocked 4 KiB transfer as 1024 faults (one per
 * 4-byte access): attempts more than a second apart (with a margin for a
 * busy host) each get their first fault shown. */
#define PACE_US	       1300000

struct mailbox {
	volatile uint64_t victim_ready;	 /* canaries set */
	volatile uint64_t attacks_done;	 /* the attacker has finished */
	volatile uint64_t unowned_poked; /* the test made the unowned edu DMA */
	volatile uint64_t armed;	 /* the restarter started a DMA and stops */
	volatile uint64_t stopped_poked; /* the test made the stopped cell's edu DMA */
};

#define T_READ	 BIT(0) /* also read it into the device */
#define T_MMIO	 BIT(1) /* registers, not memory: not attacked natively */
#define T_GICV3	 BIT(2) /* only where the GIC is a GICv3 */
#define T_CANARY BIT(3) /* the victim checks it */

struct target {
	const char *what;
	uint64_t addr;
	unsigned int flags;
};

/*
 * Not here: on a GICv2 the cell's GICC IPA (0x08010000) is mapped to the
 * GIC's virtual CPU interface (GICV) in its stage 2, which its devices'
 * DMA goes through too: such a DMA is not blocked, it reaches GICV (and
 * crashes QEMU, whose GIC model expects only CPUs there). An IPA beyond
 * the IPA space neither: QEMU's SMMU fails it without recording an event.
 */
static const struct target targets[] = {
	{"the neighbour's RAM, at its PA", NEIGHBOUR_PA, T_READ | T_CANARY},
	{"the neighbour's vault, at its IPA", VAULT_IPA, T_READ | T_CANARY},
	{"the neighbour's vault, at its PA", VAULT_PA + 0x2000, T_CANARY},
	{"Bulkhead's memory", 0x47000000, 0},
	{"an unmapped IPA", 0x70000000, 0},
	{"the GIC distributor", 0x08000000, T_MMIO},
	{"the GIC redistributors", 0x080a0000, T_MMIO | T_GICV3},
	{"the SMMU's registers", 0x09050000, T_MMIO},
};

static struct bm_edu edu;
static bool have_edu;
static uint64_t this_boot;
static struct mailbox *const mb = (struct mailbox *)MAILBOX;

static bool role(const char *r)
{
	return bm_bootarg(r);
}

/* The byte at @i of pattern @seed: distinct per pattern and per offset. */
static uint8_t pat(uint32_t seed, uint32_t i)
{
	return (uint8_t)(seed ^ (i * 7) ^ (i >> 8));
}

static void fill(uint64_t addr, uint32_t seed, uint32_t len)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;

	for (uint32_t i = 0; i < len; i++)
		p[i] = pat(seed, i);
	bm_dcache_clean((const void *)(uintptr_t)addr, len);
}

/* Bytes of [addr, addr+len) that differ from pattern @seed. */
static uint32_t differ(uint64_t addr, uint32_t seed, uint32_t len)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)addr;
	uint32_t n = 0;

	bm_dcache_inval((const void *)(uintptr_t)addr, len);
	for (uint32_t i = 0; i < len; i++)
		n += p[i] != pat(seed, i);
	return n;
}

static bool dma(uint64_t addr, uint32_t count, bool to_ram)
{
	bm_edu_dma_start(&edu, addr, 0, count, to_ram);
	return bm_edu_dma_wait(&edu, DMA_WAIT_US);
}

/* Our RAM -> the device's buffer -> our RAM again: the data survives. */
static void round_trip(uint32_t seed)
{
	fill(SRC_BUF, seed, BM_EDU_BUF_SIZE);
	fill(DST_BUF, ~seed, BM_EDU_BUF_SIZE);
	ASSERT_TRUE(dma(SRC_BUF, BM_EDU_BUF_SIZE, false));
	ASSERT_TRUE(dma(DST_BUF, BM_EDU_BUF_SIZE, true));
	EXPECT_EQ(differ(DST_BUF, seed, BM_EDU_BUF_SIZE), 0);
}

static bool wait_for(volatile uint64_t *flag, const char *what)
{
	uint64_t start = bm_cntvct(), limit = bm_us_to_ticks(WAIT_PEER_US);

	while (*flag != MAGIC) {
		if (bm_cntvct() - start > limit) {
			bh_printf("dma: no sign of %s after %u s\n", what, WAIT_PEER_US / 1000000);
			return false;
		}
		bm_udelay(1000);
	}
	return true;
}

void bm_main(void)
{
	bool needs_edu = role("dma.attacker") || role("dma.victim") || role("dma.restarter");

	if (role("dma.restarter"))
		this_boot = bm_boot_count_next();
	bh_printf("dma: role %s, %s\n",
		  role("dma.attacker")	  ? "attacker"
		  : role("dma.victim")	  ? "victim"
		  : role("dma.restarter") ? "restarter"
		  : role("dma.observer")  ? "observer"
					  : "none",
		  bm_native() ? "native" : "in a cell");
	if (!needs_edu)
		return;
	/* After a restart the device must stay untouched a while: a DMA the
	 * last boot started must find bus mastering still off. */
	if (this_boot < 2)
		have_edu = bm_pci_init() && bm_edu_open(&edu, 0);
	if (have_edu)
		bh_printf("dma: edu %02x:%02x.%x (stream %u) BAR0 at 0x%lx\n", edu.pci.bdf >> 8,
			  (edu.pci.bdf >> 3) & 0x1f, edu.pci.bdf & 7, edu.pci.bdf,
			  (unsigned long)edu.regs);
}

/* ---- attacker -------------------------------------------------------- */

TEST(attacker_dma_into_own_ram)
{
	if (!role("dma.attacker")) {
		bm_test_skip("not the attacker");
		return;
	}
	ASSERT_TRUE(have_edu);
	round_trip(0x11);
	/* The neighbour's canary IPA is one of our own IPAs: a DMA there
	 * lands in our RAM (the victim checks its canary is untouched). */
	fill(NEIGHBOUR_IPA, 0x22, BM_EDU_BUF_SIZE);
	fill(SRC_BUF, 0x33, BM_EDU_BUF_SIZE);
	ASSERT_TRUE(dma(SRC_BUF, BM_EDU_BUF_SIZE, false));
	ASSERT_TRUE(dma(NEIGHBOUR_IPA, BM_EDU_BUF_SIZE, true));
	EXPECT_EQ(differ(NEIGHBOUR_IPA, 0x33, BM_EDU_BUF_SIZE), 0);
	bh_printf("dma: own RAM: both directions, 4096 bytes each, data intact\n");
}

static bool applies(const struct target *t)
{
	if (bm_native() && (t->flags & T_MMIO))
		return false;
	if ((t->flags & T_GICV3) && bm_plat.gic_version != 3)
		return false;
	return true;
}

/* Device buffer <- pattern @seed (from our RAM). */
static bool load_buffer(uint32_t seed)
{
	fill(SRC_BUF, seed, BM_EDU_BUF_SIZE);
	return dma(SRC_BUF, BM_EDU_BUF_SIZE, false);
}

TEST(attacker_dma_outside_its_memory)
{
	if (!role("dma.attacker")) {
		bm_test_skip("not the attacker");
		return;
	}
	ASSERT_TRUE(have_edu);
	if (!bm_native())
		ASSERT_TRUE(wait_for(&mb->victim_ready, "the victim's canaries"));
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct target *t = &targets[i];
		uint32_t seed = 0x40 + (uint32_t)i;

		if (!applies(t)) {
			bh_printf("dma: not attacking %s (0x%lx) here\n", t->what,
				  (unsigned long)t->addr);
			continue;
		}
		/* Natively what we write there must land: the attack is real. */
		if (bm_native())
			fill(t->addr, 0x99, BM_EDU_BUF_SIZE);
		ASSERT_TRUE(load_buffer(seed));
		bm_udelay(PACE_US);
		bh_printf("dma: attack: DMA write of 4096 bytes to %s at 0x%lx\n", t->what,
			  (unsigned long)t->addr);
		EXPECT_TRUE(dma(t->addr, BM_EDU_BUF_SIZE, true));
		if (bm_native())
			EXPECT_EQ(differ(t->addr, seed, BM_EDU_BUF_SIZE), 0);
	}
}

TEST(attacker_dma_read_of_the_neighbour)
{
	if (!role("dma.attacker")) {
		bm_test_skip("not the attacker");
		return;
	}
	ASSERT_TRUE(have_edu);
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct target *t = &targets[i];
		uint32_t leaked;

		if (!(t->flags & T_READ) || !applies(t))
			continue;
		/* Natively, play the neighbour: its secret is there to read. */
		if (bm_native())
			fill(t->addr, 0xc5, BM_EDU_BUF_SIZE);
		ASSERT_TRUE(load_buffer(0x5a));
		bm_udelay(PACE_US);
		bh_printf("dma: attack: DMA read of 4096 bytes from %s at 0x%lx\n", t->what,
			  (unsigned long)t->addr);
		EXPECT_TRUE(dma(t->addr, BM_EDU_BUF_SIZE, false));
		/* What the device got, back into our RAM to look at. */
		fill(DST_BUF, 0x00, BM_EDU_BUF_SIZE);
		ASSERT_TRUE(dma(DST_BUF, BM_EDU_BUF_SIZE, true));
		leaked = BM_EDU_BUF_SIZE - differ(DST_BUF, 0xc5, BM_EDU_BUF_SIZE);
		bh_printf("dma: read of %s: %u of 4096 bytes match the neighbour's secret%s\n",
			  t->what, leaked,
			  differ(DST_BUF, 0x5a, BM_EDU_BUF_SIZE) ? ""
								 : " (device buffer unchanged)");
		if (bm_native())
			EXPECT_EQ(leaked, BM_EDU_BUF_SIZE);
		else
			EXPECT_TRUE(leaked < 64); /* a pattern byte matches by chance */
	}
}

TEST(attacker_own_dma_still_works)
{
	if (!role("dma.attacker")) {
		bm_test_skip("not the attacker");
		return;
	}
	ASSERT_TRUE(have_edu);
	round_trip(0x66);
	mb->attacks_done = MAGIC;
	bm_dcache_clean((const void *)mb, sizeof(*mb));
	bh_printf("dma: attacks done\n");
}

/* ---- victim ---------------------------------------------------------- */

TEST(victim_sets_canaries)
{
	if (!role("dma.victim")) {
		bm_test_skip("not the victim");
		return;
	}
	fill(NEIGHBOUR_IPA, 0xc5, CANARY_SIZE);
	fill(VAULT_IPA, 0xc5, CANARY_SIZE);
	mb->victim_ready = MAGIC;
	bm_dcache_clean((const void *)mb, sizeof(*mb));
	bh_printf("dma: canaries set at 0x%lx and 0x%lx, %u bytes each\n",
		  (unsigned long)NEIGHBOUR_IPA, (unsigned long)VAULT_IPA, CANARY_SIZE);
}

TEST(victim_own_dma_works_during_the_attacks)
{
	unsigned int rounds = 0;

	if (!role("dma.victim")) {
		bm_test_skip("not the victim");
		return;
	}
	ASSERT_TRUE(have_edu);
	do {
		round_trip(0x70 + rounds);
		rounds++;
	} while (mb->attacks_done != MAGIC && rounds < 1000 && !bm_test_failures());
	bh_printf("dma: own DMA: %u round trips, data intact\n", rounds);
	ASSERT_TRUE(wait_for(&mb->attacks_done, "the attacker finishing"));
}

TEST(victim_canaries_intact)
{
	if (!role("dma.victim")) {
		bm_test_skip("not the victim");
		return;
	}
	if (role("dma.unowned")) {
		ASSERT_TRUE(wait_for(&mb->unowned_poked, "the unowned device's DMA"));
		/* Its transfer runs ~100 ms after it was started. */
		bm_udelay(500000);
	}
	EXPECT_EQ(differ(NEIGHBOUR_IPA, 0xc5, CANARY_SIZE), 0);
	EXPECT_EQ(differ(VAULT_IPA, 0xc5, CANARY_SIZE), 0);
	bh_printf("dma: canaries checked: %u bytes at 0x%lx, %u bytes at 0x%lx\n", CANARY_SIZE,
		  (unsigned long)NEIGHBOUR_IPA, CANARY_SIZE, (unsigned long)VAULT_IPA);
}

/* ---- restarter and observer -------------------------------------------- */

TEST(restarter_dma_then_reset_mid_dma)
{
	if (!role("dma.restarter")) {
		bm_test_skip("not the restarter");
		return;
	}
	if (this_boot != 1) {
		bm_test_skip("second boot");
		return;
	}
	ASSERT_TRUE(have_edu);
	round_trip(0x81);
	fill(PERSIST_TARGET, 0x00, BM_EDU_BUF_SIZE);
	ASSERT_TRUE(load_buffer(0x82));
	bh_printf("dma: DMA started to 0x%lx, then SYSTEM_RESET at once\n",
		  (unsigned long)PERSIST_TARGET);
	bm_edu_dma_start(&edu, PERSIST_TARGET, 0, BM_EDU_BUF_SIZE, true);
	bm_psci_system_reset();
	bm_fatal("PSCI SYSTEM_RESET returned");
}

TEST(restarter_nothing_landed_after_the_restart)
{
	if (!role("dma.restarter")) {
		bm_test_skip("not the restarter");
		return;
	}
	EXPECT_EQ(this_boot, 2);
	/* The transfer was due ~100 ms after the reset; wait past it with the
	 * device untouched, then look. */
	bm_udelay(500000);
	if (bm_native()) {
		/* Nobody stops the device natively: QEMU's machine reset leaves
		 * its transfer pending, and it lands. */
		bh_printf("dma: after the reset: %u of 4096 bytes landed at 0x%lx\n",
			  BM_EDU_BUF_SIZE - differ(PERSIST_TARGET, 0x82, BM_EDU_BUF_SIZE),
			  (unsigned long)PERSIST_TARGET);
		bm_test_skip("natively nothing stops the device at a reset");
		return;
	}
	EXPECT_EQ(differ(PERSIST_TARGET, 0x00, BM_EDU_BUF_SIZE), 0);
	bh_printf("dma: after the restart: nothing landed at 0x%lx\n",
		  (unsigned long)PERSIST_TARGET);
}

TEST(restarter_dma_works_again_after_the_restart)
{
	if (!role("dma.restarter")) {
		bm_test_skip("not the restarter");
		return;
	}
	have_edu = bm_pci_init() && bm_edu_open(&edu, 0);
	ASSERT_TRUE(have_edu);
	round_trip(0x83);
	bh_printf("dma: after the restart: DMA works again\n");
}

/* The last test: the runtime prints the result and powers the cell off
 * right after it, well before the device's transfer is due. */
TEST(restarter_starts_a_dma_and_stops)
{
	if (!role("dma.restarter")) {
		bm_test_skip("not the restarter");
		return;
	}
	ASSERT_TRUE(have_edu);
	ASSERT_TRUE(load_buffer(0x84));
	fill(STOP_TARGET, 0x00, BM_EDU_BUF_SIZE);
	bh_printf("dma: DMA started to 0x%lx, then SYSTEM_OFF at once\n",
		  (unsigned long)STOP_TARGET);
	mb->armed = MAGIC;
	bm_dcache_clean((const void *)mb, sizeof(*mb));
	bm_edu_dma_start(&edu, STOP_TARGET, 0, BM_EDU_BUF_SIZE, true);
}

TEST(observer_nothing_lands_after_the_stop)
{
	if (!role("dma.observer")) {
		bm_test_skip("not the observer");
		return;
	}
	ASSERT_TRUE(wait_for(&mb->armed, "the restarter's last DMA"));
	bm_udelay(1000000);
	if (role("dma.poked")) {
		ASSERT_TRUE(wait_for(&mb->stopped_poked, "the stopped cell's device DMA"));
		bm_udelay(500000);
	}
	EXPECT_EQ(differ(STOP_TARGET, 0x00, BM_EDU_BUF_SIZE), 0);
	bh_printf("dma: after the restarter stopped%s: nothing landed at 0x%lx\n",
		  role("dma.poked") ? " and its device was made to DMA" : "",
		  (unsigned long)STOP_TARGET);
}
