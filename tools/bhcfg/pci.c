// SPDX-License-Identifier: Apache-2.0
/*
 * PCI functions passed through to cells: the board's host bridge
 * (pci-host-ecam-generic: ECAM, bus-range, ranges, interrupt-map,
 * iommu-map), the cells' 'pci-functions', their INTx lines and stream IDs,
 * and the slices of the host bridge's memory windows each cell's BARs go
 * to. Only functions on the root bus are supported: no bridge, nothing
 * behind one.
 */
#include <ctype.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bhcfg.h"

#define ULL(x) ((unsigned long long)(x))

/* phys.hi of a PCI address: space code and prefetchable bit. */
#define PCI_SPACE_SHIFT 24
#define PCI_SPACE_MASK	3U
#define PCI_SPACE_MEM32 2U
#define PCI_SPACE_MEM64 3U
#define PCI_PREFETCH	0x40000000U
#define ECAM_BUS_SIZE	0x100000ULL /* 1 MiB of configuration space per bus */
#define GIC_SPI		0
#define PCI_INT_CELLS	4 /* phys.hi, phys.mid, phys.lo, pin */

const char *bdf_str(uint16_t bdf)
{
	static char buf[4][8];
	static unsigned int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	return b;
}

/* "bb:dd.f" in hex (device below 0x20, function below 8), then optionally
 * a space and the INTx pin it raises ("INTA".."INTD", default INTA). */
bool pci_parse_function(const char *s, uint16_t *bdf, uint8_t *pin)
{
	unsigned int bus, dev, fn;
	int n = -1;

	for (int i = 0; i < 7; i++)
		if (!(i == 2 ? s[i] == ':' : i == 5 ? s[i] == '.' : isxdigit((unsigned char)s[i])))
			return false;
	if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 || n != 7 || dev > 0x1f || fn > 7)
		return false;
	*bdf = (uint16_t)(bus << 8 | dev << 3 | fn);
	*pin = 1;
	if (!s[7])
		return true;
	if (strlen(s + 7) != 5 || strncmp(s + 7, " INT", 4) || s[11] < 'A' || s[11] > 'D')
		return false;
	*pin = (uint8_t)(s[11] - 'A' + 1);
	return true;
}

/* ---- the board's host bridge ------------------------------------------- */

static const char *parse_windows(const struct dtb *d, int node, struct cfg_pci_host *h)
{
	int len, pac = fdt_address_cells(d->fdt, fdt_parent_offset(d->fdt, node));
	int sc = fdt_size_cells(d->fdt, node), n;
	const uint32_t *r = fdt_getprop(d->fdt, node, "ranges", &len);

	if (!r || pac < 1 || pac > 2 || sc < 1 || sc > 2)
		return "no 'ranges' of PCI memory windows";
	n = 3 + pac + sc;
	if (len % (4 * n))
		return "'ranges' is malformed";
	for (int i = 0; i < len / (4 * n); i++, r += n) {
		uint32_t flags = fdt32_to_cpu(r[0]);
		uint32_t space = (flags >> PCI_SPACE_SHIFT) & PCI_SPACE_MASK;
		struct cfg_pci_win w = {flags, dt_cells(r + 1, 2), dt_cells(r + 3, pac),
					dt_cells(r + 3 + pac, sc), 0};

		if (!w.size || range_wraps(w.cpu, w.size) || range_wraps(w.bus, w.size))
			continue;
		/* The first of each kind; I/O space is for nobody. */
		if (space == PCI_SPACE_MEM32 && !h->has_win32) {
			h->win32 = w;
			h->has_win32 = true;
		} else if (space == PCI_SPACE_MEM64 && !h->has_win64) {
			h->win64 = w;
			h->has_win64 = true;
		}
	}
	if (!h->has_win32 && !h->has_win64)
		return "no memory window in 'ranges'";
	return NULL;
}

/* The first pci-host-ecam-generic host bridge. What makes it unusable is
 * kept (m->pci_unusable) and reported only to cells that name functions. */
