// SPDX-License-Identifier: Apache-2.0
/*
 * Virtual PCI configuration space against the fake ECAM: only the cell's
 * functions exist, every access width PCI allows works, BARs are only ever
 * placed inside the cell's windows (the size probe answered without
 * touching the device), decoding is gated, MSI/MSI-X and the dangerous
 * extended capabilities are unlinked, bridges hidden, and a stop quiesces
 * and resets the functions.
 */
#include <bulkhead/errno.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vpci.h>

#include "cellfix.h"
#include "ut.h"

#define ECAM	0x3f000000ULL
#define WIN32	0x10000000ULL
#define WIN32SZ 0x100000ULL
#define WIN64	0x8000000000ULL
#define WIN64SZ 0x40000000ULL
#define OTHER	0x11000000ULL /* another cell's window */

#define DEV2 (2 << 3) /* 00:02.0 */
#define DEV3 (3 << 3) /* 00:03.0: not the cell's */

static const struct bh_pci_window windows[] = {{WIN32, WIN32, WIN32SZ}, {WIN64, WIN64, WIN64SZ}};

struct pcifix {
	struct cellfix *f;
	void *dev; /* the vPCI state the ECAM window's handler gets */
	struct bh_pci_func funcs[4];
};

/* A cell owning @n functions (devfn in @devfns, INTA), after boot. */
static struct pcifix *setup_n(const unsigned int *devfns, unsigned int n)
{
	static struct pcifix p;
	const struct vdev *d;

	free(p.f);
	memset(&p, 0, sizeof(p));
	fake_console_reset();
	p.f = cellfix_new("pci", 0, 1, NULL, 0);
	for (unsigned int i = 0; i < n; i++)
		p.funcs[i] =
			(struct bh_pci_func){.bdf = (uint16_t)devfns[i], .pin = 1, .intid = 37};
	p.f->cfg.npci_funcs = n;
	p.f->cfg.pci_funcs = p.funcs;
	p.f->cfg.npci_windows = 2;
	p.f->cfg.pci_windows = windows;
	p.f->cfg.pci_ecam_ipa = ECAM;
	EXPECT_EQ(vpci_cell_init(&p.f->c), 0);
	d = vdev_find(&p.f->c, ECAM, 4);
	EXPECT_TRUE(d && d->size == VPCI_ECAM_SIZE);
	p.dev = d ? d->dev : NULL;
	/* Boot sized the BARs on the device itself: forget that. */
	for (unsigned int i = 0; i < 256; i++)
		memset(fake_pci[i].saw_all_ones, 0, sizeof(fake_pci[i].saw_all_ones));
	return &p;
}

static struct pcifix *setup(void)
{
	static const unsigned int one[] = {DEV2};

	return setup_n(one, 1);
}

/* The machine: 00:00.0 host bridge, 00:02.0 ours (a 16 KiB 32-bit BAR0,
 * a 16 KiB 64-bit BAR2/3, an I/O BAR4, a 64 KiB ROM; PM, MSI, PCIe, MSI-X
 * capabilities), 00:03.0 someone else's. */
static void machine(void)
{
	fake_pci_reset();
	fake_gic_reset(4);
	fake_pci_add(0, 0x1b36, 0x0008, 0, 0);
	fake_pci_add(DEV2, 0x1af4, 0x1001, 0, 1);
	fake_pci_bar(DEV2, 0, 0x4000, 0);
	fake_pci_bar(DEV2, 2, 0x4000, 0x4 | 0x8); /* 64-bit, prefetchable */
	fake_pci_bar(DEV2, 4, 0x40, 1);		  /* I/O */
	fake_pci_bar(DEV2, 6, 0x10000, 0);
	fake_pci_add(DEV3, 0x1234, 0x11e8, 0, 1);
	fake_pci_bar(DEV3, 0, 0x100000, 0);
}

