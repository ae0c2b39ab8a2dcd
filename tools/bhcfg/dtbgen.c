// SPDX-License-Identifier: Apache-2.0
/*
 * Builds each cell's device tree: the machine as the cell sees it (its
 * memory at IPAs, vCPUs, PSCI over HVC, the virtual GIC, the timer, the
 * PMU, its console and the board's nodes of its passthrough devices, moved
 * to their IPAs with phandle references rewired to nodes of the new tree).
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

#define ULL(x)	       ((unsigned long long)(x))
#define DTB_MAX	       SZ_2M /* arm64 boot protocol limit */
#define UART_CLK_HZ    24000000U
#define IRQ_LEVEL_HIGH 4
#define GIC_SPI_TYPE   0
#define GIC_PPI_TYPE   1
#define MAX_PHANDLES   64

/* ---- phandle references in board nodes --------------------------------- */

static const struct {
	const char *prop;
	const char *cells;
} ref_props[] = {
	{"clocks", "#clock-cells"},
	{"assigned-clocks", "#clock-cells"},
	{"assigned-clock-parents", "#clock-cells"},
	{"resets", "#reset-cells"},
	{"dmas", "#dma-cells"},
	{"power-domains", "#power-domain-cells"},
	{"mboxes", "#mbox-cells"},
	{"phys", "#phy-cells"},
	{"pwms", "#pwm-cells"},
	{"interrupts-extended", "#interrupt-cells"},
	{"iommus", "#iommu-cells"},
	{"gpios", "#gpio-cells"},
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* Name of the #cells property sizing each reference's specifier; "" for
 * plain phandle lists, NULL if @prop holds no phandles we know of. */
static const char *ref_cells(const char *prop)
{
	for (size_t i = 0; i < sizeof(ref_props) / sizeof(ref_props[0]); i++)
		if (!strcmp(prop, ref_props[i].prop))
			return ref_props[i].cells;
	if (ends_with(prop, "-gpios") || ends_with(prop, "-gpio"))
		return "#gpio-cells";
	if (!strncmp(prop, "pinctrl-", 8) && prop[8] &&
	    strspn(prop + 8, "0123456789") == strlen(prop + 8))
		return "";
	if (!strcmp(prop, "interrupt-parent"))
		return "";
	return NULL;
}

static enum ref_kind classify(struct model *m, struct cfg_cell *c, const char *prop, int target)
{
	const struct dtb *b = &m->board_dtb;

	if (!strcmp(prop, "iommus"))
		return REF_DROP;
	if (target == m->board_gic_node)
		return REF_GIC;
	for (uint32_t i = 0; i < c->ndev; i++)
		if (c->dev[i].ok && c->dev[i].bnode >= 0 &&
		    dt_is_within(b, target, c->dev[i].bnode))
			return REF_DEVICE;
	if (dt_compatible(b, target, "fixed-clock") && !fdt_getprop(b->fdt, target, "clocks", NULL))
		return REF_CLOCK;
	return REF_NONE;
}

static void ref_error(struct model *m, struct cfg_cell *c, struct cfg_dev *dev, int node,
		      const char *prop, const char *what)
{
	if (dev) {
		cell_error(c, &m->config_dtb, dev->node, "device '%s' (%s): '%s' in %s %s",
			   dev->spec, node_path(&m->board_dtb, dev->bnode), prop,
			   node_path(&m->board_dtb, node), what);
		dev->ok = false;
	} else {
		cfg_error(&m->board_dtb, node, "'%s' %s", prop, what);
	}
}

int dev_refs(struct model *m, struct cfg_cell *c, struct cfg_dev *dev, int node, ref_fn fn,
	     void *arg)
{
	const struct dtb *b = &m->board_dtb;
	int prop, ret = 0;

	fdt_for_each_property_offset (prop, b->fdt, node) {
		const char *name = NULL, *cells;
		int len, n;
		const uint32_t *v = fdt_getprop_by_offset(b->fdt, prop, &name, &len);

		if (!v || !name || !(cells = ref_cells(name)))
			continue;
		if (len % 4 || (!strcmp(name, "interrupt-parent") && len != 4)) {
			ref_error(m, c, dev, node, name, "is malformed");
			ret = -1;
			continue;
		}
		n = len / 4;
		for (int i = 0; i < n;) {
			uint32_t ph = fdt32_to_cpu(v[i]), k = 0;
			int target;
			char what[CFG_PATH_MAX + 64];

			if (!ph) { /* an empty entry, as gpio lists allow */
				i++;
				continue;
			}
			target = fdt_node_offset_by_phandle(b->fdt, ph);
			if (target < 0) {
				snprintf(what, sizeof(what),
					 "refers to phandle %#x, which is not on the board", ph);
				ref_error(m, c, dev, node, name, what);
				ret = -1;
				break;
			}
			if (*cells && !dt_u32(b, target, cells, &k)) {
				snprintf(what, sizeof(what), "refers to %s, which has no '%s'",
					 node_path(b, target), cells);
				ref_error(m, c, dev, node, name, what);
				ret = -1;
				break;
			}
			if (k > (uint32_t)(n - i - 1)) {
				ref_error(m, c, dev, node, name, "is truncated");
				ret = -1;
				break;
			}
			fn(arg, node, name, i, target, classify(m, c, name, target), v + i + 1,
			   (int)k);
			i += 1 + (int)k;
		}
	}
	return ret;
}

/* ---- tree construction -------------------------------------------------- */

struct gen {
	struct model *m;
	struct cfg_cell *c;
	void *fdt;
	int err; /* first libfdt error */
	uint32_t next_ph, gic_ph;
	uint32_t nmap;
	struct {
		int bnode; /* board node copied into the cell's tree */
		uint32_t ph;
		bool clock; /* copy it even though no device contains it */
	} map[MAX_PHANDLES];
};

static int ck(struct gen *g, int r)
{
	if (r < 0 && !g->err)
		g->err = r;
	return r;
}

static uint32_t ph_get(struct gen *g, int bnode, bool clock)
{
	for (uint32_t i = 0; i < g->nmap; i++)
		if (g->map[i].bnode == bnode) {
			g->map[i].clock |= clock;
			return g->map[i].ph;
		}
	if (g->nmap >= MAX_PHANDLES) {
		ck(g, -FDT_ERR_NOSPACE);
		return 0;
	}
	g->map[g->nmap].bnode = bnode;
	g->map[g->nmap].clock = clock;
	g->map[g->nmap].ph = g->next_ph++;
	return g->map[g->nmap++].ph;
}

static void set_u64s(struct gen *g, int node, const char *name, const uint64_t *v, int n)
{
	uint64_t be[4];

	for (int i = 0; i < n && i < 4; i++)
		be[i] = cpu_to_fdt64(v[i]);
	ck(g, fdt_setprop(g->fdt, node, name, be, (int)sizeof(be[0]) * n));
}

static void set_cells(struct gen *g, int node, const char *name, const uint32_t *v, int n)
{
	uint32_t be[8];

	for (int i = 0; i < n && i < 8; i++)
		be[i] = cpu_to_fdt32(v[i]);
	ck(g, fdt_setprop(g->fdt, node, name, be, (int)sizeof(be[0]) * n));
}

static void set_strs(struct gen *g, int node, const char *name, const char *v, size_t len)
{
	ck(g, fdt_setprop(g->fdt, node, name, v, (int)len));
}

static void set_str(struct gen *g, int node, const char *name, const char *v)
{
	ck(g, fdt_setprop(g->fdt, node, name, v, (int)(strlen(v) + 1)));
}

#define SET_STRS(g, node, name, lit) set_strs(g, node, name, lit, sizeof(lit))

static int add_node(struct gen *g, int parent, const char *name)
{
	return ck(g, fdt_add_subnode(g->fdt, parent, name));
}

struct fix {
	struct gen *g;
	int out;
};

static void fix_ref(void *arg, int node, const char *prop, int pos, int target, enum ref_kind kind,
		    const uint32_t *spec, int nspec)
{
	struct fix *f = arg;
	struct gen *g = f->g;
	uint32_t ph, *v;
	int len;

	(void)node;
	(void)spec;
	(void)nspec;
	switch (kind) {
	case REF_GIC:
		ph = g->gic_ph;
		break;
	case REF_CLOCK:
		ph = ph_get(g, target, true);
		break;
	case REF_DEVICE:
		ph = ph_get(g, target, false);
		break;
	case REF_DROP:
		return;
	default:
		/* Validation let no such reference through. */
		ck(g, -FDT_ERR_BADPHANDLE);
		return;
	}
	v = fdt_getprop_w(g->fdt, f->out, prop, &len);
	if (!v) /* not copied (dropped on purpose) */
		return;
	if (len < (pos + 1) * 4) {
		ck(g, -FDT_ERR_INTERNAL);
		return;
	}
	v[pos] = cpu_to_fdt32(ph);
}

/* Copies board node @bnode (and its subtree) under @parent. For the top
 * node of a passthrough device, @dev moves 'reg' to the device's IPAs. */
static void copy_node(struct gen *g, int parent, int bnode, const char *name,
		      const struct cfg_dev *dev, struct cfg_dev *owner, bool drop_irqs, int depth)
{
	const struct dtb *b = &g->m->board_dtb;
	struct fix f = {g, -1};
	int prop, sub;

	if (depth > 32) {
		ck(g, -FDT_ERR_BADSTRUCTURE);
		return;
	}
	f.out = add_node(g, parent, name);
	if (f.out < 0)
		return;
	fdt_for_each_property_offset (prop, b->fdt, bnode) {
		const char *pname = NULL;
		int len;
		const void *v = fdt_getprop_by_offset(b->fdt, prop, &pname, &len);

		if (!v || !pname || !strcmp(pname, "linux,phandle") || !strcmp(pname, "iommus"))
			continue;
		if (drop_irqs &&
		    (!strcmp(pname, "interrupts") || !strcmp(pname, "interrupts-extended")))
			continue;
		if (!strcmp(pname, "phandle")) {
			ck(g, fdt_setprop_u32(g->fdt, f.out, "phandle", ph_get(g, bnode, false)));
		} else if (dev && !strcmp(pname, "reg")) {
			uint64_t reg[2 * CFG_MAX_WIN];

			for (uint32_t i = 0; i < dev->nwin; i++) {
				reg[2 * i] = cpu_to_fdt64(dev->win[i].ipa);
				reg[2 * i + 1] = cpu_to_fdt64(dev->win[i].size);
			}
			ck(g, fdt_setprop(g->fdt, f.out, "reg", reg,
					  (int)(sizeof(reg[0]) * 2 * dev->nwin)));
		} else {
			ck(g, fdt_setprop(g->fdt, f.out, pname, v, len));
		}
	}
	dev_refs(g->m, g->c, owner, bnode, fix_ref, &f);
	fdt_for_each_subnode (sub, b->fdt, bnode) {
		const char *sname = fdt_get_name(b->fdt, sub, NULL);

		if (sname)
			copy_node(g, f.out, sub, sname, NULL, owner, drop_irqs, depth + 1);
	}
}

static void dev_node_name(const struct model *m, const struct cfg_dev *dev, char *buf, size_t len)
{
	const char *name = fdt_get_name(m->board_dtb.fdt, dev->bnode, NULL);
	size_t base = name ? strcspn(name, "@") : 0;

	snprintf(buf, len, "%.*s@%llx", (int)base, name ? name : "device", ULL(dev->win[0].ipa));
}

static void gen_memory(struct gen *g)
{
	const struct cfg_cell *c = g->c;
	bool any_reserved = false;
	char name[64];
	int node;

	for (uint32_t i = c->nmem; i-- > 0;) {
		const struct cfg_mem *r = &c->mem[i];
		uint64_t reg[2] = {r->ipa, r->size};

		snprintf(name, sizeof(name), "memory@%llx", ULL(r->ipa));
		node = add_node(g, 0, name);
		if (node < 0)
			return;
		SET_STRS(g, node, "device_type", "memory");
		set_u64s(g, node, "reg", reg, 2);
		any_reserved |= (r->flags & BH_MEM_SHARED) || !(r->flags & BH_MEM_W);
	}
	if (!any_reserved)
		return;
	/* Shared or read-only regions are not for the kernel's allocator. */
	node = add_node(g, 0, "reserved-memory");
	if (node < 0)
		return;
	ck(g, fdt_setprop_u32(g->fdt, node, "#address-cells", 2));
	ck(g, fdt_setprop_u32(g->fdt, node, "#size-cells", 2));
	ck(g, fdt_setprop(g->fdt, node, "ranges", NULL, 0));
	for (uint32_t i = c->nmem; i-- > 0;) {
		const struct cfg_mem *r = &c->mem[i];
		uint64_t reg[2] = {r->ipa, r->size};
		bool shared = r->flags & BH_MEM_SHARED;
		int sub;

		if (!shared && (r->flags & BH_MEM_W))
			continue;
		snprintf(name, sizeof(name), "%s@%llx", shared ? "shared" : "readonly",
			 ULL(r->ipa));
		sub = add_node(g, node, name);
		if (sub < 0)
			return;
		if (shared)
			SET_STRS(g, sub, "compatible", "bulkhead,shared-memory");
		set_u64s(g, sub, "reg", reg, 2);
		ck(g, fdt_setprop(g->fdt, sub, "no-map", NULL, 0));
	}
}

static void gen_cpus(struct gen *g)
{
	const struct dtb *b = &g->m->board_dtb;
	const struct cfg_cell *c = g->c;
	int cpus = add_node(g, 0, "cpus");

	if (cpus < 0)
		return;
	ck(g, fdt_setprop_u32(g->fdt, cpus, "#address-cells", 1));
	ck(g, fdt_setprop_u32(g->fdt, cpus, "#size-cells", 0));
	/* Added in reverse: libfdt puts each new subnode first. */
	for (uint32_t i = c->ncpus; i-- > 0;) {
		int len, node;
		const void *compat =
			fdt_getprop(b->fdt, g->m->board_cpu_node[c->cpus[i]], "compatible", &len);
		char name[32];

		snprintf(name, sizeof(name), "cpu@%x", i);
		node = add_node(g, cpus, name);
		if (node < 0)
			return;
		SET_STRS(g, node, "device_type", "cpu");
		if (compat)
			ck(g, fdt_setprop(g->fdt, node, "compatible", compat, len));
		else
			SET_STRS(g, node, "compatible", "arm,armv8");
		ck(g, fdt_setprop_u32(g->fdt, node, "reg", i));
		SET_STRS(g, node, "enable-method", "psci");
	}
}

static void gen_gic(struct gen *g)
{
	const struct dtb *b = &g->m->board_dtb;
	const struct bh_board_gic *gic = &g->m->board.gic;
	const struct cfg_cell *c = g->c;
	int node, len;
	const void *maint;
	char name[64];

	snprintf(name, sizeof(name), "interrupt-controller@%llx", ULL(c->gicd_ipa));
	node = add_node(g, 0, name);
	if (node < 0)
		return;
	if (gic->version == 3) {
		uint64_t reg[4] = {c->gicd_ipa, VGICD_V3_SIZE, c->gicr_ipa, c->ncpus * VGICR_FRAME};

		SET_STRS(g, node, "compatible", "arm,gic-v3");
		set_u64s(g, node, "reg", reg, 4);
		ck(g, fdt_setprop_u32(g->fdt, node, "#redistributor-regions", 1));
	} else {
		uint64_t reg[4] = {c->gicd_ipa, VGICD_V2_SIZE, c->gicc_ipa, VGICC_SIZE};
		const void *compat = fdt_getprop(b->fdt, g->m->board_gic_node, "compatible", &len);

		if (compat)
			ck(g, fdt_setprop(g->fdt, node, "compatible", compat, len));
		set_u64s(g, node, "reg", reg, 4);
	}
	ck(g, fdt_setprop_u32(g->fdt, node, "#interrupt-cells", 3));
	ck(g, fdt_setprop_u32(g->fdt, node, "#address-cells", 0));
	ck(g, fdt_setprop(g->fdt, node, "interrupt-controller", NULL, 0));
	maint = fdt_getprop(b->fdt, g->m->board_gic_node, "interrupts", &len);
	if (maint && len >= 12)
		ck(g, fdt_setprop(g->fdt, node, "interrupts", maint, 12));
	ck(g, fdt_setprop_u32(g->fdt, node, "phandle", g->gic_ph));
}

/* The clock of the emulated UART: the board console's fixed clock if it has
 * one (so passthrough devices on the same clock share the node), else 24 MHz. */
static uint32_t vuart_clock(struct gen *g, bool *synth)
{
	const struct dtb *b = &g->m->board_dtb;
	const uint32_t *v = NULL;
	int len = 0, clk;

	*synth = false;
	if (g->m->board_console_node >= 0)
		v = fdt_getprop(b->fdt, g->m->board_console_node, "clocks", &len);
	if (v && len >= 4) {
		clk = fdt_node_offset_by_phandle(b->fdt, fdt32_to_cpu(v[0]));
		if (clk >= 0 && dt_compatible(b, clk, "fixed-clock") &&
		    !fdt_getprop(b->fdt, clk, "clocks", NULL))
			return ph_get(g, clk, true);
	}
	*synth = true;
	return g->next_ph++;
}

static void gen_vuart(struct gen *g, const char *name)
{
	const struct cfg_cell *c = g->c;
	uint64_t reg[2] = {c->console_ipa, VUART_SIZE};
	uint32_t irq[3] = {GIC_SPI_TYPE, c->console_irq - 32, IRQ_LEVEL_HIGH};
	uint32_t clocks[2];
	bool synth;
	int node;

	clocks[0] = clocks[1] = vuart_clock(g, &synth);
	if (synth) {
		node = add_node(g, 0, "uart-clk");
		if (node < 0)
			return;
		SET_STRS(g, node, "compatible", "fixed-clock");
		ck(g, fdt_setprop_u32(g->fdt, node, "#clock-cells", 0));
		ck(g, fdt_setprop_u32(g->fdt, node, "clock-frequency", UART_CLK_HZ));
		SET_STRS(g, node, "clock-output-names", "clk24mhz");
		ck(g, fdt_setprop_u32(g->fdt, node, "phandle", clocks[0]));
	}
	node = add_node(g, 0, name);
	if (node < 0)
		return;
	SET_STRS(g, node, "compatible", "arm,pl011\0arm,primecell");
	set_u64s(g, node, "reg", reg, 2);
	set_cells(g, node, "interrupts", irq, 3);
	set_cells(g, node, "clocks", clocks, 2);
	SET_STRS(g, node, "clock-names", "uartclk\0apb_pclk");
}

static void gen_chosen(struct gen *g, const char *console)
{
	const struct cfg_cell *c = g->c;
	int node = add_node(g, 0, "chosen");

	if (node < 0)
		return;
	if (c->bootargs)
		set_str(g, node, "bootargs", c->bootargs);
	if (console)
		set_str(g, node, "stdout-path", console);
	if (c->initrd.node >= 0) {
		ck(g, fdt_setprop_u64(g->fdt, node, "linux,initrd-start", c->initrd.load));
		ck(g, fdt_setprop_u64(g->fdt, node, "linux,initrd-end",
				      c->initrd.load + c->initrd.size));
	}
}

/* The cell's PCI host bridge: its own ECAM (the root bus), its slices of
 * the windows only, and an interrupt-map entry per function to its INTx
 * SPI. No msi-map or msi-parent (MSI is not offered: drivers use INTx), no
 * iommu-map (the SMMU is the hypervisor's). */
static void gen_pci(struct gen *g)
{
	const struct model *m = g->m;
	const struct cfg_cell *c = g->c;
	uint32_t ranges[2 * 7], map[CFG_MAX_PCI * 8],
		bus[2] = {m->board.pci_root_bus, m->board.pci_root_bus};
	static const uint32_t mask[4] = {0xffff00, 0, 0, 7}; /* bus, device, function; pin */
	uint64_t reg[2] = {c->pci_ecam_ipa, VECAM_SIZE};
	uint32_t n = 0;
	char name[64];
	int node;

	if (!c->npci)
		return;
	snprintf(name, sizeof(name), "pcie@%llx", ULL(c->pci_ecam_ipa));
	node = add_node(g, 0, name);
	if (node < 0)
		return;
	SET_STRS(g, node, "compatible", "pci-host-ecam-generic");
	SET_STRS(g, node, "device_type", "pci");
	ck(g, fdt_setprop_u32(g->fdt, node, "#address-cells", 3));
	ck(g, fdt_setprop_u32(g->fdt, node, "#size-cells", 2));
	ck(g, fdt_setprop_u32(g->fdt, node, "#interrupt-cells", 1));
	set_u64s(g, node, "reg", reg, 2);
	set_cells(g, node, "bus-range", bus, 2);
	for (uint32_t i = 0; i < c->npci_windows; i++) {
		const struct bh_pci_window *w = &c->pci_windows[i];
		uint32_t *r = ranges + 7 * i;

		/* Space code and prefetchable bit as the board's window has them. */
		r[0] = c->pci_window_flags[i] & 0x43000000U;
		r[1] = (uint32_t)(w->bus >> 32);
		r[2] = (uint32_t)w->bus;
		r[3] = (uint32_t)(w->base >> 32);
		r[4] = (uint32_t)w->base;
		r[5] = (uint32_t)(w->size >> 32);
		r[6] = (uint32_t)w->size;
	}
	for (uint32_t i = 0; i < 7 * c->npci_windows; i++)
		ranges[i] = cpu_to_fdt32(ranges[i]);
	ck(g, fdt_setprop(g->fdt, node, "ranges", ranges, (int)(28 * c->npci_windows)));
	set_cells(g, node, "interrupt-map-mask", mask, 4);
	for (uint32_t i = 0; i < c->npci; i++) {
		const struct cfg_pci_fn *fn = &c->pci[i];
		/* child address, pin; the vGIC (#address-cells 0); its SPI, level */
		const uint32_t e[8] = {(uint32_t)fn->bdf << 8,
				       0,
				       0,
				       fn->pin,
				       g->gic_ph,
				       GIC_SPI_TYPE,
				       fn->intid - 32,
				       IRQ_LEVEL_HIGH};

		for (uint32_t k = 0; k < 8; k++)
			map[n++] = cpu_to_fdt32(e[k]);
	}
	ck(g, fdt_setprop(g->fdt, node, "interrupt-map", map, (int)(4 * n)));
	if (fdt_getprop(m->board_dtb.fdt, m->pci.node, "dma-coherent", NULL))
		ck(g, fdt_setprop(g->fdt, node, "dma-coherent", NULL, 0));
}

static void gen_tree(struct gen *g, size_t size)
{
	struct model *m = g->m;
	struct cfg_cell *c = g->c;
	char console[128] = "", name[128];
	int node;

	g->err = 0;
	g->nmap = 0;
	g->next_ph = 1;
	g->gic_ph = g->next_ph++;
	if (ck(g, fdt_create_empty_tree(g->fdt, (int)size)) < 0)
		return;
	SET_STRS(g, 0, "compatible", "bulkhead,cell");
	snprintf(name, sizeof(name), "Bulkhead cell %s", c->name);
	set_str(g, 0, "model", name);
	ck(g, fdt_setprop_u32(g->fdt, 0, "#address-cells", 2));
	ck(g, fdt_setprop_u32(g->fdt, 0, "#size-cells", 2));
	ck(g, fdt_setprop_u32(g->fdt, 0, "interrupt-parent", g->gic_ph));

	if (c->console == BH_CONSOLE_VUART)
		snprintf(console, sizeof(console), "/serial@%llx", ULL(c->console_ipa));
	else if (c->console == BH_CONSOLE_PASSTHROUGH && c->console_dev >= 0) {
		console[0] = '/';
		dev_node_name(m, &c->dev[c->console_dev], console + 1, sizeof(console) - 1);
	}

	/* libfdt adds each subnode in front of its siblings: build backwards so
	 * the tree reads in the usual order. */
	gen_pci(g);
	for (uint32_t i = c->ndev; i-- > 0;) {
		struct cfg_dev *dev = &c->dev[i];

		dev_node_name(m, dev, name, sizeof(name));
		copy_node(g, 0, dev->bnode, name, dev, dev, dev->shared, 0);
	}
	if (c->console == BH_CONSOLE_VUART)
		gen_vuart(g, console + 1);
	/* Fixed clocks the devices and the vUART refer to. */
	for (uint32_t i = 0; i < g->nmap; i++) {
		const char *cname;

		if (!g->map[i].clock)
			continue;
		cname = fdt_get_name(m->board_dtb.fdt, g->map[i].bnode, NULL);
		copy_node(g, 0, g->map[i].bnode, cname ? cname : "clock", NULL, NULL, false, 0);
	}
	/* The CPUs' PMU is the cell's own (docs/traps.md): Linux perf finds it. */
	if (m->board_pmu_node >= 0)
		copy_node(g, 0, m->board_pmu_node, "pmu", NULL, NULL, false, 0);
	if (m->board_timer_node >= 0)
		copy_node(g, 0, m->board_timer_node, "timer", NULL, NULL, false, 0);
	gen_gic(g);
	node = add_node(g, 0, "psci");
	if (node >= 0) {
		SET_STRS(g, node, "compatible", "arm,psci-1.0\0arm,psci-0.2");
		SET_STRS(g, node, "method", "hvc");
	}
	gen_cpus(g);
	gen_memory(g);
	gen_chosen(g, console[0] ? console : NULL);
	if (console[0]) {
		node = add_node(g, 0, "aliases");
		if (node >= 0)
			set_str(g, node, "serial0", console);
	}
}

int dtbgen_cell(struct model *m, struct cfg_cell *c)
{
	struct gen g;
	size_t size;
	uint32_t total, padded;

	memset(&g, 0, sizeof(g));
	g.m = m;
	g.c = c;
	/* Grow the work buffer until the tree fits. */
	for (size = 64 * 1024; size <= 2 * DTB_MAX; size *= 2) {
		free(g.fdt);
		g.fdt = malloc(size);
		if (!g.fdt)
			break;
		gen_tree(&g, size);
		if (g.err != -FDT_ERR_NOSPACE)
			break;
	}
	if (!g.fdt || g.err) {
		cell_error(c, &m->config_dtb, c->node, "cannot build the cell's device tree: %s",
			   g.fdt ? fdt_strerror(g.err) : "out of memory");
		free(g.fdt);
		return -1;
	}
	ck(&g, fdt_pack(g.fdt));
	total = fdt_totalsize(g.fdt);
	/* Room for the guest or Bulkhead to add properties in place. */
	padded = (uint32_t)((total + 1024 + SZ_4K - 1) & ~(SZ_4K - 1));
	if (padded > DTB_MAX) {
		cell_error(c, &m->config_dtb, c->node,
			   "the cell's device tree (%u bytes) is larger than 2 MiB", total);
		free(g.fdt);
		return -1;
	}
	c->dtb = malloc(padded);
	if (!c->dtb || fdt_open_into(g.fdt, c->dtb, (int)padded) != 0) {
		cell_error(c, &m->config_dtb, c->node, "cannot build the cell's device tree");
		free(g.fdt);
		free(c->dtb);
		c->dtb = NULL;
		return -1;
	}
	free(g.fdt);
	c->dtb_size = padded;
	return 0;
}