void pci_board_parse(struct model *m)
{
	const struct dtb *d = &m->board_dtb;
	struct cfg_pci_host *h = &m->pci;
	int node = fdt_node_offset_by_compatible(d->fdt, -1, "pci-host-ecam-generic");
	const uint32_t *br;
	uint32_t ac;
	int len;

	memset(h, 0, sizeof(*h));
	h->node = node;
	m->pci_unusable = NULL;
	if (node < 0)
		return;
	h->bus_end = 0xff;
	br = fdt_getprop(d->fdt, node, "bus-range", &len);
	if (br && len == 8) {
		h->bus_start = fdt32_to_cpu(br[0]);
		h->bus_end = fdt32_to_cpu(br[1]);
	}
	if (dt_reg(d, node, 0, &h->ecam, &h->ecam_size))
		m->pci_unusable = "no 'reg' giving its configuration space (ECAM)";
	else if ((br && len != 8) || h->bus_start > h->bus_end || h->bus_end > 0xff)
		m->pci_unusable = "'bus-range' must be <first last>, 0 <= first <= last <= 255";
	else if (h->ecam_size < ECAM_BUS_SIZE || h->ecam % SZ_4K)
		m->pci_unusable = "its ECAM does not hold its root bus's 1 MiB in whole pages";
	else if (!dt_u32(d, node, "#address-cells", &ac) || ac != 3)
		m->pci_unusable = "'#address-cells' is not <3> (PCI addresses)";
	else
		m->pci_unusable = parse_windows(d, node, h);
	if (m->pci_unusable)
		return;
	/* Bulkhead maps the root bus's configuration space only. */
	m->board.pci_ecam.base = h->ecam;
	m->board.pci_ecam.size = ECAM_BUS_SIZE;
	m->board.pci_root_bus = h->bus_start;
}

/* ---- one function: INTx line and stream ID ------------------------------ */

static const char *bridge_path(const struct model *m)
{
	return node_path(&m->board_dtb, m->pci.node);
}

/* The GIC SPI the host bridge's interrupt-map routes @fn's pin to; 0 and
 * a message if there is none. */
static uint32_t intx_line(struct model *m, struct cfg_cell *c, const struct cfg_pci_fn *fn)
{
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;
	uint32_t key[PCI_INT_CELLS] = {(uint32_t)fn->bdf << 8, 0, 0, fn->pin};
	uint32_t mask[PCI_INT_CELLS] = {~0U, ~0U, ~0U, ~0U};
	int len, mlen;
	const uint32_t *map = fdt_getprop(b->fdt, m->pci.node, "interrupt-map", &len);
	const uint32_t *mp = fdt_getprop(b->fdt, m->pci.node, "interrupt-map-mask", &mlen);
	int n = map ? len / 4 : 0;

	if (mp && mlen == 4 * PCI_INT_CELLS)
		for (int i = 0; i < PCI_INT_CELLS; i++)
			mask[i] = fdt32_to_cpu(mp[i]);
	for (int i = 0; i < PCI_INT_CELLS; i++)
		key[i] &= mask[i];
	for (int i = 0; i + PCI_INT_CELLS + 1 <= n;) {
		const uint32_t *e = map + i;
		int parent = fdt_node_offset_by_phandle(b->fdt, fdt32_to_cpu(e[PCI_INT_CELLS]));
		uint32_t pac = 0, pic = 0;
		bool match = true;

		if (parent < 0 || !dt_u32(b, parent, "#interrupt-cells", &pic) || pic > 4)
			break; /* malformed: cannot step over it */
		dt_u32(b, parent, "#address-cells", &pac);
		if (pac > 4 || i + PCI_INT_CELLS + 1 + (int)(pac + pic) > n)
			break;
		for (int k = 0; k < PCI_INT_CELLS; k++)
			match &= (fdt32_to_cpu(e[k]) & mask[k]) == key[k];
		if (match) {
			const uint32_t *spec = e + PCI_INT_CELLS + 1 + pac;

			if (parent != m->board_gic_node || pic != 3 ||
			    fdt32_to_cpu(spec[0]) != GIC_SPI ||
			    fdt32_to_cpu(spec[1]) + 32 > SPI_LAST) {
				cell_error(c, d, c->node,
					   "PCI function %s: its INT%c goes to %s, which is not an "
					   "SPI of the GIC",
					   bdf_str(fn->bdf), 'A' + fn->pin - 1,
					   node_path(b, parent));
				return 0;
			}
			return fdt32_to_cpu(spec[1]) + 32;
		}
		i += PCI_INT_CELLS + 1 + (int)(pac + pic);
	}
	cell_error(
		c, d, c->node,
		"PCI function %s: the host bridge's interrupt-map (%s) has no line for its INT%c",
		bdf_str(fn->bdf), bridge_path(m), 'A' + fn->pin - 1);
	return 0;
}