/* Bulkhead printed @line (a whole line or a part of one). */
#define EXPECT_PRINTED(line)                                                                  \
	do {                                                                                  \
		if (!strstr(fake_console_output(), line))                                     \
			ut_fail(__FILE__, __LINE__, "not printed: \"%s\"; output:\n%s", line, \
				fake_console_output());                                       \
	} while (0)

static int access(struct pcifix *p, unsigned int devfn, unsigned int off, unsigned int size,
		  bool write, uint32_t *val)
{
	struct mmio_access a = {.addr = ECAM + ((uint64_t)devfn << 12) + off,
				.size = size,
				.write = write,
				.value = write ? *val : 0x5a5a5a5a,
				.reg64 = true};
	int ret = vpci_mmio(&p->f->v[0], p->dev, ((uint64_t)devfn << 12) + off, &a);

	if (!write)
		*val = (uint32_t)a.value;
	return ret;
}

static uint32_t rd(struct pcifix *p, unsigned int devfn, unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	EXPECT_EQ(access(p, devfn, off, size, false, &v), 0);
	return v;
}

static void wr(struct pcifix *p, unsigned int devfn, unsigned int off, unsigned int size,
	       uint32_t v)
{
	EXPECT_EQ(access(p, devfn, off, size, true, &v), 0);
}

TEST(vpci_only_the_cells_functions_exist)
{
	struct pcifix *p;
	unsigned int writes;

	machine();
	p = setup();
	EXPECT_EQ(rd(p, DEV2, 0, 4), 0x10011af4);
	/* The host bridge and the other cell's function: absent. */
	EXPECT_EQ(rd(p, 0, 0, 4), 0xffffffff);
	EXPECT_EQ(rd(p, DEV3, 0, 4), 0xffffffff);
	EXPECT_EQ(rd(p, DEV3, 0x10, 4), 0xffffffff);
	EXPECT_EQ(rd(p, DEV3, 2, 2), 0xffff);
	EXPECT_EQ(rd(p, DEV3, 0xe, 1), 0xff);
	EXPECT_EQ(rd(p, 0xff, 0xffc, 4), 0xffffffff);
	writes = fake_pci[DEV3].writes;
	wr(p, DEV3, 4, 2, 0x7);
	wr(p, DEV3, 0x10, 4, WIN32);
	wr(p, 0, 4, 4, 0x7);
	EXPECT_EQ(fake_pci[DEV3].writes, writes);
	EXPECT_EQ(fake_pci[0].writes, 0);
}

TEST(vpci_access_widths)
{
	struct pcifix *p;
	uint32_t v = 0;

	machine();
	p = setup();
	EXPECT_EQ(rd(p, DEV2, 0, 2), 0x1af4);
	EXPECT_EQ(rd(p, DEV2, 2, 2), 0x1001);
	EXPECT_EQ(rd(p, DEV2, 0, 1), 0xf4);
	EXPECT_EQ(rd(p, DEV2, 1, 1), 0x1a);
	EXPECT_EQ(rd(p, DEV2, 3, 1), 0x10);
	EXPECT_EQ(rd(p, DEV2, 0x3d, 1), 1); /* INTA */
	/* A byte and a half-word write to the command register. */
	wr(p, DEV2, 5, 1, 0x04); /* INTx disable */
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x400);
	wr(p, DEV2, 4, 2, 0x0004); /* bus master */
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x4);
	/* Not what PCI defines: 8 bytes, misaligned. */
	EXPECT_EQ(access(p, DEV2, 0, 8, false, &v), -BH_EINVAL);
	EXPECT_EQ(access(p, DEV2, 2, 4, false, &v), -BH_EINVAL);
	EXPECT_EQ(access(p, DEV2, 1, 2, true, &v), -BH_EINVAL);
}

