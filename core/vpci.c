// SPDX-License-Identifier: Apache-2.0
/*
 * Virtual PCI configuration space (ECAM) of a cell: the host bridge's root
 * bus as the cell may see it, trapped through stage 2 like the vGIC. Only
 * the cell's own functions exist; every other one reads as all ones and
 * ignores writes, as an absent function does. Accesses to the cell's
 * functions go to the physical ECAM under the same bus/device/function,
 * except what would reach beyond the cell:
 *  - a BAR or expansion ROM is only ever placed inside the cell's slices of
 *    the host bridge's memory windows; a write that would put it (or its
 *    64-bit pair) elsewhere is refused and the BAR keeps its value. The
 *    all-ones size probe is answered from the sizes found at boot, never
 *    written to the device: with decoding on, a half-written probe of a
 *    64-bit BAR would make it claim another cell's addresses;
 *  - memory decoding is turned on only while every BAR lies inside those
 *    slices; I/O decoding never (cells get no I/O space);
 *  - MSI and MSI-X are hidden, so drivers fall back to INTx, whose SPI the
 *    cell owns; so are the extended capabilities that would make more
 *    functions (SR-IOV), resize BARs behind the sizes known here, or let the
 *    device bypass translation (ATS, PRI, PASID);
 *  - bridges are hidden: buses behind them are not supported.
 * When the cell stops, its functions stop decoding and mastering and are
 * reset (FLR) where they can be.
 */
#include <bulkhead/cell.h>
#include <bulkhead/errno.h>
#include <bulkhead/printf.h>
#include <bulkhead/string.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vpci.h>

#include <config.h>

/* Configuration header (type 0) */
#define CFG_VENDOR	0x00
#define CFG_COMMAND	0x04
#define CFG_STATUS	0x06
#define CFG_HEADER_TYPE 0x0e
#define CFG_BAR0	0x10
#define CFG_ROM		0x30
#define CFG_CAP_PTR	0x34
#define CFG_INT_LINE	0x3c
#define CFG_INT_PIN	0x3d
#define CFG_STD_END	0x100 /* capabilities live in 0x40..0xff */
#define CFG_EXT_START	0x100 /* extended capabilities (PCIe) */
#define CFG_SIZE	0x1000

#define CMD_IO	       BIT(0)
#define CMD_MEM	       BIT(1)
#define STATUS_CAPS    BIT(4)
#define HEADER_TYPE    0x7f /* without the multi-function bit */
#define BAR_IO	       BIT(0)
#define BAR_TYPE_SHIFT 1
#define BAR_TYPE_WIDTH 2
#define BAR_TYPE_64    2
#define BAR_IO_ADDR    0xfffffffcU
#define BAR_MEM_ADDR   0xfffffff0U
#define ROM_ADDR       0xfffff800U
#define ROM_ENABLE     BIT(0)
#define NBARS	       7 /* BAR0-5, then the expansion ROM */
#define ROM	       6

/* Capabilities */
#define CAP_MSI	       0x05
#define CAP_PCIE       0x10
#define CAP_MSIX       0x11
#define CAP_AF	       0x13
#define MSI_CTRL       2
#define MSI_CTRL_64    BIT(7)
#define MSI_CTRL_MASK  BIT(8)
#define MSIX_LEN       12
#define PCIE_DEVCAP    4
#define DEVCAP_FLR     BIT(28)
#define PCIE_DEVCTL    8
#define DEVCTL_FLR     BIT(15)
#define PCIE_DEVSTA    10
#define DEVSTA_TRPND   BIT(5)
#define AF_CAP	       3
#define AF_CAP_TP      BIT(0)
#define AF_CAP_FLR     BIT(1)
#define AF_CTRL	       4
#define AF_CTRL_FLR    BIT(0)
#define AF_STATUS      5
#define AF_STATUS_TP   BIT(0)
#define EXT_ATS	       0x0f
#define EXT_SRIOV      0x10
#define EXT_PRI	       0x13
#define EXT_REBAR      0x15
#define EXT_PASID      0x1b
#define EXT_VF_REBAR   0x24
#define EXT_NEXT_SHIFT 20

