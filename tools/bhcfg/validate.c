// SPDX-License-Identifier: Apache-2.0
/*
 * Checks of the parsed system against the board and between cells: anything
 * that would let one cell reach another's memory, devices, interrupts or
 * CPUs, or keep a cell from booting, is reported here. Checks skip entries
 * that already failed to parse so one mistake yields one message.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

#define ULL(x)	      ((unsigned long long)(x))
#define PAGE_DOWN(x)  ((x) & ~(SZ_4K - 1))
#define PAGE_UP(x)    (((x) + SZ_4K - 1) & ~(SZ_4K - 1))
#define GIC_SPI_TYPE  0
#define GIC_PPI_TYPE  1
#define GIC_IRQ_CELLS 3

static const char *bpath(const struct model *m, int bnode)
{
	return node_path(&m->board_dtb, bnode);
}

/* The board's SMMU is an SMMUv1/v2 (MMU-500...): Bulkhead has no driver
 * for it, so nothing behind it is confined (board.c, parse_smmu()). */
static bool smmuv2_only(const struct model *m)
{
	return m->board_smmuv2_node >= 0 && m->board_smmu_node < 0;
}

/* Its first compatible string, for messages ("arm,mmu-500"). */
static const char *smmuv2_compat(const struct model *m)
{
	const char *c = fdt_getprop(m->board_dtb.fdt, m->board_smmuv2_node, "compatible", NULL);

	return c ? msg_str(c) : "SMMUv2";
}

/* ---- passthrough devices -------------------------------------------- */

static int lookup_dev(struct model *m, struct cfg_cell *c, struct cfg_dev *dev)
{
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;
	const char *alias;
	int off;

	if (dev->spec[0] == '/') {
		off = fdt_path_offset(b->fdt, dev->spec);
		if (off < 0)
			cell_error(c, d, dev->node, "device '%s': no such node on board %s",
				   msg_str(dev->spec), m->board.name);
		return off;
	}
	alias = fdt_get_alias(b->fdt, dev->spec);
	if (!alias) {
		cell_error(c, d, dev->node, "device '%s': no such alias on board %s",
			   msg_str(dev->spec), m->board.name);
		return -1;
	}
	off = fdt_path_offset(b->fdt, alias);
	if (off < 0)
		cell_error(c, d, dev->node,
			   "device '%s': its alias names %s, which is not on the board",
			   msg_str(dev->spec), msg_str(alias));
	return off;
}

static void check_hyp_mmio(struct model *m, struct cfg_cell *c, struct cfg_dev *dev,
			   const struct cfg_win *w)
{
	const struct bh_board *bd = &m->board;
	const struct {
		const char *name;
		const struct bh_range *r;
	} hyp[] = {
		{"GIC distributor", &bd->gic.dist},
		{"GIC redistributors", &bd->gic.redist},
		{"GIC CPU interface", &bd->gic.cpu},
		{"GIC virtual interface control", &bd->gic.hyp},
		{"GIC virtual CPU interface", &bd->gic.vcpu},
		{"SMMU", &bd->smmu},
		{"console UART", &bd->console},
		{"PCI configuration space", &bd->pci_ecam},
		{"power controller", &bd->power},
	};
	uint64_t pbase = PAGE_DOWN(w->pa), psize = PAGE_UP(w->pa + w->size) - pbase;

	for (unsigned int i = 0; i < bd->nram; i++)
		if (ranges_overlap(w->pa, w->size, bd->ram[i].base, bd->ram[i].size)) {
			cell_error(c, &m->config_dtb, dev->node,
				   "device '%s' (%s): registers %#llx..%#llx are in the board's "
				   "RAM",
				   msg_str(dev->spec), bpath(m, dev->bnode), ULL(w->pa),
				   ULL(last(w->pa, w->size)));
			dev->ok = false;
		}
	for (size_t i = 0; i < sizeof(hyp) / sizeof(hyp[0]); i++) {
		const struct bh_range *r = hyp[i].r;
		uint64_t hbase = PAGE_DOWN(r->base);

		if (!r->size || range_wraps(r->base, r->size + SZ_4K))
			continue;
		if (ranges_overlap(pbase, psize, hbase, PAGE_UP(r->base + r->size) - hbase)) {
			cell_error(c, &m->config_dtb, dev->node,
				   "device '%s' (%s): registers %#llx..%#llx share a 4 KiB page "
				   "with the hypervisor's %s",
				   msg_str(dev->spec), bpath(m, dev->bnode), ULL(w->pa),
				   ULL(last(w->pa, w->size)), hyp[i].name);
			dev->ok = false;
		}
	}
}

/* First pass: find the board node and its register windows. */
static void resolve_dev(struct model *m, struct cfg_cell *c, struct cfg_dev *dev)
{
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;
	const char *owner = NULL;
	uint64_t delta = 0;
	int n;

	dev->bnode = lookup_dev(m, c, dev);
	if (dev->bnode < 0) {
		dev->ok = false;
		return;
	}
	for (struct cfg_dev *o = c->dev; o < dev; o++)
		if (o->bnode == dev->bnode) {
			cell_error(c, d, dev->node, "device '%s' (%s) is given to this cell twice",
				   msg_str(dev->spec), bpath(m, dev->bnode));
			dev->ok = false;
			return;
		}
	if (dt_is_within(b, dev->bnode, m->board_gic_node))
		owner = "interrupt controller";
	else if (dt_is_within(b, dev->bnode, m->board_smmu_node))
		owner = "SMMU";
	else if (dt_is_within(b, dev->bnode, m->board_console_node))
		owner = "console UART";
	else if (dt_is_within(b, dev->bnode, m->board_power_node))
		owner = "power controller";
	if (owner) {
		cell_error(c, d, dev->node, "device '%s' (%s) is owned by the hypervisor (its %s)",
			   msg_str(dev->spec), bpath(m, dev->bnode), owner);
		dev->ok = false;
		return;
	}
	/* Bulkhead does not drive an SMMUv2, but whoever programs it decides
	 * where every master's DMA goes: no cell may. */
	if (dt_is_within(b, dev->bnode, m->board_smmuv2_node)) {
		cell_error(c, d, dev->node,
			   "device '%s' (%s) is the board's SMMU, an SMMUv2 (%s): Bulkhead has no "
			   "driver for it, and a cell that programs it decides where every "
			   "master's DMA goes, other cells' included",
			   msg_str(dev->spec), bpath(m, dev->bnode), smmuv2_compat(m));
		dev->ok = false;
		return;
	}
	dev->claimable = true;
	if (fdt_getprop(b->fdt, dev->bnode, "ranges", NULL)) {
		cell_error(c, d, dev->node,
			   "device '%s' (%s) is a bus ('ranges'): give the devices on it instead",
			   msg_str(dev->spec), bpath(m, dev->bnode));
		dev->ok = false;
		return;
	}
	n = dt_reg_count(b, dev->bnode);
	if (n > CFG_MAX_WIN) {
		cell_error(c, d, dev->node, "device '%s' (%s) has more than %d register windows",
			   msg_str(dev->spec), bpath(m, dev->bnode), CFG_MAX_WIN);
		dev->ok = false;
		return;
	}
	for (int i = 0; i < n; i++) {
		struct cfg_win *w = &dev->win[dev->nwin];

		if (dt_reg_translated(b, dev->bnode, i, &w->pa, &w->size)) {
			cell_error(c, d, dev->node,
				   "device '%s' (%s): register window %d is not memory-mapped",
				   msg_str(dev->spec), bpath(m, dev->bnode), i);
			dev->ok = false;
			continue;
		}
		if (!w->size)
			continue;
		if (!range_within(w->pa, w->size, 0, ipa_limit(m))) {
			cell_error(
				c, d, dev->node,
				"device '%s' (%s): register window %d is beyond the board's %u-bit "
				"physical address space (cpu-pa-bits)",
				msg_str(dev->spec), bpath(m, dev->bnode), i, m->board.pa_bits);
			dev->ok = false;
			continue;
		}
		check_hyp_mmio(m, c, dev, w);
		dev->nwin++;
	}
	if (!dev->nwin) {
		if (dev->ok)
			cell_error(c, d, dev->node,
				   "device '%s' (%s) has no registers ('reg') to map",
				   msg_str(dev->spec), bpath(m, dev->bnode));
		dev->ok = false;
		return;
	}
	if (dev->has_ipa) {
		if ((dev->ipa ^ dev->win[0].pa) & (SZ_4K - 1)) {
			cell_error(
				c, d, dev->node,
				"device '%s': ipa %#llx must have the same offset in a 4 KiB page "
				"as its registers (%#llx)",
				msg_str(dev->spec), ULL(dev->ipa), ULL(dev->win[0].pa));
			dev->ok = false;
			return;
		}
		delta = dev->ipa - dev->win[0].pa; /* modulo 2^64, undone below */
	}
	for (uint32_t i = 0; i < dev->nwin; i++) {
		struct cfg_win *w = &dev->win[i];

		w->ipa = w->pa + delta;
		if (w->ipa >= ipa_limit(m) || w->ipa + w->size < w->ipa ||
		    PAGE_UP(w->ipa + w->size) > ipa_limit(m)) {
			cell_error(c, d, dev->node,
				   "device '%s': IPA %#llx is beyond the board's %u-bit IPA space "
				   "(cpu-pa-bits)",
				   msg_str(dev->spec), ULL(w->ipa), m->board.pa_bits);
			dev->ok = false;
		}
	}
}