TEST(vpci_bar_size_probe_never_reaches_the_device)
{
	struct pcifix *p;

	machine();
	p = setup();
	/* Linux's __pci_read_base: save, all ones, read the mask, restore. */
	EXPECT_EQ(rd(p, DEV2, 0x10, 4), 0);
	wr(p, DEV2, 0x10, 4, 0xffffffff);
	EXPECT_EQ(rd(p, DEV2, 0x10, 4), 0xffffc000);
	EXPECT_EQ(rd(p, DEV2, 0x10, 2), 0xc000); /* any width */
	wr(p, DEV2, 0x10, 4, 0);
	EXPECT_EQ(rd(p, DEV2, 0x10, 4), 0);
	/* 64-bit: each half probed in turn, flags kept in the low one. */
	wr(p, DEV2, 0x18, 4, 0xffffffff);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0xffffc00c);
	wr(p, DEV2, 0x18, 4, 0xc);
	wr(p, DEV2, 0x1c, 4, 0xffffffff);
	EXPECT_EQ(rd(p, DEV2, 0x1c, 4), 0xffffffff);
	wr(p, DEV2, 0x1c, 4, 0);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0xc);
	EXPECT_EQ(rd(p, DEV2, 0x1c, 4), 0);
	/* I/O and the ROM (whose probe leaves the enable bit alone). */
	wr(p, DEV2, 0x20, 4, 0xffffffff);
	EXPECT_EQ(rd(p, DEV2, 0x20, 4), 0xffffffc1);
	wr(p, DEV2, 0x20, 4, 1);
	wr(p, DEV2, 0x30, 4, 0xfffff800);
	EXPECT_EQ(rd(p, DEV2, 0x30, 4), 0xffff0000);
	wr(p, DEV2, 0x30, 4, 0);
	EXPECT_EQ(rd(p, DEV2, 0x30, 4), 0);
	/* An unimplemented BAR reads 0 whatever is written. */
	wr(p, DEV2, 0x14, 4, 0xffffffff);
	EXPECT_EQ(rd(p, DEV2, 0x14, 4), 0);
	for (unsigned int i = 0; i < 7; i++)
		EXPECT_TRUE(!fake_pci[DEV2].saw_all_ones[i]);
}

TEST(vpci_bar_placed_inside_windows_only)
{
	struct pcifix *p;

	machine();
	p = setup();
	wr(p, DEV2, 0x10, 4, (uint32_t)WIN32 + 0x4000);
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), WIN32 + 0x4000);
	/* Another cell's window, no window at all: refused, the BAR keeps
	 * its value. */
	wr(p, DEV2, 0x10, 4, (uint32_t)OTHER);
	EXPECT_EQ(rd(p, DEV2, 0x10, 4), WIN32 + 0x4000);
	wr(p, DEV2, 0x10, 4, 0x20000000);
	EXPECT_EQ(rd(p, DEV2, 0x10, 4), WIN32 + 0x4000);
	/* The last place it fits (the device aligns what it is given). */
	wr(p, DEV2, 0x10, 4, (uint32_t)(WIN32 + WIN32SZ - 0x4000));
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), WIN32 + WIN32SZ - 0x4000);
	/* Part of the dword: merged, then checked whole. */
	wr(p, DEV2, 0x12, 2, (uint32_t)(OTHER >> 16));
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), WIN32 + WIN32SZ - 0x4000);
	wr(p, DEV2, 0x11, 1, 0x80);
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), WIN32 + WIN32SZ - 0x8000);
	/* I/O space: cells have none. */
	wr(p, DEV2, 0x20, 4, 0x1001);
	EXPECT_EQ(fake_pci_get(DEV2, 0x20, 4), 1);
	/* ROM: likewise inside, with its enable bit. */
	wr(p, DEV2, 0x30, 4, (uint32_t)OTHER | 1);
	EXPECT_EQ(fake_pci_get(DEV2, 0x30, 4), 0);
	wr(p, DEV2, 0x30, 4, (uint32_t)WIN32 + 0x10000 + 1);
	EXPECT_EQ(fake_pci_get(DEV2, 0x30, 4), WIN32 + 0x10000 + 1);
}