/* Its stream ID through the host bridge's iommu-map; false and a message
 * if the map does not cover it or leads elsewhere than the SMMU. */
static bool stream_id(struct model *m, struct cfg_cell *c, struct cfg_pci_fn *fn)
{
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;
	int len;
	const uint32_t *map = fdt_getprop(b->fdt, m->pci.node, "iommu-map", &len);
	uint32_t rid = fn->bdf, mask;

	if (dt_u32(b, m->pci.node, "iommu-map-mask", &mask))
		rid &= mask;
	for (int i = 0; map && i + 4 <= len / 4; i += 4) {
		uint32_t base = fdt32_to_cpu(map[i]), count = fdt32_to_cpu(map[i + 3]);
		int iommu = fdt_node_offset_by_phandle(b->fdt, fdt32_to_cpu(map[i + 1]));

		if (rid < base || rid - base >= count)
			continue;
		if (iommu < 0 || iommu != m->board_smmu_node) {
			cell_error(c, d, c->node,
				   "PCI function %s: the host bridge's iommu-map (%s) gives its "
				   "requester ID %#x to %s, not to the SMMU Bulkhead drives",
				   bdf_str(fn->bdf), bridge_path(m), rid,
				   iommu < 0 ? "a phandle not on the board" : node_path(b, iommu));
			return false;
		}
		fn->sid = fdt32_to_cpu(map[i + 2]) + (rid - base);
		fn->has_sid = true;
		return true;
	}
	cell_error(c, d, c->node,
		   "PCI function %s: no entry of the host bridge's iommu-map (%s) covers its "
		   "requester ID %#x, so no SMMU stream confines its DMA",
		   bdf_str(fn->bdf), bridge_path(m), rid);
	return false;
}

/* ---- windows -------------------------------------------------------------- */

/* BARs are aligned to their size: a slice aligned like the largest power
 * of two it holds takes the largest BAR it can; no more aligned than the
 * window itself, or a large slice would waste what comes before it. */
static uint64_t align_for(uint64_t size, uint64_t window)
{
	uint64_t a = SZ_4K;

	while (a <= size / 2 && (!window || a < (window & -window)))
		a *= 2;
	return a;
}

static void give_window(struct model *m, struct cfg_cell *c, struct cfg_pci_win *w, uint64_t size,
			const char *key, const char *what)
{
	const struct dtb *d = &m->config_dtb;
	uint64_t align = align_for(size, w->bus), bus, off;

	if (!size)
		return;
	if (size % SZ_4K || range_wraps(w->bus + w->used, align)) {
		cell_error(c, d, c->node, "'%s' %#llx is not a multiple of 4 KiB", key, ULL(size));
		return;
	}
	bus = (w->bus + w->used + align - 1) & ~(align - 1);
	off = bus - w->bus;
	if (off > w->size || size > w->size - off) {
		cell_error(c, d, c->node,
			   "'%s' %#llx does not fit in what is left of the host bridge's %s memory "
			   "window (%#llx..%#llx, %#llx bytes given to cells before)",
			   key, ULL(size), what, ULL(w->cpu), ULL(last(w->cpu, w->size)),
			   ULL(w->used));
		return;
	}
	if ((w->cpu + off) % SZ_4K || !range_within(w->cpu + off, size, 0, ipa_limit(m))) {
		cell_error(c, d, c->node,
			   "'%s': the slice at %#llx is beyond the board's %u-bit IPA space "
			   "(cpu-pa-bits) or not in whole 4 KiB pages",
			   key, ULL(w->cpu + off), m->board.pa_bits);
		return;
	}
	w->used = off + size;
	c->pci_window_flags[c->npci_windows] = w->flags;
	c->pci_windows[c->npci_windows++] = (struct bh_pci_window){w->cpu + off, bus, size};
}

/* ---- the cells -------------------------------------------------------------- */