static void add_irq(struct model *m, struct cfg_cell *c, struct cfg_dev *dev, uint32_t type,
		    uint32_t num)
{
	const struct dtb *d = &m->config_dtb;
	uint64_t intid = (uint64_t)num + 32;

	if (type == GIC_PPI_TYPE) {
		cell_error(c, d, dev->node,
			   "device '%s' (%s) has a per-CPU interrupt (PPI %llu), which cannot be "
			   "passed through",
			   msg_str(dev->spec), bpath(m, dev->bnode), ULL((uint64_t)num + 16));
		dev->ok = false;
		return;
	}
	if (type != GIC_SPI_TYPE) {
		cell_error(c, d, dev->node,
			   "device '%s' (%s): GIC interrupt type %u is not supported",
			   msg_str(dev->spec), bpath(m, dev->bnode), type);
		dev->ok = false;
		return;
	}
	if (intid > SPI_LAST) {
		cell_error(c, d, dev->node,
			   "interrupt %llu of device '%s' (%s) is outside the SPI range %u..%u",
			   ULL(intid), msg_str(dev->spec), bpath(m, dev->bnode), SPI_FIRST,
			   SPI_LAST);
		dev->ok = false;
		return;
	}
	for (uint32_t i = 0; i < dev->nirq; i++)
		if (dev->irq[i] == intid)
			return;
	if (dev->nirq >= CFG_MAX_IRQS) {
		cell_error(c, d, dev->node, "device '%s' has more than %d interrupts",
			   msg_str(dev->spec), CFG_MAX_IRQS);
		dev->ok = false;
		return;
	}
	dev->irq[dev->nirq++] = (uint16_t)intid;
}

struct refcheck {
	struct model *m;
	struct cfg_cell *c;
	struct cfg_dev *dev;
};

static void refcheck_fn(void *arg, int node, const char *prop, int pos, int target,
			enum ref_kind kind, const uint32_t *spec, int nspec)
{
	struct refcheck *rc = arg;
	struct model *m = rc->m;

	(void)pos;
	if (kind == REF_NONE) {
		cell_error(rc->c, &m->config_dtb, rc->dev->node,
			   "device '%s' (%s): '%s' in %s refers to %s, which is not given to the "
			   "cell",
			   msg_str(rc->dev->spec), bpath(m, rc->dev->bnode), prop, bpath(m, node),
			   bpath(m, target));
		rc->dev->ok = false;
	} else if (kind == REF_GIC && !strcmp(prop, "interrupts-extended")) {
		if (nspec != GIC_IRQ_CELLS) {
			cell_error(rc->c, &m->config_dtb, rc->dev->node,
				   "device '%s' (%s): 'interrupts-extended' in %s is malformed",
				   msg_str(rc->dev->spec), bpath(m, rc->dev->bnode),
				   bpath(m, node));
			rc->dev->ok = false;
			return;
		}
		add_irq(m, rc->c, rc->dev, fdt32_to_cpu(spec[0]), fdt32_to_cpu(spec[1]));
	}
}

static int irq_parent(const struct dtb *b, int node)
{
	for (int depth = 0; node >= 0 && depth < 64; depth++) {
		uint32_t ph;

		if (dt_u32(b, node, "interrupt-parent", &ph))
			return fdt_node_offset_by_phandle(b->fdt, ph);
		if (node == 0)
			break;
		node = fdt_parent_offset(b->fdt, node);
	}
	return -1;
}

static void check_dev_node(struct model *m, struct cfg_cell *c, struct cfg_dev *dev, int node)
{
	static const char *const unsupported[] = {"interrupt-map", "msi-map", "iommu-map",
						  "msi-parent"};
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;
	struct refcheck rc = {m, c, dev};
	const uint32_t *p;
	int len;

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (fdt_getprop(b->fdt, node, unsupported[i], NULL)) {
			cell_error(c, d, dev->node,
				   "device '%s' (%s): '%s' in %s is not supported for passthrough",
				   msg_str(dev->spec), bpath(m, dev->bnode), unsupported[i],
				   bpath(m, node));
			dev->ok = false;
		}
	dev_refs(m, c, dev, node, refcheck_fn, &rc);

	/* 'interrupts-extended' wins over 'interrupts' (and was handled above). */
	p = fdt_getprop(b->fdt, node, "interrupts", &len);
	if (!p || fdt_getprop(b->fdt, node, "interrupts-extended", NULL))
		return;
	if (irq_parent(b, node) != m->board_gic_node) {
		cell_error(c, d, dev->node,
			   "device '%s' (%s): interrupts of %s do not go to the GIC",
			   msg_str(dev->spec), bpath(m, dev->bnode), bpath(m, node));
		dev->ok = false;
		return;
	}
	if (len % (4 * GIC_IRQ_CELLS)) {
		cell_error(c, d, dev->node, "device '%s' (%s): 'interrupts' in %s is malformed",
			   msg_str(dev->spec), bpath(m, dev->bnode), bpath(m, node));
		dev->ok = false;
		return;
	}
	for (int i = 0; i < len / 4; i += GIC_IRQ_CELLS)
		add_irq(m, c, dev, fdt32_to_cpu(p[i]), fdt32_to_cpu(p[i + 1]));
}