#define MAX_STD_CAPS 48 /* what fits in 0x40..0xff */
#define MAX_EXT_CAPS 64
#define MAX_HIDDEN   16
#define MAX_FIXUPS   (MAX_HIDDEN + 1)

#define FLR_WAIT_US	100000	/* PCIe: no request to a function within 100 ms of its FLR */
#define FLR_READY_US	1000000 /* then it may answer "not ready" for a while longer */
#define PENDING_WAIT_US 100000

enum bar_kind { BAR_NONE, BAR_IO_SPACE, BAR_MEM32, BAR_MEM64, BAR_MEM64_HI, BAR_ROM };
enum flr_kind { FLR_NONE, FLR_PCIE, FLR_AF };

struct vbar {
	uint8_t kind;	/* enum bar_kind */
	bool sizing;	/* the guest wrote the size probe: reads give the mask */
	bool staged;	/* BAR_MEM64: a low half waits for its high half */
	uint32_t mask;	/* this dword's address bits the device implements */
	uint32_t value; /* the staged low half, as written */
};

/* Bytes of a hidden capability: they read as zero and writes are dropped. */
struct vrange {
	uint16_t start, end;
};

/* A capability link rewritten around hidden ones: below 0x100 the byte at
 * off, else the next-pointer field of the extended header dword at off. */
struct vlink {
	uint16_t off, next;
};

struct vfunc {
	uint16_t bdf;
	uint8_t pin;  /* INTx pin the configuration gave it */
	bool exists;  /* there at boot: quiesced at every stop */
	bool visible; /* shown to the cell (exists, and no bridge) */
	bool hide_pin;
	uint8_t flr; /* enum flr_kind */
	uint8_t flr_cap;
	uint8_t nhide, nfix;
	struct vrange hide[MAX_HIDDEN];
	struct vlink fix[MAX_FIXUPS];
	struct vbar bar[NBARS];
};

struct vpci {
	struct cell *cell;
	arch_spinlock_t lock;
	unsigned int nfuncs;
	uint32_t refused; /* BAR and command writes refused since the cell started */
	struct vfunc funcs[VPCI_MAX_FUNCS];
};

static struct vpci vpcis[BH_NR_CPUS]; /* by cell index: a cell owns a CPU */

static uint32_t width_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1;
}

static uint32_t rd(const struct vfunc *f, unsigned int off, unsigned int size)
{
	return arch_pci_cfg_read(f->bdf, off, size);
}

static void wr(const struct vfunc *f, unsigned int off, unsigned int size, uint32_t val)
{
	arch_pci_cfg_write(f->bdf, off, size, val);
}