static void check_cell_pci(struct model *m, struct cfg_cell *c, uint32_t cj)
{
	const struct dtb *d = &m->config_dtb;
	struct cfg_pci_host *h = &m->pci;
	uint64_t size32 = c->has_pci_win32 ? c->pci_win32_size : PCI_WINDOW_DEFAULT;
	uint64_t size64 = c->has_pci_win64 ? c->pci_win64_size : PCI_WINDOW64_DEFAULT;

	if (!c->npci) {
		if (c->has_pci_win32 || c->has_pci_win64 || c->has_pci_ecam_ipa)
			cell_error(c, d, c->node,
				   "'pci-window-size', 'pci-window64-size' and 'pci-ecam-ipa' are "
				   "for a cell with 'pci-functions'");
		return;
	}
	if (h->node < 0 || m->pci_unusable) {
		if (h->node < 0)
			cell_error(c, d, c->node,
				   "'pci-functions' given, but board %s has no PCI host bridge "
				   "(compatible \"pci-host-ecam-generic\")",
				   m->board.name);
		else
			cell_error(c, d, c->node,
				   "'pci-functions' given, but the board's PCI host bridge %s "
				   "cannot be used: %s",
				   bridge_path(m), m->pci_unusable);
		for (uint32_t i = 0; i < c->npci; i++)
			c->pci[i].ok = false;
		return;
	}
	if (!c->has_pci_ecam_ipa)
		c->pci_ecam_ipa = m->board.pci_ecam.base;
	else if (c->pci_ecam_ipa % SZ_4K ||
		 !range_within(c->pci_ecam_ipa, VECAM_SIZE, 0, ipa_limit(m)))
		cell_error(c, d, c->node,
			   "pci-ecam-ipa %#llx is not 4 KiB aligned or its 1 MiB is beyond the "
			   "board's %u-bit IPA space (cpu-pa-bits)",
			   ULL(c->pci_ecam_ipa), m->board.pa_bits);

	for (uint32_t i = 0; i < c->npci; i++) {
		struct cfg_pci_fn *fn = &c->pci[i];
		bool slot0 = (fn->bdf & 7) == 0;

		if (!fn->ok)
			continue;
		if (fn->bdf >> 8 != h->bus_start) {
			cell_error(c, d, c->node,
				   "PCI function %s is not on the host bridge's root bus (%02x): "
				   "functions behind bridges are not supported",
				   bdf_str(fn->bdf), h->bus_start);
			fn->ok = false;
			continue;
		}
		for (uint32_t ci = 0; ci < cj && fn->ok; ci++)
			for (uint32_t k = 0; k < m->cell[ci].npci; k++)
				if (m->cell[ci].pci[k].bdf == fn->bdf) {
					cell_error(c, d, c->node,
						   "PCI function %s is already given to cell %s",
						   bdf_str(fn->bdf), m->cell[ci].name);
					fn->ok = false;
					break;
				}
		if (!fn->ok)
			continue;
		/* Inside a device requests may go from function to function
		 * without reaching the SMMU, unless it has ACS (not checked). */
		for (uint32_t ci = 0; ci < cj; ci++)
			for (uint32_t k = 0; k < m->cell[ci].npci; k++)
				if ((m->cell[ci].pci[k].bdf & ~7U) == (fn->bdf & ~7U))
					cfg_warn(d, c->node,
						 "PCI function %s and %s of cell %s are functions "
						 "of one device, which may pass requests between "
						 "them without the SMMU (ACS is not checked)",
						 bdf_str(fn->bdf), bdf_str(m->cell[ci].pci[k].bdf),
						 m->cell[ci].name);
		fn->intid = intx_line(m, c, fn);
		fn->ok = fn->intid != 0;
		if (fdt_getprop(m->board_dtb.fdt, h->node, "iommu-map", NULL)) {
			fn->ok &= stream_id(m, c, fn);
		} else if (!c->dma_unprotected) {
			cell_error(c, d, c->node,
				   "PCI function %s can do DMA and no SMMU stands in front of the "
				   "host bridge (%s), so it can read and write all memory, other "
				   "cells' and the hypervisor's included; mark the cell "
				   "'dma-unprotected;' to accept that",
				   bdf_str(fn->bdf), bridge_path(m));
			fn->ok = false;
		} else {
			cfg_warn(d, c->node,
				 "PCI function %s can do DMA and no SMMU stands in front of the "
				 "host bridge (%s): the cell can read and write all memory through "
				 "it, other cells' and the hypervisor's included (dma-unprotected)",
				 bdf_str(fn->bdf), bridge_path(m));
			c->pci_unprotected = true;
		}
		/* Linux looks at a slot's other functions only if function 0 is there. */
		for (uint32_t k = 0; k < c->npci && !slot0; k++)
			slot0 = c->pci[k].bdf == (fn->bdf & ~7U);
		if (!slot0)
			cfg_warn(d, c->node,
				 "PCI function %s: the cell does not own function 0 of its device "
				 "(%s), without which Linux does not look for the others",
				 bdf_str(fn->bdf), bdf_str((uint16_t)(fn->bdf & ~7U)));
	}
	if (c->has_pci_win32 && !h->has_win32 && size32)
		cell_error(c, d, c->node,
			   "'pci-window-size' given, but the host bridge %s has no "
			   "32-bit memory window",
			   bridge_path(m));
	else if (h->has_win32)
		give_window(m, c, &h->win32, size32, "pci-window-size", "32-bit");
	if (c->has_pci_win64 && !h->has_win64 && size64)
		cell_error(c, d, c->node,
			   "'pci-window64-size' given, but the host bridge %s has no "
			   "64-bit memory window",
			   bridge_path(m));
	else if (h->has_win64)
		give_window(m, c, &h->win64, size64, "pci-window64-size", "64-bit");
	if (!c->npci_windows && !c->errors)
		cell_error(c, d, c->node,
			   "the cell's PCI functions get no memory window for their "
			   "BARs: give 'pci-window-size' or 'pci-window64-size'");
}