/* Second pass, once all of the cell's devices are known: what the device
 * tree copy needs (references, interrupts) must be available to the cell. */
static void check_dev_tree(struct model *m, struct cfg_cell *c, struct cfg_dev *dev)
{
	const struct dtb *b = &m->board_dtb;
	int depth = 0, node = dev->bnode;

	do {
		check_dev_node(m, c, dev, node);
		node = fdt_next_node(b->fdt, node, &depth);
	} while (node >= 0 && depth > 0);
}

static bool contains_nocase(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++) {
		size_t i = 0;

		while (i < n && s[i] && (s[i] | 0x20) == word[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* A UART by what the board says of it: a serial device_type, a compatible
 * naming a UART (PL011, SBSA, 8250/16550, ...) or a serialN alias. */
static bool is_uart(const struct dtb *b, int node)
{
	static const char *const hints[] = {"uart", "serial", "pl011", "16550",
					    "8250", "usart",  "scif"};
	const char *type = fdt_getprop(b->fdt, node, "device_type", NULL);
	int len, aliases, prop;
	const char *p = fdt_getprop(b->fdt, node, "compatible", &len);

	if (type && !strcmp(type, "serial"))
		return true;
	for (const char *end = p ? p + len : NULL; p && p < end;
	     p += strnlen(p, (size_t)(end - p)) + 1)
		for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
			if (contains_nocase(p, hints[i]))
				return true;
	aliases = fdt_path_offset(b->fdt, "/aliases");
	fdt_for_each_property_offset (prop, b->fdt, aliases) {
		const char *name = NULL;
		const char *path = fdt_getprop_by_offset(b->fdt, prop, &name, &len);

		if (name && !strncmp(name, "serial", 6) && path && len > 0 && !path[len - 1] &&
		    fdt_path_offset(b->fdt, path) == node)
			return true;
	}
	return false;
}

static const char *first_compatible(const struct dtb *b, int node)
{
	int len;
	const char *p = fdt_getprop(b->fdt, node, "compatible", &len);

	return p && len > 0 && !p[len - 1] ? p : NULL;
}

static void resolve_console(struct model *m, struct cfg_cell *c)
{
	struct cfg_dev probe, *dev;
	const char *compat;

	if (c->console != BH_CONSOLE_PASSTHROUGH || !c->console_spec)
		return;
	memset(&probe, 0, sizeof(probe));
	probe.node = c->console_node;
	probe.spec = c->console_spec;
	probe.bnode = lookup_dev(m, c, &probe);
	if (probe.bnode < 0)
		return;
	if (!is_uart(&m->board_dtb, probe.bnode)) {
		compat = first_compatible(&m->board_dtb, probe.bnode);
		cell_error(c, &m->config_dtb, c->console_node,
			   "console device '%s' (%s) is not a UART (%s%s%s)", msg_str(probe.spec),
			   bpath(m, probe.bnode), compat ? "compatible \"" : "no 'compatible'",
			   compat ? msg_str(compat) : "", compat ? "\"" : "");
		return;
	}
	/* Given with 'devices' or a device node already: use that mapping. */
	for (uint32_t i = 0; i < c->ndev; i++)
		if (c->dev[i].bnode == probe.bnode) {
			c->console_dev = (int)i;
			c->console_ok = c->dev[i].ok;
			return;
		}
	if (c->ndev >= CFG_MAX_DEVS) {
		cell_error(c, &m->config_dtb, c->console_node, "more than %d devices in one cell",
			   CFG_MAX_DEVS);
		return;
	}
	dev = &c->dev[c->ndev];
	*dev = probe;
	dev->ok = true;
	resolve_dev(m, c, dev);
	c->console_dev = (int)c->ndev++;
	c->console_ok = dev->ok;
}

static void check_devices(struct model *m)
{
	const struct dtb *d = &m->config_dtb;

	for (uint32_t ci = 0; ci < m->ncells; ci++) {
		struct cfg_cell *c = &m->cell[ci];

		for (uint32_t i = 0; i < c->ndev; i++)
			if (c->dev[i].ok)
				resolve_dev(m, c, &c->dev[i]);
		resolve_console(m, c);
		for (uint32_t i = 0; i < c->ndev; i++)
			if (c->dev[i].ok)
				check_dev_tree(m, c, &c->dev[i]);
		if (c->console == BH_CONSOLE_PASSTHROUGH && c->console_dev >= 0)
			c->console_ok = c->dev[c->console_dev].ok;
	}

	/* Between cells: a device (or a page of its registers) has one owner. */
	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		for (uint32_t j = 0; j < c->ndev; j++) {
			struct cfg_dev *y = &c->dev[j];

			for (uint32_t ci = 0; ci < cj && y->ok; ci++) {
				struct cfg_cell *o = &m->cell[ci];

				for (uint32_t i = 0; i < o->ndev && y->ok; i++) {
					const struct cfg_dev *x = &o->dev[i];

					if (!x->ok)
						continue;
					if (x->bnode == y->bnode) {
						if (x->shared && y->shared)
							continue;
						cell_error(c, d, y->node,
							   "device '%s' (%s) is already given to "
							   "cell %s; both cells must mark it "
							   "'shared' to share it",
							   msg_str(y->spec), bpath(m, y->bnode),
							   o->name);
						y->ok = false;
						continue;
					}
					for (uint32_t a = 0; a < x->nwin && y->ok; a++)
						for (uint32_t bw = 0; bw < y->nwin && y->ok; bw++) {
							const struct cfg_win *wx = &x->win[a];
							const struct cfg_win *wy = &y->win[bw];
							uint64_t xb = PAGE_DOWN(wx->pa);
							uint64_t yb = PAGE_DOWN(wy->pa);

							if (!ranges_overlap(
								    xb,
								    PAGE_UP(wx->pa + wx->size) - xb,
								    yb,
								    PAGE_UP(wy->pa + wy->size) -
									    yb))
								continue;
							cell_error(
								c, d, y->node,
								"device '%s' (%s) shares a 4 KiB "
								"page with %s, given to cell %s",
								msg_str(y->spec),
								bpath(m, y->bnode),
								bpath(m, x->bnode), o->name);
							y->ok = false;
						}
				}
			}
		}
	}
}

/* ---- DMA ---------------------------------------------------------------- */

/* Why board node @node can master DMA (NULL if nothing says it can). */
static const char *dma_reason(const struct dtb *b, int node)
{
	const char *type = fdt_getprop(b->fdt, node, "device_type", NULL);

	if (fdt_getprop(b->fdt, node, "dma-coherent", NULL))
		return "dma-coherent";
	if (fdt_getprop(b->fdt, node, "dma-noncoherent", NULL))
		return "dma-noncoherent";
	if (dt_compatible(b, node, "virtio,mmio"))
		return "a virtio device";
	if (fdt_getprop(b->fdt, node, "#dma-cells", NULL))
		return "a DMA controller";
	if (type && (!strcmp(type, "pci") || !strcmp(type, "pciex")))
		return "a PCI host bridge";
	if (fdt_getprop(b->fdt, node, "iommus", NULL))
		return "iommus";
	return NULL;
}

/* @node's @prop names the board's SMMUv2 (its phandle at cell @at). */
static bool names_smmuv2(const struct model *m, int node, const char *prop, int at)
{
	const struct dtb *b = &m->board_dtb;
	int len;
	const fdt32_t *p = fdt_getprop(b->fdt, node, prop, &len);

	return m->board_smmuv2_node >= 0 && p && len >= (at + 1) * 4 &&
	       fdt_node_offset_by_phandle(b->fdt, fdt32_to_cpu(p[at])) == m->board_smmuv2_node;
}

/* An SMMU stands in front of @node: it says so itself ('iommus',
 * 'iommu-map') or a bus above it maps its requesters ('iommu-map', as a PCIe
 * host does). Not an SMMUv2: with no driver, it confines nothing. */
static bool behind_smmu(const struct model *m, int node)
{
	const struct dtb *b = &m->board_dtb;

	if (fdt_getprop(b->fdt, node, "iommus", NULL))
		return !names_smmuv2(m, node, "iommus", 0);
	if (fdt_getprop(b->fdt, node, "iommu-map", NULL))
		return !names_smmuv2(m, node, "iommu-map", 1);
	for (int depth = 0; node > 0 && depth < 64; depth++) {
		node = fdt_parent_offset(b->fdt, node);
		if (node > 0 && fdt_getprop(b->fdt, node, "iommu-map", NULL))
			return !names_smmuv2(m, node, "iommu-map", 1);
	}
	return false;
}

/* A platform device's own stream IDs ('iommus' = <&smmu sid>...) join its
 * cell's streams, which Bulkhead translates through the cell's stage 2.
 * False if it names the SMMU in a way we cannot read. */
static bool add_device_streams(struct model *m, struct cfg_cell *c, int node)
{
	const struct dtb *b = &m->board_dtb;
	int len, smmu = m->board_smmu_node;
	const fdt32_t *p = fdt_getprop(b->fdt, node, "iommus", &len);
	uint32_t cells = 1;

	if (!p)
		return true;
	if (smmu < 0 || !dt_u32(b, smmu, "#iommu-cells", &cells) || cells != 1 || len % 8)
		return false;
	for (int i = 0; i < len / 8; i++) {
		uint32_t sid = fdt32_to_cpu(p[2 * i + 1]), j = 0;

		if (fdt_node_offset_by_phandle(b->fdt, fdt32_to_cpu(p[2 * i])) != smmu)
			return false;
		while (j < c->nstreams && c->streams[j] != sid)
			j++;
		if (j == c->nstreams && c->nstreams < CFG_MAX_STREAMS)
			c->streams[c->nstreams++] = sid;
	}
	return true;
}

/* A device that can DMA reaches all memory unless an SMMU stands in front of
 * it: with its stream IDs (its 'iommus'), its DMA is confined to its cell. */
static void check_dma(struct model *m)
{
	const struct dtb *b = &m->board_dtb, *d = &m->config_dtb;

	char none[256];

	/* Why nothing confines a master: no SMMU, or one Bulkhead cannot drive. */
	if (smmuv2_only(m))
		snprintf(none, sizeof(none),
			 "the board's SMMU (%s) is an SMMUv2 (%s), which Bulkhead has no "
			 "driver for",
			 bpath(m, m->board_smmuv2_node), smmuv2_compat(m));
	else
		snprintf(none, sizeof(none), "no SMMU stands in front of it");
	for (uint32_t ci = 0; ci < m->ncells; ci++) {
		struct cfg_cell *c = &m->cell[ci];
		/* smmu-streams behind an SMMUv2: check_streams() says it. */
		bool unprotected = smmuv2_only(m) && c->nstreams;

		for (uint32_t i = 0; i < c->ndev; i++) {
			const struct cfg_dev *dev = &c->dev[i];
			const char *why = NULL, *smmu = NULL;
			int depth = 0, node = dev->bnode;

			if (!dev->claimable)
				continue;
			do {
				const char *r = dma_reason(b, node);

				if (r && behind_smmu(m, node))
					smmu = r;
				else if (r && !why)
					why = r;
				node = fdt_next_node(b->fdt, node, &depth);
			} while (node >= 0 && depth > 0);
			if (why && !c->dma_unprotected)
				cell_error(c, d, dev->node,
					   "device '%s' (%s) can do DMA (%s) and %s, so it can "
					   "read and write all memory, other cells' and the "
					   "hypervisor's included; mark the cell "
					   "'dma-unprotected;' to accept that",
					   msg_str(dev->spec), bpath(m, dev->bnode), why, none);
			else if (why)
				cfg_warn(d, dev->node,
					 "device '%s' (%s) can do DMA (%s) and %s: the cell can "
					 "read and write all memory through it, other cells' "
					 "and the hypervisor's included (dma-unprotected)",
					 msg_str(dev->spec), bpath(m, dev->bnode), why, none);
			else if (!dev->ok)
				; /* refused already: its streams are not the cell's */
			else if (smmu && !fdt_getprop(b->fdt, dev->bnode, "iommus", NULL))
				cell_error(c, d, dev->node,
					   "device '%s' (%s) can do DMA (%s) behind the SMMU, but "
					   "its stream IDs are not its own to give (a bus above it "
					   "maps them: give PCIe functions with 'pci-functions')",
					   msg_str(dev->spec), bpath(m, dev->bnode), smmu);
			else if (smmu && !add_device_streams(m, c, dev->bnode))
				cell_error(c, d, dev->node,
					   "device '%s' (%s): its 'iommus' must name the board's "
					   "SMMU (%s) with one stream ID each (#iommu-cells = 1)",
					   msg_str(dev->spec), bpath(m, dev->bnode),
					   m->board_smmu_node >= 0 ? bpath(m, m->board_smmu_node)
								   : "none");
			unprotected |= why != NULL;
		}
		if (c->dma_unprotected && !unprotected && !c->pci_unprotected && !c->errors)
			cfg_warn(d, c->node,
				 "'dma-unprotected' is given, but none of the cell's devices can "
				 "DMA "
				 "without an SMMU in front of it");
	}
}

/* ---- CPUs, memory, interrupts, stream IDs ----------------------------- */

static void check_cpus(struct model *m)
{
	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		for (uint32_t j = 0; j < c->ncpus; j++)
			for (uint32_t ci = 0; ci < cj; ci++)
				for (uint32_t i = 0; i < m->cell[ci].ncpus; i++)
					if (m->cell[ci].cpus[i] == c->cpus[j]) {
						cell_error(c, &m->config_dtb, c->node,
							   "CPU %u is already given to cell %s",
							   c->cpus[j], m->cell[ci].name);
						c->cpus_ok = false;
					}
	}
}

static void ram_list(const struct bh_board *b, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < b->nram && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%#llx..%#llx", i ? ", " : "",
				 ULL(b->ram[i].base), ULL(last(b->ram[i].base, b->ram[i].size)));

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void check_memory(struct model *m)
{
	const struct bh_board *b = &m->board;
	const struct dtb *d = &m->config_dtb;
	char rams[256];

	ram_list(b, rams, sizeof(rams));
	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		for (uint32_t j = 0; j < c->nmem; j++) {
			struct cfg_mem *r = &c->mem[j];
			bool in_ram = false;

			if (!r->ok)
				continue;
			for (unsigned int i = 0; i < b->nram; i++)
				in_ram |= range_within(r->pa, r->size, b->ram[i].base,
						       b->ram[i].size);
			if (!in_ram)
				cell_error(c, d, r->node,
					   "memory %#llx..%#llx is not inside the board's RAM (%s)",
					   ULL(r->pa), ULL(last(r->pa, r->size)), rams);
			if (ranges_overlap(r->pa, r->size, b->hyp_mem.base, b->hyp_mem.size))
				cell_error(c, d, r->node,
					   "memory %#llx..%#llx overlaps the hypervisor's memory "
					   "(%#llx..%#llx)",
					   ULL(r->pa), ULL(last(r->pa, r->size)),
					   ULL(b->hyp_mem.base),
					   ULL(last(b->hyp_mem.base, b->hyp_mem.size)));
			/* Against every region before this one, in any cell. */
			for (uint32_t ci = 0; ci <= cj; ci++) {
				const struct cfg_cell *o = &m->cell[ci];

				for (uint32_t i = 0; i < (ci == cj ? j : o->nmem); i++) {
					const struct cfg_mem *q = &o->mem[i];

					if (!q->ok ||
					    !ranges_overlap(r->pa, r->size, q->pa, q->size))
						continue;
					if ((r->flags & q->flags & BH_MEM_SHARED) &&
					    (r->pa != q->pa || r->size == q->size))
						continue;
					if (r->flags & q->flags & BH_MEM_SHARED) {
						cell_error(
							c, d, r->node,
							"shared memory %#llx..%#llx starts with "
							"%s (%#llx..%#llx) of cell %s but differs "
							"in size; regions shared at one address "
							"must be the same size",
							ULL(r->pa), ULL(last(r->pa, r->size)),
							node_path(d, q->node), ULL(q->pa),
							ULL(last(q->pa, q->size)), o->name);
						continue;
					}
					cell_error(
						c, d, r->node,
						"memory %#llx..%#llx overlaps %s (%#llx..%#llx) of "
						"cell %s; only regions marked 'shared' in both may "
						"overlap",
						ULL(r->pa), ULL(last(r->pa, r->size)),
						node_path(d, q->node), ULL(q->pa),
						ULL(last(q->pa, q->size)), o->name);
				}
			}
		}
	}
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The INTx lines of a cell's PCI functions: the cell's own, like a
 * passthrough device's SPI (a line its functions share is fine). */
static void check_pci_irqs(struct model *m, struct cfg_cell *c, uint32_t cj)
{
	const struct dtb *d = &m->config_dtb;
	const struct bh_board *b = &m->board;

	for (uint32_t j = 0; j < c->npci; j++) {
		struct cfg_pci_fn *fn = &c->pci[j];
		const char *hyp = NULL;
		bool have = false;

		if (!fn->ok)
			continue;
		if (fn->intid == b->console_irq)
			hyp = "its console's";
		else if (b->smmu.size &&
			 (fn->intid == b->smmu_irq_event || fn->intid == b->smmu_irq_gerror))
			hyp = "its SMMU's";
		if (hyp) {
			cell_error(c, d, c->node,
				   "PCI function %s: its INT%c line (INTID %u) is the hypervisor's "
				   "(%s interrupt)",
				   bdf_str(fn->bdf), 'A' + fn->pin - 1, fn->intid, hyp);
			fn->ok = false;
			continue;
		}
		for (uint32_t ci = 0; ci < cj && fn->ok; ci++)
			for (uint32_t i = 0; i < m->cell[ci].nirqs; i++)
				if (m->cell[ci].irqs[i] == fn->intid) {
					cell_error(c, d, c->node,
						   "PCI function %s: its INT%c line (INTID %u) is "
						   "already claimed by cell %s; INTx lines are not "
						   "shared between cells",
						   bdf_str(fn->bdf), 'A' + fn->pin - 1, fn->intid,
						   m->cell[ci].name);
					fn->ok = false;
					break;
				}
		if (c->console == BH_CONSOLE_VUART && c->console_irq == fn->intid) {
			cell_error(c, d, c->console_node,
				   "console interrupt %u is also the INT%c line of PCI function %s",
				   c->console_irq, 'A' + fn->pin - 1, bdf_str(fn->bdf));
			c->console_ok = false;
		}
		for (uint32_t i = 0; i < c->nirqs; i++)
			have |= c->irqs[i] == fn->intid;
		if (!fn->ok || have)
			continue;
		if (c->nirqs >= CFG_MAX_IRQS) {
			cell_error(c, d, c->node, "more than %d interrupts in one cell",
				   CFG_MAX_IRQS);
			return;
		}
		c->irqs[c->nirqs++] = (uint16_t)fn->intid;
	}
}

/* The SPIs routed to each cell; virtual INTID == physical INTID. */
static void check_irqs(struct model *m)
{
	const struct dtb *d = &m->config_dtb;

	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		for (uint32_t j = 0; j < c->ndev; j++) {
			struct cfg_dev *dev = &c->dev[j];

			/* Shared devices are MMIO only: one line cannot go to two cells. */
			if (!dev->ok || dev->shared)
				continue;
			for (uint32_t k = 0; k < dev->nirq; k++) {
				uint16_t irq = dev->irq[k];
				bool have = false, taken = false;

				if (irq == m->board.console_irq) {
					cell_error(c, d, dev->node,
						   "interrupt %u of device '%s' (%s) is the "
						   "hypervisor console's",
						   irq, msg_str(dev->spec), bpath(m, dev->bnode));
					continue;
				}
				for (uint32_t ci = 0; ci < cj && !taken; ci++)
					for (uint32_t i = 0; i < m->cell[ci].nirqs && !taken; i++)
						if (m->cell[ci].irqs[i] == irq) {
							cell_error(
								c, d, dev->node,
								"interrupt %u of device '%s' (%s) "
								"is already claimed by cell %s",
								irq, msg_str(dev->spec),
								bpath(m, dev->bnode),
								m->cell[ci].name);
							taken = true;
						}
				for (uint32_t i = 0; i < c->nirqs; i++)
					have |= c->irqs[i] == irq;
				if (taken || have)
					continue;
				if (c->nirqs >= CFG_MAX_IRQS) {
					cell_error(c, d, c->node,
						   "more than %d interrupts in one cell",
						   CFG_MAX_IRQS);
					return;
				}
				c->irqs[c->nirqs++] = irq;
			}
		}
		check_pci_irqs(m, c, cj);
		qsort(c->irqs, c->nirqs, sizeof(c->irqs[0]), cmp_u16);

		if (c->console == BH_CONSOLE_VUART && c->console_ok) {
			if (c->console_irq < SPI_FIRST || c->console_irq > SPI_LAST) {
				cell_error(c, d, c->console_node,
					   "console interrupt %u is outside the SPI range %u..%u",
					   c->console_irq, SPI_FIRST, SPI_LAST);
				c->console_ok = false;
			}
			for (uint32_t j = 0; j < c->ndev && c->console_ok; j++)
				for (uint32_t k = 0; k < c->dev[j].nirq; k++)
					if (c->dev[j].ok && c->dev[j].irq[k] == c->console_irq) {
						cell_error(c, d, c->console_node,
							   "console interrupt %u is also the "
							   "interrupt of passthrough device '%s' "
							   "(%s)",
							   c->console_irq, msg_str(c->dev[j].spec),
							   bpath(m, c->dev[j].bnode));
						c->console_ok = false;
						break;
					}
		}
	}
}