static void bdf_name(uint16_t bdf, char buf[8])
{
	bh_snprintf(buf, 8, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

static void delay_us(uint64_t us)
{
	uint64_t end = arch_counter() + us * arch_counter_freq() / 1000000;

	while (arch_counter() < end)
		;
}

/* Waits until (@off & @bit) reads clear, at most @us; true if it did. */
static bool wait_clear(const struct vfunc *f, unsigned int off, unsigned int size, uint32_t bit,
		       uint64_t us)
{
	uint64_t end = arch_counter() + us * arch_counter_freq() / 1000000;

	while (rd(f, off, size) & bit)
		if (arch_counter() >= end)
			return false;
	return true;
}

/* ---------------------------------------------------------------- BARs */

static int bar_index(unsigned int dw)
{
	if (dw >= CFG_BAR0 && dw < CFG_BAR0 + 4 * (NBARS - 1))
		return (int)((dw - CFG_BAR0) / 4);
	return dw == CFG_ROM ? ROM : -1;
}

static unsigned int bar_offset(unsigned int i)
{
	return i == ROM ? CFG_ROM : CFG_BAR0 + 4 * i;
}

/* Bytes a BAR decodes (for a 64-bit pair, from its low half). */
static uint64_t bar_size(const struct vfunc *f, unsigned int i)
{
	uint64_t mask = 0xffffffff00000000ULL | f->bar[i].mask;

	if (f->bar[i].kind == BAR_MEM64)
		mask = (uint64_t)f->bar[i + 1].mask << 32 | f->bar[i].mask;
	return ~mask + 1;
}

/* Does [base, base + size) lie inside one of the cell's windows? */
static bool in_windows(const struct vpci *p, uint64_t base, uint64_t size)
{
	const struct bh_cell *cfg = p->cell->cfg;

	for (unsigned int i = 0; i < cfg->npci_windows; i++) {
		const struct bh_pci_window *w = &cfg->pci_windows[i];

		if (size && base >= w->bus && base - w->bus < w->size &&
		    size <= w->size - (base - w->bus))
			return true;
	}
	return false;
}

/* Where the device decodes BAR @i now (hardware), and whether it does. */
static bool bar_decodes(const struct vfunc *f, unsigned int i, uint64_t *base)
{
	const struct vbar *b = &f->bar[i];
	uint32_t lo = rd(f, bar_offset(i), 4);

	switch (b->kind) {
	case BAR_MEM32:
		*base = lo & b->mask;
		return true;
	case BAR_MEM64:
		*base = (uint64_t)rd(f, bar_offset(i + 1), 4) << 32 | (lo & b->mask);
		return true;
	case BAR_ROM:
		*base = lo & b->mask;
		return lo & ROM_ENABLE;
	default:
		return false;
	}
}

/* Memory decoding may be on only while every memory BAR (and an enabled
 * ROM) lies inside the cell's windows. */
static bool bars_inside(const struct vpci *p, const struct vfunc *f)
{
	for (unsigned int i = 0; i < NBARS; i++) {
		uint64_t base;

		if (bar_decodes(f, i, &base) && !in_windows(p, base, bar_size(f, i)))
			return false;
	}
	return true;
}

/* What the guest reads from BAR dword @i, the device holding @hw. */
static uint32_t bar_view(const struct vfunc *f, unsigned int i, uint32_t hw)
{
	const struct vbar *b = &f->bar[i];

	if (b->sizing)
		return b->mask | (hw & ~b->mask);
	if (b->staged)
		return (b->value & b->mask) | (hw & ~b->mask);
	return hw;
}

/* Rewrites a 64-bit BAR with memory decoding off meanwhile: between the
 * two halves it would decode an address nobody chose. */
static void write_pair(const struct vfunc *f, unsigned int off, uint32_t lo, uint32_t hi)
{
	uint32_t cmd = rd(f, CFG_COMMAND, 2);

	if (cmd & CMD_MEM)
		wr(f, CFG_COMMAND, 2, cmd & ~(uint32_t)CMD_MEM);
	wr(f, off, 4, lo);
	wr(f, off + 4, 4, hi);
	if (cmd & CMD_MEM)
		wr(f, CFG_COMMAND, 2, cmd);
}

static void refuse(struct vpci *p, const struct vfunc *f, unsigned int off, uint32_t val)
{
	/* Writing back what is there already (after a size probe of an
	 * unassigned BAR) changes nothing and is not worth counting. */
	if (rd(f, off, 4) != val)
		p->refused++;
}

static void bar_write(struct vpci *p, struct vfunc *f, unsigned int i, uint32_t val)
{
	struct vbar *b = &f->bar[i];
	unsigned int off = bar_offset(i);
	uint32_t lo;
	uint64_t base;

	if (b->kind == BAR_NONE)
		return;
	/* The size probe: all implemented address bits written as ones. */
	b->sizing = b->mask && (val & b->mask) == b->mask;
	if (b->sizing)
		return;
	switch (b->kind) {
	case BAR_MEM32:
	case BAR_ROM:
		if (in_windows(p, val & b->mask, bar_size(f, i)))
			wr(f, off, 4, val);
		else
			refuse(p, f, off, val);
		break;
	case BAR_MEM64:
		/* The low half first (as Linux writes it): placed at once if
		 * the pair lands inside, else held for the high half. */
		base = (uint64_t)rd(f, off + 4, 4) << 32 | (val & b->mask);
		b->staged = !in_windows(p, base, bar_size(f, i));
		b->value = val;
		if (!b->staged)
			wr(f, off, 4, val);
		break;
	case BAR_MEM64_HI:
		lo = f->bar[i - 1].staged ? f->bar[i - 1].value : rd(f, off - 4, 4);
		base = (uint64_t)val << 32 | (lo & f->bar[i - 1].mask);
		f->bar[i - 1].staged = false;
		if (in_windows(p, base, bar_size(f, i - 1)))
			write_pair(f, off - 4, lo, val);
		else
			refuse(p, f, off, val);
		break;
	default: /* I/O: cells have no I/O space */
		refuse(p, f, off, val);
		break;
	}
}

static void size_bars(struct vfunc *f)
{
	for (unsigned int i = 0; i < NBARS; i++) {
		struct vbar *b = &f->bar[i];
		unsigned int off = bar_offset(i);
		uint32_t probe = i == ROM ? ROM_ADDR : 0xffffffffU;
		uint32_t orig = rd(f, off, 4), m;

		wr(f, off, 4, probe);
		m = rd(f, off, 4);
		wr(f, off, 4, orig);
		if (i == ROM) {
			b->kind = BAR_ROM;
			b->mask = m & ROM_ADDR;
		} else if (m & BAR_IO) {
			b->kind = BAR_IO_SPACE;
			b->mask = m & BAR_IO_ADDR;
		} else if (FIELD_GET(BAR_TYPE, m) == BAR_TYPE_64 && i + 1 < ROM) {
			b->kind = BAR_MEM64;
			b->mask = m & BAR_MEM_ADDR;
			orig = rd(f, off + 4, 4);
			wr(f, off + 4, 4, 0xffffffffU);
			f->bar[i + 1].kind = BAR_MEM64_HI;
			f->bar[i + 1].mask = rd(f, off + 4, 4);
			wr(f, off + 4, 4, orig);
			i++;
		} else {
			b->kind = BAR_MEM32;
			b->mask = m & BAR_MEM_ADDR;
		}
		if (!b->mask) /* not implemented */
			b->kind = BAR_NONE;
	}
}

/* -------------------------------------------------------- capabilities */

static bool hidden_std(uint8_t id)
{
	return id == CAP_MSI || id == CAP_MSIX;
}

static bool hidden_ext(uint16_t id)
{
	return id == EXT_ATS || id == EXT_SRIOV || id == EXT_PRI || id == EXT_REBAR ||
	       id == EXT_PASID || id == EXT_VF_REBAR;
}

static void hide(struct vfunc *f, unsigned int start, unsigned int end)
{
	if (f->nhide < MAX_HIDDEN)
		f->hide[f->nhide++] = (struct vrange){(uint16_t)start, (uint16_t)end};
}

static void fixup(struct vfunc *f, unsigned int off, unsigned int next)
{
	if (f->nfix < MAX_FIXUPS)
		f->fix[f->nfix++] = (struct vlink){(uint16_t)off, (uint16_t)next};
}

static unsigned int msi_len(const struct vfunc *f, unsigned int cap)
{
	uint32_t ctrl = rd(f, cap + MSI_CTRL, 2);

	return 10U + ((ctrl & MSI_CTRL_64) ? 4U : 0U) + ((ctrl & MSI_CTRL_MASK) ? 10U : 0U);
}

/* The standard list: MSI and MSI-X unlinked and blanked; notes FLR. */
static void scan_std_caps(struct vfunc *f, char *names, size_t len)
{
	unsigned int link = CFG_CAP_PTR, n = 0;
	bool relink = false, more = false;

	if (!(rd(f, CFG_STATUS, 2) & STATUS_CAPS))
		return;
	for (unsigned int off = rd(f, CFG_CAP_PTR, 1) & 0xfc; off >= 0x40 && n < MAX_STD_CAPS;
	     off = rd(f, off + 1, 1) & 0xfc, n++) {
		uint8_t id = (uint8_t)rd(f, off, 1);

		if (id == CAP_PCIE && (rd(f, off + PCIE_DEVCAP, 4) & DEVCAP_FLR)) {
			f->flr = FLR_PCIE;
			f->flr_cap = (uint8_t)off;
		} else if (id == CAP_AF && !f->flr &&
			   (rd(f, off + AF_CAP, 1) & (AF_CAP_TP | AF_CAP_FLR)) ==
				   (AF_CAP_TP | AF_CAP_FLR)) {
			f->flr = FLR_AF;
			f->flr_cap = (uint8_t)off;
		}
		if (!hidden_std(id)) {
			if (relink)
				fixup(f, link, off);
			link = off + 1;
			relink = false;
			continue;
		}
		hide(f, off, MIN(off + (id == CAP_MSI ? msi_len(f, off) : MSIX_LEN), CFG_STD_END));
		relink = true;
		bh_snprintf(names + strlen(names), len - strlen(names), "%s%s", more ? ", " : "",
			    id == CAP_MSI ? "MSI" : "MSI-X");
		more = true;
	}
	if (relink)
		fixup(f, link, 0);
}

/* The extended list (PCIe): a hidden capability spans up to the next one. */
static void scan_ext_caps(struct vfunc *f, char *names, size_t len)
{
	uint16_t off[MAX_EXT_CAPS], id[MAX_EXT_CAPS];
	unsigned int n = 0, link = CFG_EXT_START;
	bool relink = false;

	for (unsigned int o = CFG_EXT_START; o >= CFG_EXT_START && n < MAX_EXT_CAPS;) {
		uint32_t h = rd(f, o, 4);

		if (!h || h == 0xffffffffU)
			break;
		off[n] = (uint16_t)o;
		id[n++] = (uint16_t)h;
		o = (h >> EXT_NEXT_SHIFT) & 0xffc;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int end = CFG_SIZE;

		if (!hidden_ext(id[i])) {
			if (relink)
				fixup(f, link, off[i]);
			link = off[i];
			relink = false;
			continue;
		}
		for (unsigned int j = 0; j < n; j++)
			if (off[j] > off[i] && off[j] < end)
				end = off[j];
		/* A hidden first one stays as a null header linking on. */
		hide(f, off[i], end);
		relink = true;
		bh_snprintf(names + strlen(names), len - strlen(names), "%sext %#x",
			    names[0] ? ", " : "", id[i]);
	}
	if (relink)
		fixup(f, link, 0);
}

static bool in_hidden(const struct vfunc *f, unsigned int off)
{
	for (unsigned int i = 0; i < f->nhide; i++)
		if (off >= f->hide[i].start && off < f->hide[i].end)
			return true;
	return false;
}

/* ------------------------------------------------------ register access */

/* The dword at @dw as the cell sees it. */
static uint32_t read_dword(const struct vfunc *f, unsigned int dw)
{
	uint32_t v = rd(f, dw, 4);
	int bar = bar_index(dw);

	for (unsigned int b = 0; b < 4; b++)
		if (in_hidden(f, dw + b))
			v &= ~(0xffU << (8 * b));
	for (unsigned int i = 0; i < f->nfix; i++) {
		unsigned int off = f->fix[i].off, sh = (off & 3) * 8;

		if (off < CFG_STD_END && (off & ~3U) == dw)
			v = (v & ~(0xffU << sh)) | (uint32_t)f->fix[i].next << sh;
		else if (off == dw && off >= CFG_EXT_START)
			v = (v & ((1U << EXT_NEXT_SHIFT) - 1)) | (uint32_t)f->fix[i].next
									 << EXT_NEXT_SHIFT;
	}
	if (dw == CFG_INT_LINE && f->hide_pin)
		v &= ~(0xffU << 8);
	if (bar >= 0)
		v = bar_view(f, (unsigned int)bar, v);
	return v;
}

static void func_write(struct vpci *p, struct vfunc *f, unsigned int off, unsigned int size,
		       uint32_t val)
{
	unsigned int dw = off & ~3U, sh = (off & 3) * 8;
	int bar = bar_index(dw);

	for (unsigned int b = 0; b < size; b++)
		if (in_hidden(f, off + b))
			return;
	if (bar >= 0) { /* a part of a BAR: merged into the whole dword */
		uint32_t m = width_mask(size) << sh;

		bar_write(p, f, (unsigned int)bar, (read_dword(f, dw) & ~m) | ((val << sh) & m));
		return;
	}
	/* The command byte with the decoding bits: no I/O space; memory only
	 * while every BAR is inside the cell's windows. */
	if (off <= CFG_COMMAND && CFG_COMMAND < off + size) {
		unsigned int csh = (CFG_COMMAND - off) * 8;

		val &= ~((uint32_t)CMD_IO << csh);
		if ((val & ((uint32_t)CMD_MEM << csh)) && !(rd(f, CFG_COMMAND, 2) & CMD_MEM) &&
		    !bars_inside(p, f)) {
			val &= ~((uint32_t)CMD_MEM << csh);
			p->refused++;
		}
	}
	wr(f, off, size, val);
}

static struct vfunc *find(struct vpci *p, uint16_t bdf)
{
	for (unsigned int i = 0; i < p->nfuncs; i++)
		if (p->funcs[i].bdf == bdf && p->funcs[i].visible)
			return &p->funcs[i];
	return NULL;
}

int vpci_mmio(struct vcpu *v, void *dev, uint64_t offset, struct mmio_access *a)
{
	struct vpci *p = dev;
	unsigned int reg = (unsigned int)(offset & (CFG_SIZE - 1)), size = a->size;
	uint16_t bdf = (uint16_t)(bh_board.pci_root_bus << 8 | (offset >> 12 & 0xff));
	struct vfunc *f;

	(void)v;
	/* What PCI defines: 1, 2 or 4 bytes, naturally aligned. */
	if ((size != 1 && size != 2 && size != 4) || reg % size)
		return -BH_EINVAL;
	arch_spin_lock(&p->lock);
	f = find(p, bdf);
	if (a->write) {
		if (f)
			func_write(p, f, reg, size, (uint32_t)a->value);
	} else {
		a->value = f ? read_dword(f, reg & ~3U) >> ((reg & 3) * 8) & width_mask(size)
			     : width_mask(size);
	}
	arch_spin_unlock(&p->lock);
	return 0;
}

/* ------------------------------------------------------------ lifecycle */

static void init_func(struct vpci *p, struct vfunc *f, const struct bh_pci_func *cf)
{
	const char *cell = p->cell->cfg->name;
	char name[8], hidden[64] = "";
	uint32_t id, pin, type;

	memset(f, 0, sizeof(*f));
	f->bdf = cf->bdf;
	f->pin = cf->pin;
	bdf_name(f->bdf, name);
	id = rd(f, CFG_VENDOR, 4);
	if ((id & 0xffff) == 0xffff) {
		bh_printf("cell %s: PCI %s is not there; the cell does not see it\n", cell, name);
		return;
	}
	f->exists = true;
	/* Whatever firmware left running stops until the cell turns it on. */
	wr(f, CFG_COMMAND, 2, 0);
	type = rd(f, CFG_HEADER_TYPE, 1) & HEADER_TYPE;
	if (type != 0) {
		bh_printf("cell %s: PCI %s is a bridge (header type %u): bridges and buses "
			  "behind them are not supported; the cell does not see it\n",
			  cell, name, type);
		return;
	}
	size_bars(f);
	scan_std_caps(f, hidden, sizeof(hidden));
	scan_ext_caps(f, hidden, sizeof(hidden));
	pin = rd(f, CFG_INT_PIN, 1);
	if (pin && pin != f->pin) {
		bh_printf("cell %s: PCI %s raises INT%c, but the configuration gives it INT%c: "
			  "that interrupt would not reach the cell, so it sees no interrupt pin\n",
			  cell, name, pin <= 4 ? (char)('A' + pin - 1) : '?', 'A' + f->pin - 1);
		f->hide_pin = true;
	}
	f->visible = true;
	bh_printf("cell %s: PCI %s [%04x:%04x], INT%c = INTID %u%s%s%s\n", cell, name, id & 0xffff,
		  id >> 16, 'A' + f->pin - 1, cf->intid, f->flr ? ", FLR at stop" : "",
		  hidden[0] ? "; hidden: " : "", hidden);
}

int vpci_cell_init(struct cell *c)
{
	const struct bh_cell *cfg = c->cfg;
	struct vpci *p;

	if (!cfg->npci_funcs)
		return 0;
	/* bhcfg keeps to these; never trust a table blindly. */
	if (c->index >= ARRAY_SIZE(vpcis) || cfg->npci_funcs > VPCI_MAX_FUNCS ||
	    !bh_board.pci_ecam.size)
		return -BH_EINVAL;
	p = &vpcis[c->index];
	memset(p, 0, sizeof(*p));
	p->cell = c;
	p->lock = (arch_spinlock_t)ARCH_SPINLOCK_INIT;
	p->nfuncs = cfg->npci_funcs;
	for (unsigned int i = 0; i < p->nfuncs; i++)
		init_func(p, &p->funcs[i], &cfg->pci_funcs[i]);
	return vdev_add(c, cfg->pci_ecam_ipa, VPCI_ECAM_SIZE, vpci_mmio, p,
			"virtual PCI configuration space (ECAM)");
}

/* Function-level reset, if the function has one; true if it answered again. */
static bool flr(const struct vfunc *f)
{
	uint64_t end;

	if (f->flr == FLR_PCIE) {
		/* Outstanding requests would be lost; give them a moment. */
		wait_clear(f, f->flr_cap + PCIE_DEVSTA, 2, DEVSTA_TRPND, PENDING_WAIT_US);
		wr(f, f->flr_cap + PCIE_DEVCTL, 2,
		   rd(f, f->flr_cap + PCIE_DEVCTL, 2) | (uint32_t)DEVCTL_FLR);
	} else {
		wait_clear(f, f->flr_cap + AF_STATUS, 1, AF_STATUS_TP, PENDING_WAIT_US);
		wr(f, f->flr_cap + AF_CTRL, 1, AF_CTRL_FLR);
	}
	delay_us(FLR_WAIT_US);
	/* Until it is ready it answers config reads with all ones. */
	end = arch_counter() + FLR_READY_US * arch_counter_freq() / 1000000;

	while (rd(f, CFG_VENDOR, 4) == 0xffffffffU)
		if (arch_counter() >= end)
			return false;
	return true;
}

void vpci_cell_stop(struct cell *c)
{
	struct vpci *p = c->index < ARRAY_SIZE(vpcis) ? &vpcis[c->index] : NULL;
	unsigned int stopped = 0, reset = 0, lost = 0;
	uint32_t refused;

	if (!p || p->cell != c || !c->cfg->npci_funcs)
		return;
	arch_spin_lock(&p->lock);
	for (unsigned int i = 0; i < p->nfuncs; i++) {
		struct vfunc *f = &p->funcs[i];

		if (!f->exists)
			continue;
		/* Bus mastering off first: no DMA of its lands after this. */
		wr(f, CFG_COMMAND, 2, 0);
		stopped++;
		if (f->flr && f->visible) {
			if (flr(f))
				reset++;
			else
				lost++;
		}
		for (unsigned int b = 0; b < NBARS; b++)
			f->bar[b].sizing = f->bar[b].staged = false;
	}
	refused = p->refused;
	p->refused = 0;
	arch_spin_unlock(&p->lock);
	bh_printf("cell %s: PCI: %u function(s) stopped (decoding and bus mastering off), %u "
		  "reset (FLR)%s; %u BAR or decoding write(s) refused\n",
		  c->cfg->name, stopped, reset, lost ? ", one or more not answering after it" : "",
		  refused);
}