TEST(vpci_64bit_bar_pairs)
{
	struct pcifix *p;

	machine();
	p = setup();
	/* Low half, then high half: the low one waits (read back as
	 * written), the pair lands when it is inside. */
	wr(p, DEV2, 0x18, 4, 0x10000);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0x1000c);
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), 0xc);
	wr(p, DEV2, 0x1c, 4, (uint32_t)(WIN64 >> 32));
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), 0x1000c);
	EXPECT_EQ(fake_pci_get(DEV2, 0x1c, 4), WIN64 >> 32);
	/* Moving inside the same 4 GiB: the low half alone, at once. */
	wr(p, DEV2, 0x18, 4, 0x20000);
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), 0x2000c);
	/* A pair outside: refused as a whole, nothing of it left waiting. */
	wr(p, DEV2, 0x18, 4, 0x50000000);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0x5000000c);
	wr(p, DEV2, 0x1c, 4, 1);
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), 0x2000c);
	EXPECT_EQ(fake_pci_get(DEV2, 0x1c, 4), WIN64 >> 32);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0x2000c);
	EXPECT_EQ(rd(p, DEV2, 0x1c, 4), WIN64 >> 32);
	/* A 64-bit BAR may live in the 32-bit window too. */
	wr(p, DEV2, 0x18, 4, (uint32_t)WIN32);
	wr(p, DEV2, 0x1c, 4, 0);
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), WIN32 | 0xc);
	EXPECT_EQ(fake_pci_get(DEV2, 0x1c, 4), 0);
	/* With memory decoding on, the pair moves with it off in between
	 * (the last writes of the command register turn it back on). */
	wr(p, DEV2, 0x10, 4, (uint32_t)WIN32 + 0x4000);
	wr(p, DEV2, 4, 2, 0x2);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x2);
	wr(p, DEV2, 0x18, 4, 0);
	wr(p, DEV2, 0x1c, 4, (uint32_t)(WIN64 >> 32));
	EXPECT_EQ(fake_pci_get(DEV2, 0x18, 4), 0xc);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x2);
}

TEST(vpci_decoding_only_with_every_bar_inside)
{
	struct pcifix *p;

	machine();
	p = setup();
	/* BARs still at 0 (outside): memory decoding refused; I/O never. */
	wr(p, DEV2, 4, 2, 0x7);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x4);
	wr(p, DEV2, 0x10, 4, (uint32_t)WIN32);
	wr(p, DEV2, 4, 1, 0x7);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x4); /* the 64-bit BAR is still at 0 */
	wr(p, DEV2, 0x18, 4, 0);
	wr(p, DEV2, 0x1c, 4, (uint32_t)(WIN64 >> 32));
	wr(p, DEV2, 4, 4, 0xffff0007); /* and status bits written alongside */
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x6);
	/* An enabled ROM counts; a disabled one does not. */
	wr(p, DEV2, 4, 2, 0);
	wr(p, DEV2, 0x30, 4, (uint32_t)WIN32 + 0x10000);
	EXPECT_EQ(fake_pci_get(DEV2, 0x30, 4), WIN32 + 0x10000);
	wr(p, DEV2, 4, 2, 0x2);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x2);
}