static void check_streams(struct model *m)
{
	const struct dtb *d = &m->config_dtb;

	for (uint32_t cj = 0; cj < m->ncells; cj++) {
		struct cfg_cell *c = &m->cell[cj];

		if (!c->nstreams)
			continue;
		if (smmuv2_only(m)) {
			if (!c->dma_unprotected)
				cell_error(c, d, c->node,
					   "'smmu-streams' given, but the board's SMMU (%s) is an "
					   "SMMUv2 (%s), which Bulkhead has no driver for: these "
					   "masters can read and write all memory, other cells' "
					   "and the hypervisor's included; mark the cell "
					   "'dma-unprotected;' to accept that",
					   bpath(m, m->board_smmuv2_node), smmuv2_compat(m));
			else
				cfg_warn(d, c->node,
					 "'smmu-streams' given, but the board's SMMU (%s) is an "
					 "SMMUv2 (%s), which Bulkhead has no driver for: these "
					 "masters can read and write all memory, other cells' and "
					 "the hypervisor's included (dma-unprotected)",
					 bpath(m, m->board_smmuv2_node), smmuv2_compat(m));
			c->nstreams = 0; /* no SMMU to program */
			continue;
		}
		if (!m->board.smmu.size) {
			cell_error(c, d, c->node, "'smmu-streams' given, but board %s has no SMMU",
				   m->board.name);
			continue;
		}
		for (uint32_t j = 0; j < c->nstreams; j++) {
			if (m->smmu_sid_bits < 32 && c->streams[j] >> m->smmu_sid_bits)
				cell_error(
					c, d, c->node,
					"stream ID %u (%#x) is wider than the SMMU's %u-bit stream "
					"IDs (%s, smmu-stream-id-bits)",
					c->streams[j], c->streams[j], m->smmu_sid_bits,
					bpath(m, m->board_smmu_node));
			for (uint32_t ci = 0; ci < cj; ci++)
				for (uint32_t i = 0; i < m->cell[ci].nstreams; i++)
					if (m->cell[ci].streams[i] == c->streams[j])
						cell_error(
							c, d, c->node,
							"stream ID %u is already given to cell %s",
							c->streams[j], m->cell[ci].name);
		}
	}
}

