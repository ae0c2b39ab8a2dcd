// SPDX-License-Identifier: Apache-2.0
/*
 * isolation: a cell must not reach memory or devices it was not given.
 * Every access in the table below has to end in a synchronous data abort
 * taken in this payload's own vector, after which it carries on. The
 * payload's stage-1 map covers all these addresses, so any abort comes from
 * below us (Bulkhead's stage 2, or the bus on bare QEMU).
 *
 * Natively ("bm.native") most of these are ordinary RAM or devices, so
 * only entries marked native_too are probed, plus the first byte past
 * the RAM the device tree describes. Under Bulkhead, entries that fall
 * inside this cell's RAM (per DTB) are skipped too.
 */
#include <bm/bm.h>

BM_PAYLOAD("isolation");

struct target {
	const char *what;
	uint64_t addr;
	bool native_too; /* also faults on bare QEMU virt, -m 1G */
};

static const struct target targets[] = {
	{"RAM above a 16 MiB cell", 0x41000000, false},
	{"RAM at +128 MiB (another cell / hypervisor)", 0x48000000, false},
	{"RAM at +256 MiB (another cell)", 0x50000000, false},
	{"unassigned device: PL031 RTC", 0x09010000, false},
	{"unassigned device: second PL011", 0x09040000, false},
	{"unassigned device: SMMUv3", 0x09050000, false},
	{"unassigned device: virtio-mmio", 0x0a000000, false},
	{"beyond 1 GiB of RAM", 0x80000000, true},
	{"beyond 1 GiB of RAM, high", 0xfffff000, true},
};

#define MAX_PROBES (ARRAY_SIZE(targets) + 1)

static uint64_t probes[MAX_PROBES];
static const char *probe_what[MAX_PROBES];
static unsigned int nprobes;
static volatile uint64_t own_word = 0x0123456789abcdefULL;

static bool in_ram(uint64_t addr)
{
	return addr >= bm_plat.ram_base && addr - bm_plat.ram_base < bm_plat.ram_size;
}

/* The addresses that apply here, decided once. */
static void select_probes(void)
{
	uint64_t ram_end = bm_plat.ram_base + bm_plat.ram_size;

	for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct target *t = &targets[i];

		if ((bm_native() && !t->native_too) || in_ram(t->addr)) {
			bh_printf("isolation: not probing %s at 0x%lx here\n", t->what,
				  (unsigned long)t->addr);
			continue;
		}
		probe_what[nprobes] = t->what;
		probes[nprobes++] = t->addr;
	}
	/* Past the end of our RAM, if the DTB told us and we map it. */
	if (bm_plat.ram_size && ram_end < 0x100000000ULL) {
		bool dup = false;

		for (unsigned int i = 0; i < nprobes; i++)
			dup |= probes[i] == ram_end;
		if (!dup) {
			probe_what[nprobes] = "first byte past RAM (DTB)";
			probes[nprobes++] = ram_end;
		}
	}
}

void bm_main(void)
{
	select_probes();
	bh_printf("isolation: %u addresses to probe (%s)\n", nprobes,
		  bm_native() ? "native" : "under a hypervisor");
}

/* The recorded fault must be a data abort at our probe, at @addr. */
static void check_fault(uint64_t addr, uint32_t count_before, bool write)
{
	const struct bm_fault *f = bm_last_fault();
	unsigned int ec = bm_esr_ec(f->esr);

	EXPECT_EQ(f->count, count_before + 1);
	EXPECT_EQ(ec, ESR_EC_DABT_CUR);
	EXPECT_EQ(!!(f->esr & ESR_ISS_WNR), write);
	/* FAR is only valid for external aborts when FnV is clear. */
	if (!(f->esr & ESR_ISS_FNV))
		EXPECT_EQ(f->far, addr);
	bh_printf("isolation:   %s 0x%lx -> %s, DFSC 0x%02x\n", write ? "write" : "read ",
		  (unsigned long)addr, bm_esr_ec_name(ec),
		  (unsigned int)(f->esr & ESR_ISS_DFSC_MASK));
}

