// SPDX-License-Identifier: Apache-2.0
/*
 * Host stand-in for the physical ECAM (arch_pci_cfg_read/write): functions
 * on the root bus whose configuration space behaves like hardware's where
 * vpci depends on it: read-only bits stay, BARs decode their size (all
 * ones reads back the size mask), capability lists are what the test
 * built, and Device Control's FLR bit resets the function.
 */
#include <string.h>

#include <bulkhead/arch.h>

#include <arch/fake.h>

#define PCI_COMMAND   0x04
#define PCI_STATUS    0x06
#define PCI_HEADER    0x0e
#define PCI_BAR0      0x10
#define PCI_ROM	      0x30
#define PCI_CAP_PTR   0x34
#define PCI_INT_PIN   0x3d
#define DEVCAP_FLR    (1U << 28)
#define DEVCTL_FLR    0x8000
#define STATUS_CAPS   0x10
#define FIRST_STD_CAP 0x40

struct fake_pci_fn fake_pci[256];
static unsigned int next_std[256], next_ext[256], last_ext[256];

void fake_pci_reset(void)
{
	memset(fake_pci, 0, sizeof(fake_pci));
	memset(next_std, 0, sizeof(next_std));
	memset(next_ext, 0, sizeof(next_ext));
	memset(last_ext, 0, sizeof(last_ext));
}

uint32_t fake_pci_get(unsigned int devfn, unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)fake_pci[devfn].cfg[off + i] << (8 * i);
	return v;
}

void fake_pci_set(unsigned int devfn, unsigned int off, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		fake_pci[devfn].cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void set_wmask(unsigned int devfn, unsigned int off, unsigned int size, uint32_t m)
{
	for (unsigned int i = 0; i < size; i++)
		fake_pci[devfn].wmask[off + i] = (uint8_t)(m >> (8 * i));
}

struct fake_pci_fn *fake_pci_add(unsigned int devfn, uint16_t vendor, uint16_t device,
				 uint8_t header_type, uint8_t pin)
{
	struct fake_pci_fn *f = &fake_pci[devfn];

	memset(f, 0, sizeof(*f));
	f->present = true;
	fake_pci_set(devfn, 0, 2, vendor);
	fake_pci_set(devfn, 2, 2, device);
	fake_pci_set(devfn, PCI_HEADER, 1, header_type);
	fake_pci_set(devfn, PCI_INT_PIN, 1, pin);
	set_wmask(devfn, PCI_COMMAND, 2, 0x0547); /* I/O, memory, master, parity, SERR, INTx */
	set_wmask(devfn, 0x3c, 1, 0xff);	  /* interrupt line */
	next_std[devfn] = FIRST_STD_CAP;
	next_ext[devfn] = 0x100;
	last_ext[devfn] = 0;
	return f;
}

void fake_pci_bar(unsigned int devfn, unsigned int i, uint64_t size, uint32_t flags)
{
	unsigned int off = i == 6 ? PCI_ROM : PCI_BAR0 + 4 * i;
	uint64_t mask = ~(size - 1);

	fake_pci_set(devfn, off, 4, flags);
	set_wmask(devfn, off, 4,
		  i == 6 ? ((uint32_t)mask & 0xfffff800U) | 1
			 : (uint32_t)mask & ((flags & 1) ? ~3U : ~0xfU));
	if (((flags >> 1) & 3) == 2 && i < 5)
		set_wmask(devfn, off + 4, 4, (uint32_t)(mask >> 32));
}

unsigned int fake_pci_cap(unsigned int devfn, unsigned int id, unsigned int len, bool ext)
{
	unsigned int off;

	if (ext) {
		off = next_ext[devfn];
		if (last_ext[devfn]) /* the first one is at 0x100 itself */
			fake_pci_set(devfn, last_ext[devfn], 4,
				     fake_pci_get(devfn, last_ext[devfn], 4) | off << 20);
		fake_pci_set(devfn, off, 4, id | 1U << 16);
		last_ext[devfn] = off;
		next_ext[devfn] = (off + len + 3) & ~3U;
		return off;
	}
	off = next_std[devfn];
	if (!(fake_pci_get(devfn, PCI_STATUS, 2) & STATUS_CAPS)) {
		fake_pci_set(devfn, PCI_STATUS, 2, STATUS_CAPS);
		fake_pci_set(devfn, PCI_CAP_PTR, 1, off);
	} else {
		unsigned int o = fake_pci_get(devfn, PCI_CAP_PTR, 1);

		while (fake_pci_get(devfn, o + 1, 1))
			o = fake_pci_get(devfn, o + 1, 1);
		fake_pci_set(devfn, o + 1, 1, off);
	}
	fake_pci_set(devfn, off, 1, id);
	/* The rest of a capability is read/write here unless a test says not. */
	for (unsigned int i = 2; i < len; i++)
		fake_pci[devfn].wmask[off + i] = 0xff;
	next_std[devfn] = (off + len + 3) & ~3U;
	return off;
}

unsigned int fake_pci_flr_cap(unsigned int devfn)
{
	unsigned int off = fake_pci_cap(devfn, 0x10, 0x3c, false);

	fake_pci_set(devfn, off + 4, 4, DEVCAP_FLR);
	set_wmask(devfn, off + 4, 4, 0);
	fake_pci[devfn].flr_ctl = off + 8;
	return off;
}

static struct fake_pci_fn *fn(uint16_t bdf)
{
	/* Only the root bus (0) exists here. */
	if (bdf >> 8 || !fake_pci[bdf & 0xff].present)
		return NULL;
	return &fake_pci[bdf & 0xff];
}

uint32_t arch_pci_cfg_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	if (!fn(bdf))
		return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
	return fake_pci_get(bdf & 0xff, offset, size);
}

static void flr(unsigned int devfn)
{
	struct fake_pci_fn *f = &fake_pci[devfn];

	f->flrs++;
	fake_pci_set(devfn, PCI_COMMAND, 2, 0);
	fake_pci_set(devfn, f->flr_ctl, 2, 0);
	/* BARs back to zero: only their read-only low bits stay. */
	for (unsigned int off = PCI_BAR0; off <= PCI_ROM; off += 4)
		if (off < PCI_BAR0 + 24 || off == PCI_ROM)
			for (unsigned int i = 0; i < 4; i++)
				f->cfg[off + i] &= (uint8_t)~f->wmask[off + i];
}

void arch_pci_cfg_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	struct fake_pci_fn *f = fn(bdf);
	unsigned int devfn = bdf & 0xff;

	if (!f)
		return;
	f->writes++;
	for (unsigned int i = 0; i < size; i++) {
		uint8_t m = f->wmask[offset + i];

		f->cfg[offset + i] =
			(uint8_t)((f->cfg[offset + i] & ~m) | ((value >> (8 * i)) & m));
	}
	/* A BAR that now holds its size mask (all implemented bits set). */
	for (unsigned int b = 0; b < 7; b++) {
		unsigned int off = b == 6 ? PCI_ROM : PCI_BAR0 + 4 * b;
		uint32_t m = fake_pci_get(devfn, off, 4) & ~0x7ffU, w = 0;

		for (unsigned int i = 0; i < 4; i++)
			w |= (uint32_t)f->wmask[off + i] << (8 * i);
		w &= ~0x7ffU;
		if (w && m == w && offset <= off + 3 && off < offset + size)
			f->saw_all_ones[b] = true;
	}
	if (f->flr_ctl && offset <= f->flr_ctl + 1 && f->flr_ctl < offset + size &&
	    (fake_pci_get(devfn, f->flr_ctl, 2) & DEVCTL_FLR))
		flr(devfn);
}