/* ---- one cell's guest-physical (IPA) space ----------------------------- */

enum win_kind { W_EMU, W_MEM, W_DEV, W_PCI };

struct ipawin {
	enum win_kind kind;
	uint64_t ipa, size, pa;
	int node;
	const char *emu; /* W_EMU: what it is */
	const struct cfg_dev *dev;
};

static void win_desc(const struct model *m, const struct ipawin *w, char *buf, size_t len)
{
	if (w->kind == W_MEM)
		snprintf(buf, len, "%s", node_path(&m->config_dtb, w->node));
	else if (w->kind == W_DEV)
		snprintf(buf, len, "device '%s' (%s)", msg_str(w->dev->spec),
			 bpath(m, w->dev->bnode));
	else if (w->kind == W_PCI)
		snprintf(buf, len, "%s", w->emu);
	else
		snprintf(buf, len, "the emulated %s", w->emu);
}

static int cmp_mmio(const void *a, const void *b)
{
	const struct bh_cell_mmio *x = a, *y = b;

	return x->ipa < y->ipa ? -1 : x->ipa > y->ipa;
}

static void build_mmio(struct cfg_cell *c)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < c->ndev; i++) {
		const struct cfg_dev *dev = &c->dev[i];

		for (uint32_t k = 0; dev->ok && k < dev->nwin && n < CFG_MAX_MMIO; k++) {
			const struct cfg_win *w = &dev->win[k];
			uint64_t pa = PAGE_DOWN(w->pa);

			c->mmio[n].pa = pa;
			c->mmio[n].ipa = PAGE_DOWN(w->ipa);
			c->mmio[n].size = PAGE_UP(w->pa + w->size) - pa;
			n++;
		}
	}
	qsort(c->mmio, n, sizeof(c->mmio[0]), cmp_mmio);
	/* Devices sharing a page (with the same mapping) need one entry. */
	c->nmmio = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct bh_cell_mmio *prev = c->nmmio ? &c->mmio[c->nmmio - 1] : NULL;
		const struct bh_cell_mmio cur = c->mmio[i];

		if (prev && cur.ipa <= prev->ipa + prev->size &&
		    cur.ipa - prev->ipa == cur.pa - prev->pa) {
			if (cur.ipa + cur.size > prev->ipa + prev->size)
				prev->size = cur.ipa + cur.size - prev->ipa;
			continue;
		}
		c->mmio[c->nmmio++] = cur;
	}
}