TEST(probe_own_memory)
{
	uint64_t v = 0;
	uint32_t v32 = 0, count = bm_last_fault()->count;

	/* The probes themselves work on memory we own, without faulting. */
	EXPECT_TRUE(bm_probe_read((uintptr_t)&own_word, &v));
	EXPECT_EQ(v, 0x0123456789abcdefULL);
	EXPECT_TRUE(bm_probe_write((uintptr_t)&own_word, 0xfeedfacecafebeefULL));
	EXPECT_EQ(own_word, 0xfeedfacecafebeefULL);
	EXPECT_TRUE(bm_probe_read32((uintptr_t)&own_word, &v32));
	EXPECT_EQ(v32, 0xcafebeef);
	EXPECT_TRUE(bm_probe_write32((uintptr_t)&own_word, 0x11223344));
	EXPECT_EQ(own_word, 0xfeedface11223344ULL);
	EXPECT_EQ(bm_last_fault()->count, count);
}

TEST(null_page_faults)
{
	/* Unmapped in our own stage 1: a translation fault we cause ourselves,
	 * the same recovery path as the isolation faults below. */
	uint64_t v;
	uint32_t count = bm_last_fault()->count;

	EXPECT_FALSE(bm_probe_read(0x0, &v));
	check_fault(0x0, count, false);
	EXPECT_EQ(bm_last_fault()->esr & ESR_ISS_DFSC_MASK, ESR_DFSC_TRANS_L(2));
}

TEST(read_outside)
{
	ASSERT_TRUE(nprobes > 0);
	for (unsigned int i = 0; i < nprobes; i++) {
		uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
		uint32_t count = bm_last_fault()->count;
		bool ok = bm_probe_read(probes[i], &v);

		if (ok)
			bh_printf("isolation: READ of %s at 0x%lx succeeded: 0x%lx\n",
				  probe_what[i], (unsigned long)probes[i], (unsigned long)v);
		EXPECT_FALSE(ok);
		if (!ok)
			check_fault(probes[i], count, false);
	}
}

TEST(read32_outside)
{
	for (unsigned int i = 0; i < nprobes; i++) {
		uint32_t v, count = bm_last_fault()->count;
		bool ok = bm_probe_read32(probes[i], &v);

		EXPECT_FALSE(ok);
		if (!ok)
			check_fault(probes[i], count, false);
	}
}

TEST(write_outside)
{
	for (unsigned int i = 0; i < nprobes; i++) {
		uint32_t count = bm_last_fault()->count;
		bool ok = bm_probe_write(probes[i], 0xdeadbeefdeadbeefULL);

		if (ok)
			bh_printf("isolation: WRITE to %s at 0x%lx succeeded\n", probe_what[i],
				  (unsigned long)probes[i]);
		EXPECT_FALSE(ok);
		if (!ok)
			check_fault(probes[i], count, true);
	}
}

TEST(write32_outside)
{
	for (unsigned int i = 0; i < nprobes; i++) {
		uint32_t count = bm_last_fault()->count;
		bool ok = bm_probe_write32(probes[i], 0xdeadbeef);

		EXPECT_FALSE(ok);
		if (!ok)
			check_fault(probes[i], count, true);
	}
}

/* The emulated PL011 is on a 32-bit bus: a 64-bit access is not something
 * it can answer, so it aborts (and Bulkhead's report names the UART: after
 * a pause longer than its one-second window for reports, so it is shown). */
TEST(emulated_uart_refuses_64_bit_access)
{
	uint64_t v;
	uint32_t count = bm_last_fault()->count;

	if (bm_native()) {
		bm_test_skip("natively QEMU splits it into two 32-bit accesses");
		return;
	}
	bm_udelay(1100000);
	EXPECT_FALSE(bm_probe_read(BM_UART_BASE + 0x18, &v)); /* UARTFR */
	check_fault(BM_UART_BASE + 0x18, count, false);
}

TEST(still_alive)
{
	/* After all those aborts: memory, console and PSCI still work. */
	EXPECT_EQ(own_word, 0xfeedface11223344ULL);
	EXPECT_TRUE(bm_psci_version() >= 0x10000);
	EXPECT_EQ(bm_last_fault()->count, 1 + 4 * nprobes + (bm_native() ? 0 : 1));
}