TEST(vpci_msi_and_msix_hidden)
{
	struct pcifix *p;
	unsigned int pm, msi, pcie, msix;

	machine();
	pm = fake_pci_cap(DEV2, 0x01, 8, false);
	msi = fake_pci_cap(DEV2, 0x05, 24, false);
	fake_pci_set(DEV2, msi + 2, 2, 0x0180); /* 64-bit, per-vector masks */
	pcie = fake_pci_cap(DEV2, 0x10, 0x3c, false);
	msix = fake_pci_cap(DEV2, 0x11, 12, false);
	fake_pci_set(DEV2, msix + 4, 4, 0x1);
	p = setup();
	/* PM -> PCIe -> end. */
	EXPECT_EQ(rd(p, DEV2, 0x34, 1), pm);
	EXPECT_EQ(rd(p, DEV2, pm, 4) & 0xffff, (pcie << 8) | 0x01);
	EXPECT_EQ(rd(p, DEV2, pm + 1, 1), pcie);
	EXPECT_EQ(rd(p, DEV2, pcie, 2), 0x10);
	/* Their registers read as zero and ignore writes. */
	EXPECT_EQ(rd(p, DEV2, msi, 4), 0);
	EXPECT_EQ(rd(p, DEV2, msi + 20, 4), 0);
	EXPECT_EQ(rd(p, DEV2, msix + 4, 4), 0);
	wr(p, DEV2, msi + 2, 2, 0x1); /* MSI enable */
	wr(p, DEV2, msix + 2, 2, 0x8000);
	EXPECT_EQ(fake_pci_get(DEV2, msi + 2, 2), 0x0180);
	EXPECT_EQ(fake_pci_get(DEV2, msix + 2, 2), 0);
	EXPECT_PRINTED("hidden: MSI, MSI-X");

	/* MSI first in the list: the header's pointer skips it. */
	machine();
	msi = fake_pci_cap(DEV2, 0x05, 10, false);
	pm = fake_pci_cap(DEV2, 0x01, 8, false);
	p = setup();
	EXPECT_EQ(rd(p, DEV2, 0x34, 4) & 0xff, pm);
	EXPECT_EQ(rd(p, DEV2, msi, 2), 0);
	/* Only MSI: no capability left. */
	machine();
	fake_pci_cap(DEV2, 0x05, 10, false);
	p = setup();
	EXPECT_EQ(rd(p, DEV2, 0x34, 1), 0);
}

TEST(vpci_extended_capabilities_hidden)
{
	struct pcifix *p;
	unsigned int sriov, aer, ats, dsn;

	machine();
	fake_pci_cap(DEV2, 0x10, 0x3c, false);
	sriov = fake_pci_cap(DEV2, 0x10, 0x40, true); /* at 0x100 */
	aer = fake_pci_cap(DEV2, 0x01, 0x48, true);
	ats = fake_pci_cap(DEV2, 0x0f, 8, true);
	dsn = fake_pci_cap(DEV2, 0x03, 12, true);
	p = setup();
	/* 0x100: a null header linking on to AER; AER links past ATS. */
	EXPECT_EQ(sriov, 0x100);
	EXPECT_EQ(rd(p, DEV2, 0x100, 4), aer << 20);
	EXPECT_EQ(rd(p, DEV2, 0x102, 2), aer << 4);
	EXPECT_EQ(rd(p, DEV2, aer, 4), dsn << 20 | 1U << 16 | 0x01);
	EXPECT_EQ(rd(p, DEV2, dsn, 4), 1U << 16 | 0x03);
	EXPECT_EQ(rd(p, DEV2, sriov + 8, 4), 0);
	EXPECT_EQ(rd(p, DEV2, ats, 4), 0);
	wr(p, DEV2, sriov + 8, 2, 0x1); /* VF enable */
	EXPECT_EQ(fake_pci_get(DEV2, sriov + 8, 2), 0);
}

TEST(vpci_bridges_and_absent_functions_hidden)
{
	static const unsigned int fns[] = {DEV2, 1 << 3, 5 << 3};
	struct pcifix *p;

	machine();
	fake_pci_add(1 << 3, 0x1b36, 0x000c, 1, 0); /* a root port */
	fake_pci_set(1 << 3, 4, 2, 0x7);
	p = setup_n(fns, 3);
	EXPECT_EQ(rd(p, 1 << 3, 0, 4), 0xffffffff);
	EXPECT_EQ(rd(p, 5 << 3, 0, 4), 0xffffffff);
	EXPECT_EQ(fake_pci_get(1 << 3, 4, 2), 0); /* quiesced all the same */
	EXPECT_PRINTED("cell pci: PCI 00:01.0 is a bridge (header type 1): bridges and buses "
		       "behind them are not supported; the cell does not see it");
	EXPECT_PRINTED("cell pci: PCI 00:05.0 is not there; the cell does not see it");
	EXPECT_PRINTED("cell pci: PCI 00:02.0 [1af4:1001], INTA = "
		       "INTID 37\r\n");
}