static void check_ipa(struct model *m, struct cfg_cell *c)
{
	struct ipawin w[4 + 3 + CFG_MAX_MEM + CFG_MAX_MMIO];
	const struct bh_board_gic *g = &m->board.gic;
	const struct dtb *d = &m->config_dtb;
	uint32_t n = 0;
	char desc[CFG_PATH_MAX + 64];

	c->gicd_ipa = g->dist.base;
	w[n++] = (struct ipawin){
		W_EMU, g->dist.base, g->version == 3 ? VGICD_V3_SIZE : VGICD_V2_SIZE,
		0,     -1,	     "GIC distributor (vGICD",
		NULL};
	if (g->version == 3) {
		c->gicr_ipa = g->redist.base;
		if (c->ncpus)
			w[n++] = (struct ipawin){W_EMU,
						 g->redist.base,
						 c->ncpus * VGICR_FRAME,
						 0,
						 -1,
						 "GIC redistributors (vGICR",
						 NULL};
	} else {
		c->gicc_ipa = g->cpu.base;
		w[n++] = (struct ipawin){
			W_EMU, g->cpu.base, VGICC_SIZE, 0, -1, "GIC CPU interface (vGICC", NULL};
	}
	if (c->console == BH_CONSOLE_VUART && c->console_ok)
		w[n++] = (struct ipawin){W_EMU,		  c->console_ipa,	 VUART_SIZE, 0,
					 c->console_node, "console UART (vUART", NULL};
	if (c->npci) /* the virtual ECAM and the PCI windows (1:1) */
		w[n++] = (struct ipawin){
			W_EMU, c->pci_ecam_ipa, VECAM_SIZE, 0, -1, "PCI configuration space (vECAM",
			NULL};
	for (uint32_t i = 0; i < c->npci_windows; i++)
		w[n++] = (struct ipawin){W_PCI,
					 c->pci_windows[i].base,
					 c->pci_windows[i].size,
					 c->pci_windows[i].base,
					 -1,
					 (c->pci_window_flags[i] >> 24 & 3) == 3
						 ? "its 64-bit PCI window"
						 : "its 32-bit PCI window",
					 NULL};
	for (uint32_t i = 0; i < c->nmem; i++)
		if (c->mem[i].ok)
			w[n++] = (struct ipawin){W_MEM,	       c->mem[i].ipa,  c->mem[i].size,
						 c->mem[i].pa, c->mem[i].node, NULL,
						 NULL};
	for (uint32_t i = 0; i < c->ndev; i++)
		for (uint32_t k = 0; c->dev[i].ok && k < c->dev[i].nwin; k++) {
			const struct cfg_win *cw = &c->dev[i].win[k];

			w[n++] = (struct ipawin){W_DEV,
						 PAGE_DOWN(cw->ipa),
						 PAGE_UP(cw->ipa + cw->size) - PAGE_DOWN(cw->ipa),
						 PAGE_DOWN(cw->pa),
						 c->dev[i].node,
						 NULL,
						 &c->dev[i]};
		}

	for (uint32_t k = 1; k < n; k++) {
		const struct ipawin *a = &w[k];
		char prefix[CFG_PATH_MAX];

		if (a->kind == W_DEV)
			snprintf(prefix, sizeof(prefix), "device '%s': ", msg_str(a->dev->spec));
		else
			prefix[0] = '\0';
		for (uint32_t j = 0; j < k; j++) {
			const struct ipawin *o = &w[j];

			if (!ranges_overlap(a->ipa, a->size, o->ipa, o->size))
				continue;
			/* Neighbouring devices on one page, mapped alike, are fine. */
			if (a->kind == W_DEV && o->kind == W_DEV &&
			    a->ipa - o->ipa == a->pa - o->pa)
				continue;
			win_desc(m, o, desc, sizeof(desc));
			/* "the emulated X (vX, IPA ..)" or "<what> (IPA ..)" */
			cell_error(c, d, a->node < 0 ? c->node : a->node,
				   "%sIPA %#llx..%#llx %s %s%sIPA %#llx..%#llx)", prefix,
				   ULL(a->ipa), ULL(last(a->ipa, a->size)),
				   o->kind == W_EMU ? "collides with" : "overlaps", desc,
				   o->kind == W_EMU ? ", " : " (", ULL(o->ipa),
				   ULL(last(o->ipa, o->size)));
			if (a->kind == W_EMU)
				c->console_ok = false;
			break;
		}
	}
	build_mmio(c);
}