void check_pci(struct model *m)
{
	for (uint32_t i = 0; i < m->ncells; i++)
		check_cell_pci(m, &m->cell[i], i);
}

/* After 'smmu-streams' are checked: each function's stream ID is the
 * cell's alone and fits the SMMU; then it joins the cell's streams. */
void check_pci_streams(struct model *m)
{
	const struct dtb *d = &m->config_dtb;

	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		for (uint32_t i = 0; i < c->npci; i++) {
			struct cfg_pci_fn *fn = &c->pci[i];
			bool mine = false, taken = false;

			if (!fn->ok || !fn->has_sid)
				continue;
			if (m->smmu_sid_bits < 32 && fn->sid >> m->smmu_sid_bits) {
				cell_error(c, d, c->node,
					   "PCI function %s: its stream ID %u (%#x, from the "
					   "iommu-map "
					   "of %s) is wider than the SMMU's %u-bit stream IDs "
					   "(smmu-stream-id-bits)",
					   bdf_str(fn->bdf), fn->sid, fn->sid, bridge_path(m),
					   m->smmu_sid_bits);
				fn->ok = false;
				continue;
			}
			/* Other cells' streams: theirs (smmu-streams, devices'
			 * iommus), and the functions of the cells before this one
			 * (those after join theirs later, and are checked then). */
			for (uint32_t ci = 0; ci < m->ncells && !taken; ci++) {
				const struct cfg_cell *o = &m->cell[ci];

				for (uint32_t k = 0; ci != cj && k < o->nstreams && !taken; k++)
					if (o->streams[k] == fn->sid) {
						cell_error(c, d, c->node,
							   "PCI function %s: its stream ID %u is "
							   "already given to cell %s",
							   bdf_str(fn->bdf), fn->sid, o->name);
						taken = true;
					}
			}
			fn->ok = !taken;
			/* Named in smmu-streams too, or shared with another of its
			 * functions (a requester ID map may alias): once is enough. */
			for (uint32_t k = 0; k < c->nstreams; k++)
				mine |= c->streams[k] == fn->sid;
			if (taken || mine)
				continue;
			if (c->nstreams >= CFG_MAX_STREAMS) {
				cell_error(c, d, c->node, "more than %d stream IDs in one cell",
					   CFG_MAX_STREAMS);
				return;
			}
			c->streams[c->nstreams++] = fn->sid;
		}
	}
}