TEST(vpci_pin_other_than_configured)
{
	struct pcifix *p;

	machine();
	fake_pci_set(DEV2, 0x3d, 1, 2); /* INTB */
	p = setup();
	EXPECT_EQ(rd(p, DEV2, 0x3d, 1), 0);
	EXPECT_EQ(rd(p, DEV2, 0x3c, 4) >> 8 & 0xff, 0);
	EXPECT_PRINTED("raises INTB, but the configuration gives it "
		       "INTA");
}

TEST(vpci_boot_quiesces)
{
	struct pcifix *p;

	machine();
	fake_pci_set(DEV2, 4, 2, 0x6); /* left mastering by firmware */
	fake_pci_set(DEV2, 0x10, 4, 0x20000000);
	p = setup();
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0);
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), 0x20000000); /* sizing restored it */
	/* Outside the windows: decoding cannot come back on. */
	wr(p, DEV2, 4, 2, 0x2);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0);
}

TEST(vpci_stop_quiesces_and_resets)
{
	static const unsigned int fns[] = {DEV2, DEV3};
	struct pcifix *p;

	machine();
	fake_pci_flr_cap(DEV2);
	p = setup_n(fns, 2);
	wr(p, DEV2, 0x10, 4, (uint32_t)WIN32);
	wr(p, DEV2, 0x18, 4, 0);
	wr(p, DEV2, 0x1c, 4, (uint32_t)(WIN64 >> 32));
	wr(p, DEV2, 4, 2, 0x6);
	wr(p, DEV3, 0x10, 4, (uint32_t)WIN32 + 0x100000 - 0x100000);
	wr(p, DEV3, 4, 2, 0x4);
	wr(p, DEV2, 0x20, 4, 0x2000); /* refused: no I/O space */
	/* A probe left half done, a low half waiting. */
	wr(p, DEV3, 0x10, 4, 0xffffffff);
	wr(p, DEV2, 0x18, 4, 0x8000);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0x6);
	fake_counter_step(1000000); /* time passes while it waits for the FLR */
	vpci_cell_stop(&p->f->c);
	fake_counter_step(0);
	EXPECT_EQ(fake_pci_get(DEV2, 4, 2), 0);
	EXPECT_EQ(fake_pci_get(DEV3, 4, 2), 0);
	EXPECT_EQ(fake_pci[DEV2].flrs, 1);
	EXPECT_EQ(fake_pci_get(DEV2, 0x10, 4), 0);     /* reset by the FLR */
	EXPECT_EQ(fake_pci_get(DEV3, 0x10, 4), WIN32); /* no FLR: kept, inside */
	EXPECT_EQ(rd(p, DEV3, 0x10, 4), WIN32);
	EXPECT_EQ(rd(p, DEV2, 0x18, 4), 0xc);
	EXPECT_PRINTED("cell pci: PCI: 2 function(s) stopped (decoding and bus mastering off), "
		       "1 reset (FLR); 1 BAR or decoding write(s) refused\r\n");
}

TEST(vpci_cell_without_functions_has_no_ecam)
{
	struct cellfix *f;

	fake_pci_reset();
	f = cellfix_new("nopci", 1, 1, NULL, 0);
	EXPECT_EQ(vpci_cell_init(&f->c), 0);
	EXPECT_EQ(f->c.nvdevs, 0);
	vpci_cell_stop(&f->c);
	free(f);
}