/* ---- images ------------------------------------------------------------ */

static const struct cfg_mem *region_of(const struct cfg_cell *c, uint64_t ipa, uint64_t size)
{
	for (uint32_t i = 0; i < c->nmem; i++)
		if (c->mem[i].ok && range_within(ipa, size, c->mem[i].ipa, c->mem[i].size))
			return &c->mem[i];
	return NULL;
}

static void check_image(struct model *m, struct cfg_cell *c, struct cfg_image *img,
			const char *what, uint64_t total)
{
	const struct dtb *d = &m->config_dtb;
	const struct cfg_mem *r;

	if (!img->ok)
		return;
	if (img->span > total) {
		cell_error(c, d, img->node,
			   "%s image (%llu bytes%s) is larger than the cell's memory (%llu bytes)",
			   what, ULL(img->span), img->span > img->size ? " with its BSS" : "",
			   ULL(total));
		img->ok = false;
		return;
	}
	r = region_of(c, img->load, img->span);
	if (!r) {
		cell_error(c, d, img->node,
			   "%s image at IPA %#llx..%#llx is not inside one of the cell's memory "
			   "regions",
			   what, ULL(img->load), ULL(last(img->load, img->span)));
		img->ok = false;
		return;
	}
	if (r->flags & BH_MEM_SHARED) {
		cell_error(
			c, d, img->node,
			"%s image at IPA %#llx..%#llx is in %s, which is shared: each start of the "
			"cell would overwrite what the other cells keep there",
			what, ULL(img->load), ULL(last(img->load, img->span)),
			node_path(d, r->node));
		img->ok = false;
		return;
	}
	if (img == &c->kernel && !(r->flags & BH_MEM_X)) {
		cell_error(c, d, img->node,
			   "kernel image at IPA %#llx..%#llx is in %s, which is not executable "
			   "(no 'x' in 'access')",
			   ULL(img->load), ULL(last(img->load, img->span)), node_path(d, r->node));
		img->ok = false;
	}
	/* Booting protocol: an Image goes text_offset above a 2 MiB boundary. */
	if (img->arm64 &&
	    (img->load < img->text_offset || (img->load - img->text_offset) % SZ_2M)) {
		cell_error(c, d, img->node,
			   "kernel is an arm64 Image: load %#llx must be text_offset (%#llx) above "
			   "a 2 MiB boundary",
			   ULL(img->load), ULL(img->text_offset));
		img->ok = false;
	}
}

static void check_images(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	struct cfg_image *k = &c->kernel, *i = &c->initrd;
	uint64_t total = 0;

	for (uint32_t j = 0; j < c->nmem; j++)
		if (c->mem[j].ok)
			total += c->mem[j].size;
	check_image(m, c, k, "kernel", total);
	check_image(m, c, i, "initrd", total);
	/* vCPU 0 starts there: an instruction address. */
	if (c->has_entry && c->entry % 4)
		cell_error(c, d, k->node, "entry %#llx is not 4-byte aligned", ULL(c->entry));
	else if (!c->has_entry && k->node >= 0 && k->load % 4)
		cell_error(c, d, k->node,
			   "load %#llx is also the entry point (no 'entry' given) and is not "
			   "4-byte aligned",
			   ULL(k->load));
	else if (k->ok && c->has_entry && !range_within(c->entry, 1, k->load, k->size))
		cell_error(c, d, k->node,
			   "entry %#llx is outside the kernel image (IPA %#llx..%#llx)",
			   ULL(c->entry), ULL(k->load), ULL(last(k->load, k->size)));
	if (k->ok && i->ok && ranges_overlap(i->load, i->span, k->load, k->span))
		cell_error(c, d, i->node,
			   "initrd image at IPA %#llx..%#llx overlaps the kernel image (IPA "
			   "%#llx..%#llx)",
			   ULL(i->load), ULL(last(i->load, i->span)), ULL(k->load),
			   ULL(last(k->load, k->span)));
}

void validate(struct model *m)
{
	check_devices(m);
	check_pci(m);
	check_dma(m);
	check_cpus(m);
	check_memory(m);
	check_irqs(m);
	check_streams(m);
	check_pci_streams(m);
	for (uint32_t i = 0; i < m->ncells; i++) {
		check_ipa(m, &m->cell[i]);
		check_images(m, &m->cell[i]);
	}
}

/* After the cell's tree is built (its size is known): where it goes. */
void validate_dtb(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	const struct cfg_mem *r0 = &c->mem[0];
	const struct cfg_image *imgs[] = {&c->kernel, &c->initrd};
	const char *names[] = {"kernel", "initrd"};
	const struct cfg_mem *r;
	uint64_t ipa;

	if (c->has_dtb_load) {
		ipa = c->dtb_load;
		if (ipa % 8) {
			cell_error(c, d, c->node, "dtb-load %#llx is not 8-byte aligned", ULL(ipa));
			return;
		}
	} else if (c->kernel.load >= r0->ipa && c->kernel.load - r0->ipa >= SZ_2M) {
		ipa = r0->ipa;
	} else if (r0->size >= SZ_2M) {
		ipa = r0->ipa + r0->size - SZ_2M;
	} else {
		cell_error(c, d, c->node,
			   "no place for the device tree: the first memory region is smaller than "
			   "2 MiB; set 'dtb-load'");
		return;
	}
	c->dtb_ipa = ipa;
	r = region_of(c, ipa, c->dtb_size);
	if (!r) {
		cell_error(c, d, c->node,
			   "device tree (%u bytes) at IPA %#llx..%#llx is not inside one of the "
			   "cell's memory regions",
			   c->dtb_size, ULL(ipa), ULL(last(ipa, c->dtb_size)));
		return;
	}
	if (r->flags & BH_MEM_SHARED) {
		cell_error(
			c, d, c->node,
			"device tree at IPA %#llx..%#llx is in %s, which is shared: each start of "
			"the cell would overwrite what the other cells keep there%s",
			ULL(ipa), ULL(last(ipa, c->dtb_size)), node_path(d, r->node),
			c->has_dtb_load ? "" : "; set 'dtb-load'");
		return;
	}
	for (size_t i = 0; i < 2; i++)
		if (imgs[i]->ok && ranges_overlap(ipa, c->dtb_size, imgs[i]->load, imgs[i]->span))
			cell_error(c, d, c->node,
				   "device tree at IPA %#llx..%#llx overlaps the %s image (IPA "
				   "%#llx..%#llx)%s",
				   ULL(ipa), ULL(last(ipa, c->dtb_size)), names[i],
				   ULL(imgs[i]->load), ULL(last(imgs[i]->load, imgs[i]->span)),
				   c->has_dtb_load ? "" : "; set 'dtb-load'");
}

/* ---- the hypervisor's memory ------------------------------------------- */

/* Translation tables below the root, as keys (level << 62 | slot index). */
struct tables {
	uint64_t *key;
	size_t n, cap;
	bool oom;
};

static void table_add(struct tables *t, unsigned int level, uint64_t slot)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		uint64_t *k = realloc(t->key, cap * sizeof(*k));

		if (!k) {
			t->oom = true;
			return;
		}
		t->key = k;
		t->cap = cap;
	}
	t->key[t->n++] = (uint64_t)level << 62 | slot;
}

/* The tables core/pgtable.c's pt_map allocates for [ipa, ipa + size) -> pa:
 * a level-1 table per 512 GiB, a level-2 table per 1 GiB that is not one
 * block (whole, and 1 GiB aligned in PA too), a level-3 table per 2 MiB
 * likewise. Ranges are page aligned, below 2^48 and do not wrap. */
static void tables_for(struct tables *t, uint64_t ipa, uint64_t pa, uint64_t size)
{
	const uint64_t g1 = 1ULL << 30, end = ipa + size;

	for (uint64_t s1 = ipa >> 39; s1 <= (end - 1) >> 39; s1++)
		table_add(t, 1, s1);
	for (uint64_t s2 = ipa >> 30; s2 <= (end - 1) >> 30; s2++) {
		uint64_t gs = s2 << 30, ge = gs + g1;

		if (gs >= ipa && ge <= end && !((pa + (gs - ipa)) & (g1 - 1)))
			continue; /* a 1 GiB block */
		table_add(t, 2, s2);
		for (uint64_t s3 = (gs > ipa ? gs : ipa) >> 21;
		     s3 <= ((ge < end ? ge : end) - 1) >> 21; s3++) {
			uint64_t ts = s3 << 21;

			if (ts >= ipa && ts + SZ_2M <= end && !((pa + (ts - ipa)) & (SZ_2M - 1)))
				continue; /* a 2 MiB block */
			table_add(t, 3, s3);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Pages of the hypervisor's heap that @c's stage-2 tables take at most
 * (core/cell.c build_stage2): its regions, passthrough MMIO, PCI windows and, on GICv2,
 * the virtual CPU interface; plus a root of up to 16 concatenated tables. */
static uint64_t stage2_pages(const struct model *m, const struct cfg_cell *c)
{
	const struct bh_board_gic *g = &m->board.gic;
	struct tables t = {NULL, 0, 0, false};
	uint64_t pages = 16;

	for (uint32_t i = 0; i < c->nmem; i++)
		if (c->mem[i].ok)
			tables_for(&t, c->mem[i].ipa, c->mem[i].pa, c->mem[i].size);
	for (uint32_t i = 0; i < c->nmmio; i++)
		tables_for(&t, c->mmio[i].ipa, c->mmio[i].pa, c->mmio[i].size);
	for (uint32_t i = 0; i < c->npci_windows; i++)
		tables_for(&t, c->pci_windows[i].base, c->pci_windows[i].base,
			   c->pci_windows[i].size);
	if (g->version == 2 && g->vcpu.size)
		tables_for(&t, c->gicc_ipa, g->vcpu.base,
			   PAGE_UP(g->vcpu.size < VGICC_SIZE ? g->vcpu.size : VGICC_SIZE));
	if (t.oom) {
		free(t.key);
		return UINT64_MAX / SZ_4K; /* cannot count: cannot fit either */
	}
	if (t.n)
		qsort(t.key, t.n, sizeof(t.key[0]), cmp_u64);
	for (size_t i = 0; i < t.n; i++)
		pages += !i || t.key[i] != t.key[i - 1];
	free(t.key);
	return pages;
}

/* Pages the SMMUv3 driver (arch/aarch64/smmuv3.c) takes from the same heap:
 * its two queues, a stream table covering the largest stream a cell owns
 * (linear up to 256 entries, else a level-1 table plus a 16 KiB level-2
 * table per 256-stream span in use), each rounded to a power of two and
 * aligned to its size (up to as many pages again lost to alignment). */
static uint64_t smmu_pages(const struct model *m)
{
	uint32_t max_sid = 0, spans[BH_MAX_CPUS * CFG_MAX_STREAMS];
	unsigned int bits = 0, nspans = 0;
	uint64_t strtab, pages = 2;

	if (!m->board.smmu.size)
		return 0;
	for (uint32_t i = 0; i < m->ncells; i++)
		for (uint32_t j = 0; j < m->cell[i].nstreams; j++) {
			uint32_t sid = m->cell[i].streams[j], k = 0;

			max_sid = sid > max_sid ? sid : max_sid;
			while (k < nspans && spans[k] != sid >> 8)
				k++;
			if (k == nspans && nspans < sizeof(spans) / sizeof(spans[0]))
				spans[nspans++] = sid >> 8;
		}
	while (bits < 32 && (max_sid >> bits))
		bits++;
	strtab = bits > 8 ? 8ULL << (bits - 8) : 64ULL << bits;
	strtab = (strtab + SZ_4K - 1) / SZ_4K;
	pages += 2 * strtab;
	if (bits > 8)
		pages += nspans * (4 + 3);
	return pages;
}

void validate_bundle(struct model *m)
{
	uint64_t total = bundle_bytes(m), tables = smmu_pages(m) * SZ_4K;

	/* Counted for a sound system only: then every region lies in RAM,
	 * which bounds the work. */
	for (uint32_t i = 0; i < m->ncells && !cfg_errors; i++) {
		uint64_t pages = stage2_pages(m, &m->cell[i]);

		tables =
			pages > (UINT64_MAX - tables) / SZ_4K ? UINT64_MAX : tables + pages * SZ_4K;
	}
	m->stage2_bytes = tables;
	if (total > m->board.hyp_mem.size)
		cfg_error(&m->config_dtb, 0,
			  "the bundled images and device trees (%llu bytes) do not fit in the "
			  "hypervisor's memory (%llu bytes)",
			  ULL(total), ULL(m->board.hyp_mem.size));
	else if (tables > m->board.hyp_mem.size - total)
		cfg_error(&m->config_dtb, 0,
			  "the bundled images and device trees (%llu bytes) and the cells' stage-2 "
			  "and SMMU translation tables (up to %llu bytes) do not fit in the "
			  "hypervisor's memory (%llu bytes)",
			  ULL(total), ULL(tables), ULL(m->board.hyp_mem.size));
}
