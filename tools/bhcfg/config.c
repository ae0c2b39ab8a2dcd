// SPDX-License-Identifier: Apache-2.0
/*
 * Reads the system configuration (configs/<board>/<name>.dts) into the model.
 * Every node and property is checked here for its name and shape, so a typo
 * is an error rather than a silently ignored key; how cells relate to each
 * other and to the board is validate.c's business.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhcfg.h"

enum { P_ABSENT, P_OK, P_BAD };

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

static void check_props(struct cfg_cell *c, const struct dtb *d, int node,
			const char *const *allowed)
{
	int prop;

	fdt_for_each_property_offset (prop, d->fdt, node) {
		const char *name = NULL;

		fdt_getprop_by_offset(d->fdt, prop, &name, NULL);
		if (name && !in_list(name, allowed))
			cell_error(c, d, node, "unknown property '%s'", msg_str(name));
	}
}

/* Nodes the format gives no subnodes. */
static void check_leaf(struct cfg_cell *c, const struct dtb *d, int node)
{
	int sub;

	fdt_for_each_subnode (sub, d->fdt, node) {
		cell_error(c, d, sub, "unknown node");
	}
}

static const char *node_name(const struct dtb *d, int node)
{
	const char *n = fdt_get_name(d->fdt, node, NULL);

	return n ? n : "";
}

static int get_str(struct cfg_cell *c, const struct dtb *d, int node, const char *prop,
		   const char **out)
{
	int len;
	const char *s = fdt_getprop(d->fdt, node, prop, &len);

	if (!s)
		return P_ABSENT;
	if (len < 1 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1) {
		cell_error(c, d, node, "'%s' must be a string", prop);
		return P_BAD;
	}
	*out = s;
	return P_OK;
}

static int get_u64(struct cfg_cell *c, const struct dtb *d, int node, const char *prop,
		   uint64_t *out)
{
	int len;
	const uint32_t *p = fdt_getprop(d->fdt, node, prop, &len);

	if (!p)
		return P_ABSENT;
	if (len != 8) {
		cell_error(c, d, node, "'%s' must be <hi lo>: a 64-bit value in 2 cells", prop);
		return P_BAD;
	}
	*out = dt_cells(p, 2);
	return P_OK;
}

static int get_u32(struct cfg_cell *c, const struct dtb *d, int node, const char *prop,
		   uint32_t *out)
{
	int len;
	const uint32_t *p = fdt_getprop(d->fdt, node, prop, &len);

	if (!p)
		return P_ABSENT;
	if (len != 4) {
		cell_error(c, d, node, "'%s' must be one 32-bit cell, e.g. <33>", prop);
		return P_BAD;
	}
	*out = fdt32_to_cpu(*p);
	return P_OK;
}

static int get_flag(struct cfg_cell *c, const struct dtb *d, int node, const char *prop, bool *out)
{
	int len;

	*out = false;
	if (!fdt_getprop(d->fdt, node, prop, &len))
		return P_ABSENT;
	if (len != 0) {
		cell_error(c, d, node, "'%s' is a flag: write '%s;' without a value", prop, prop);
		return P_BAD;
	}
	*out = true;
	return P_OK;
}

/* Configurations are all 64-bit; the cell-count properties are accepted
 * (so dtc's checks can be satisfied) but only with that value. */
static void check_addr_cells(struct cfg_cell *c, const struct dtb *d, int node)
{
	static const char *const names[] = {"#address-cells", "#size-cells"};

	for (size_t i = 0; i < 2; i++) {
		uint32_t v;
		int r = get_u32(c, d, node, names[i], &v);

		if (r == P_OK && v != 2)
			cell_error(c, d, node,
				   "'%s' must be <2>: addresses and sizes in a configuration are "
				   "64-bit (2 cells)",
				   names[i]);
	}
}

static bool valid_cell_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > CFG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A relative path whose '..' goes above where it starts (the repository). */
static bool climbs_out(const char *s)
{
	int depth = 0;

	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && s[0] == '.')) {
			depth++;
		}
		s += n;
		s += *s == '/';
	}
	return false;
}

/* Characters make (depfile) and the assembler (.incbin "...") cannot take. */
static bool valid_file_name(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch <= ' ' || ch == 0x7f || strchr("\"\\$#:", ch))
			return false;
	}
	return true;
}

static void add_dev(struct cfg_cell *c, const struct dtb *d, int node, const char *spec,
		    bool shared, bool has_ipa, uint64_t ipa)
{
	struct cfg_dev *dev;

	if (c->ndev >= CFG_MAX_DEVS) {
		cell_error(c, d, node, "more than %d devices in one cell", CFG_MAX_DEVS);
		return;
	}
	dev = &c->dev[c->ndev++];
	memset(dev, 0, sizeof(*dev));
	dev->node = node;
	dev->spec = spec;
	dev->bnode = -1;
	dev->shared = shared;
	dev->has_ipa = has_ipa;
	dev->ipa = ipa;
	dev->ok = true;
}

/* One message per problem, however long the list: CPUs not on the board
 * are named together, a repeated CPU once with its count. */
static void parse_cpus(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	int len;
	const uint32_t *p = fdt_getprop(d->fdt, c->node, "cpus", &len);
	uint32_t times[BH_MAX_CPUS] = {0};
	uint32_t bad[8], nbad = 0;
	bool more_bad = false, ok = true;

	if (!p || len == 0) {
		cell_error(c, d, c->node, "no CPU: 'cpus' must list at least one board CPU index");
		return;
	}
	if (len % 4) {
		cell_error(c, d, c->node, "'cpus' must be a list of 32-bit board CPU indices");
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t v = fdt32_to_cpu(p[i]);

		if (v >= m->board.ncpus) {
			bool known = false;

			for (uint32_t j = 0; j < nbad; j++)
				known |= bad[j] == v;
			if (!known && nbad < sizeof(bad) / sizeof(bad[0]))
				bad[nbad++] = v;
			else if (!known)
				more_bad = true;
			continue;
		}
		/* Below ncpus <= BH_MAX_CPUS and counted once, so this fits. */
		if (times[v]++ == 0)
			c->cpus[c->ncpus++] = (uint8_t)v;
	}
	if (nbad == 1) {
		cell_error(c, d, c->node, "CPU %u is not on the board (its CPUs are 0..%u)", bad[0],
			   m->board.ncpus - 1);
	} else if (nbad) {
		char list[128];
		size_t used = 0;

		for (uint32_t j = 0; j < nbad; j++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u",
						 j ? ", " : "", bad[j]);
		cell_error(c, d, c->node, "CPUs %s%s are not on the board (its CPUs are 0..%u)",
			   list, more_bad ? ", ..." : "", m->board.ncpus - 1);
	}
	for (uint32_t j = 0; j < c->ncpus; j++) {
		uint32_t n = times[c->cpus[j]];

		if (n == 2)
			cell_error(c, d, c->node, "CPU %u is listed twice", c->cpus[j]);
		else if (n > 2)
			cell_error(c, d, c->node, "CPU %u is listed %u times", c->cpus[j], n);
		ok &= n == 1;
	}
	c->cpus_ok = ok && !nbad && c->ncpus > 0;
}

static uint32_t parse_access(struct cfg_cell *c, const struct dtb *d, int node, bool *ok)
{
	const char *s = "rwx";
	uint32_t flags = 0;

	if (get_str(c, d, node, "access", &s) == P_BAD) {
		*ok = false;
		return 0;
	}
	for (const char *p = s; *p; p++) {
		uint32_t bit = *p == 'r'   ? BH_MEM_R
			       : *p == 'w' ? BH_MEM_W
			       : *p == 'x' ? BH_MEM_X
					   : 0;

		if (!bit || (flags & bit)) {
			flags = 0;
			break;
		}
		flags |= bit;
	}
	if (!flags) {
		cell_error(c, d, node,
			   "access \"%s\" must be made of r, w and x, each at most once (e.g. "
			   "\"rw\")",
			   msg_str(s));
		*ok = false;
	}
	return flags;
}

static void parse_region(struct model *m, struct cfg_cell *c, struct cfg_mem *r, int node)
{
	static const char *const props[] = {"reg", "ipa", "access", "shared", NULL};
	const struct dtb *d = &m->config_dtb;
	const uint32_t *reg;
	bool ok = true, shared, has_ipa;
	int len;

	memset(r, 0, sizeof(*r));
	r->node = node;
	check_props(c, d, node, props);
	check_leaf(c, d, node);
	reg = fdt_getprop(d->fdt, node, "reg", &len);
	if (!reg) {
		cell_error(c, d, node, "missing 'reg' (<base-hi base-lo size-hi size-lo>)");
		ok = false;
	} else if (len != 16) {
		cell_error(c, d, node,
			   "'reg' must be <base-hi base-lo size-hi size-lo>: one 64-bit base and "
			   "size");
		ok = false;
	} else {
		r->pa = dt_cells(reg, 2);
		r->size = dt_cells(reg + 2, 2);
	}
	switch (get_u64(c, d, node, "ipa", &r->ipa)) {
	case P_BAD:
		ok = false;
		has_ipa = true;
		break;
	case P_OK:
		has_ipa = true;
		break;
	default:
		has_ipa = false;
		r->ipa = r->pa;
	}
	r->flags = parse_access(c, d, node, &ok);
	if (get_flag(c, d, node, "shared", &shared) == P_BAD)
		ok = false;
	if (shared)
		r->flags |= BH_MEM_SHARED;
	if (!ok)
		return;

	if (!r->size) {
		cell_error(c, d, node, "size must not be 0");
		return;
	}
	if (r->pa % SZ_4K) {
		cell_error(c, d, node, "physical base %#llx is not 4 KiB aligned",
			   (unsigned long long)r->pa);
		ok = false;
	}
	if (r->size % SZ_4K) {
		cell_error(c, d, node, "size %#llx is not 4 KiB aligned",
			   (unsigned long long)r->size);
		ok = false;
	}
	if (has_ipa && r->ipa % SZ_4K) {
		cell_error(c, d, node, "ipa %#llx is not 4 KiB aligned",
			   (unsigned long long)r->ipa);
		ok = false;
	}
	if (range_wraps(r->pa, r->size)) {
		cell_error(c, d, node, "physical range %#llx + %#llx wraps around",
			   (unsigned long long)r->pa, (unsigned long long)r->size);
		ok = false;
	} else if (!range_within(r->ipa, r->size, 0, ipa_limit(m))) {
		cell_error(c, d, node,
			   "IPA range %#llx + %#llx is beyond the board's %u-bit IPA space "
			   "(cpu-pa-bits)",
			   (unsigned long long)r->ipa, (unsigned long long)r->size,
			   m->board.pa_bits);
		ok = false;
	}
	r->ok = ok;
}

static void parse_memory(struct model *m, struct cfg_cell *c, int node)
{
	static const char *const props[] = {"#address-cells", "#size-cells", NULL};
	const struct dtb *d = &m->config_dtb;
	int sub;

	check_props(c, d, node, props);
	check_addr_cells(c, d, node);
	fdt_for_each_subnode (sub, d->fdt, node) {
		if (c->nmem >= CFG_MAX_MEM) {
			cell_error(c, d, sub, "more than %d memory regions in one cell",
				   CFG_MAX_MEM);
			break;
		}
		parse_region(m, c, &c->mem[c->nmem++], sub);
	}
	if (!c->nmem)
		cell_error(c, d, node, "no memory regions: add a subnode with 'reg'");
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* An arm64 Image header (Linux, and our payloads) says how much memory the
 * image takes once running, BSS included, and where it may be loaded. */
static void read_arm64_header(struct cfg_image *img)
{
	unsigned char h[64];
	FILE *f = fopen(img->path, "rb");
	size_t n = f ? fread(h, 1, sizeof(h), f) : 0;

	if (f)
		fclose(f);
	if (n != sizeof(h) || memcmp(h + 56, "ARM\x64", 4) != 0)
		return;
	img->arm64 = true;
	img->text_offset = le64(h + 8);
	/* image_size 0 comes from kernels older than 3.17: file size it is. */
	if (le64(h + 16) > img->span)
		img->span = le64(h + 16);
}

static void parse_image(struct model *m, struct cfg_cell *c, struct cfg_image *img, int node,
			bool kernel)
{
	static const char *const kprops[] = {"file", "load", "entry", NULL};
	static const char *const iprops[] = {"file", "load", NULL};
	const struct dtb *d = &m->config_dtb;
	bool ok = true;
	struct stat st;
	int r;

	img->node = node;
	check_props(c, d, node, kernel ? kprops : iprops);
	check_leaf(c, d, node);
	r = get_str(c, d, node, "file", &img->file);
	if (r == P_ABSENT)
		cell_error(c, d, node, "missing 'file' (the image, relative to the repository)");
	ok &= r == P_OK;
	r = get_u64(c, d, node, "load", &img->load);
	if (r == P_ABSENT)
		cell_error(c, d, node, "missing 'load' (<hi lo>: the IPA the image is copied to)");
	ok &= r == P_OK;
	if (kernel) {
		r = get_u64(c, d, node, "entry", &c->entry);
		c->has_entry = r == P_OK;
		ok &= r != P_BAD;
	}
	if (!img->file)
		return;

	if (!img->file[0] || !valid_file_name(img->file)) {
		cell_error(c, d, node,
			   "file name '%s' is empty or has a character make or the assembler "
			   "cannot take (whitespace, control, \", \\, $, #, :)",
			   msg_str(img->file));
		return;
	}
	if (img->file[0] != '/' && climbs_out(img->file)) {
		cell_error(c, d, node,
			   "file '%s' climbs out of the repository ('..'): name it from the "
			   "repository root, or give it as an absolute path",
			   msg_str(img->file));
		return;
	}
	if (img->file[0] == '/' || !strcmp(m->root, "."))
		r = snprintf(img->path, sizeof(img->path), "%s", img->file);
	else
		r = snprintf(img->path, sizeof(img->path), "%s/%s", m->root, img->file);
	if (r < 0 || (size_t)r >= sizeof(img->path)) {
		cell_error(c, d, node, "file name '%s' is too long", msg_str(img->file));
		return;
	}
	/* Only stat: the assembler reads the image (.incbin), and a FIFO or
	 * device named here must not block the tool. */
	if (stat(img->path, &st) != 0) {
		cell_error(c, d, node, "cannot read '%s': %s", msg_str(img->file), strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		cell_error(c, d, node, "'%s' is not a regular file", msg_str(img->file));
		return;
	}
	if (access(img->path, R_OK) != 0) {
		cell_error(c, d, node, "cannot read '%s': %s", msg_str(img->file), strerror(errno));
		return;
	}
	if (st.st_size == 0) {
		cell_error(c, d, node, "'%s' is empty", msg_str(img->file));
		return;
	}
	img->size = img->span = (uint64_t)st.st_size;
	if (kernel)
		read_arm64_header(img);
	img->ok = ok;
}

static void parse_console(struct model *m, struct cfg_cell *c, int node)
{
	static const char *const eprops[] = {"type", "ipa", "interrupt", NULL};
	static const char *const pprops[] = {"type", "device", NULL};
	static const char *const allprops[] = {"type", "ipa", "interrupt", "device", NULL};
	const struct dtb *d = &m->config_dtb;
	const char *type = NULL, *spec = NULL;
	bool ok = true;
	int r;

	c->console_node = node;
	check_leaf(c, d, node);
	r = get_str(c, d, node, "type", &type);
	if (r == P_ABSENT)
		cell_error(c, d, node, "missing 'type' (\"emulated\" or \"passthrough\")");
	if (r != P_OK) {
		check_props(c, d, node, allprops);
		return;
	}
	if (!strcmp(type, "emulated")) {
		c->console = BH_CONSOLE_VUART;
		check_props(c, d, node, eprops);
		/* Defaults: where the board's own console UART is. */
		c->console_ipa = m->board.console.base;
		c->console_irq = m->board.console_irq;
		ok &= get_u64(c, d, node, "ipa", &c->console_ipa) != P_BAD;
		ok &= get_u32(c, d, node, "interrupt", &c->console_irq) != P_BAD;
		if (ok && c->console_ipa % SZ_4K) {
			cell_error(c, d, node, "ipa %#llx is not 4 KiB aligned",
				   (unsigned long long)c->console_ipa);
			ok = false;
		}
		if (ok && !range_within(c->console_ipa, VUART_SIZE, 0, ipa_limit(m))) {
			cell_error(c, d, node,
				   "ipa %#llx is beyond the board's %u-bit IPA space (cpu-pa-bits)",
				   (unsigned long long)c->console_ipa, m->board.pa_bits);
			ok = false;
		}
		c->console_ok = ok;
	} else if (!strcmp(type, "passthrough")) {
		c->console = BH_CONSOLE_PASSTHROUGH;
		check_props(c, d, node, pprops);
		r = get_str(c, d, node, "device", &spec);
		if (r == P_ABSENT)
			cell_error(c, d, node, "missing 'device' (the board UART's alias or path)");
		else if (r == P_OK && !spec[0])
			cell_error(c, d, node, "'device' must not be empty");
		else if (r == P_OK)
			c->console_spec = spec;
	} else {
		cell_error(c, d, node, "console type \"%s\" is not \"emulated\" or \"passthrough\"",
			   msg_str(type));
		check_props(c, d, node, allprops);
	}
}

static void parse_devnode(struct model *m, struct cfg_cell *c, int node)
{
	static const char *const props[] = {"device", "ipa", "shared", NULL};
	const struct dtb *d = &m->config_dtb;
	const char *spec = NULL;
	uint64_t ipa = 0;
	bool shared, ok = true;
	int r, ripa;

	check_props(c, d, node, props);
	check_leaf(c, d, node);
	r = get_str(c, d, node, "device", &spec);
	if (r == P_ABSENT)
		cell_error(c, d, node, "missing 'device' (a board alias or absolute node path)");
	else if (r == P_OK && !spec[0])
		cell_error(c, d, node, "'device' must not be empty");
	ok &= r == P_OK && spec[0];
	ripa = get_u64(c, d, node, "ipa", &ipa);
	ok &= ripa != P_BAD;
	ok &= get_flag(c, d, node, "shared", &shared) != P_BAD;
	if (ok)
		add_dev(c, d, node, spec, shared, ripa == P_OK, ipa);
}

static void parse_devices_prop(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	int len;
	const char *p = fdt_getprop(d->fdt, c->node, "devices", &len);
	const char *end;

	if (!p)
		return;
	end = p + len;
	if (len < 2 || p[len - 1] != '\0') {
		cell_error(c, d, c->node,
			   "'devices' must be a list of strings (board aliases or "
			   "absolute paths)");
		return;
	}
	for (const char *s = p; s < end; s += strlen(s) + 1)
		if (!*s) {
			cell_error(c, d, c->node, "'devices' has an empty entry");
			return;
		}
	for (const char *s = p; s < end; s += strlen(s) + 1)
		add_dev(c, d, c->node, s, false, false, 0);
}

static void parse_streams(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	int len;
	const uint32_t *p = fdt_getprop(d->fdt, c->node, "smmu-streams", &len);
	uint32_t times[CFG_MAX_STREAMS] = {0};

	if (!p)
		return;
	if (len == 0 || len % 4) {
		cell_error(c, d, c->node, "'smmu-streams' must be a list of 32-bit stream IDs");
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t v = fdt32_to_cpu(p[i]), j = 0;

		while (j < c->nstreams && c->streams[j] != v)
			j++;
		if (j < c->nstreams) {
			times[j]++;
			continue;
		}
		if (c->nstreams >= CFG_MAX_STREAMS) {
			cell_error(c, d, c->node, "more than %d stream IDs in one cell",
				   CFG_MAX_STREAMS);
			break;
		}
		times[c->nstreams] = 1;
		c->streams[c->nstreams++] = v;
	}
	/* One message per repeated ID, however often it is repeated. */
	for (uint32_t j = 0; j < c->nstreams; j++)
		if (times[j] == 2)
			cell_error(c, d, c->node, "stream ID %u is listed twice", c->streams[j]);
		else if (times[j] > 2)
			cell_error(c, d, c->node, "stream ID %u is listed %u times", c->streams[j],
				   times[j]);
}

/* PCI functions (docs/config.md, PCI): "bb:dd.f" [" INTx"], and the sizes
 * of the cell's slices of the host bridge's windows. */
static void parse_pci(struct model *m, struct cfg_cell *c)
{
	const struct dtb *d = &m->config_dtb;
	int len;
	const char *p = fdt_getprop(d->fdt, c->node, "pci-functions", &len);
	uint32_t times[CFG_MAX_PCI] = {0};

	c->has_pci_win32 = get_u64(c, d, c->node, "pci-window-size", &c->pci_win32_size) == P_OK;
	c->has_pci_win64 = get_u64(c, d, c->node, "pci-window64-size", &c->pci_win64_size) == P_OK;
	c->has_pci_ecam_ipa = get_u64(c, d, c->node, "pci-ecam-ipa", &c->pci_ecam_ipa) == P_OK;
	if (!p)
		return;
	if (len < 2 || p[len - 1] != '\0') {
		cell_error(c, d, c->node,
			   "'pci-functions' must be a list of strings, e.g. \"00:02.0\"");
		return;
	}
	for (const char *s = p; s < p + len; s += strlen(s) + 1) {
		uint16_t bdf;
		uint8_t pin;
		uint32_t j = 0;

		if (!pci_parse_function(s, &bdf, &pin)) {
			cell_error(
				c, d, c->node,
				"'pci-functions': \"%s\" is not a PCI function: write "
				"bus:device.function in hex as lspci does, e.g. \"00:02.0\", "
				"optionally followed by the INTx pin it raises (\"00:02.1 INTB\"; "
				"INTA if not given)",
				msg_str(s));
			continue;
		}
		while (j < c->npci && c->pci[j].bdf != bdf)
			j++;
		if (j < c->npci) {
			times[j]++;
			continue;
		}
		if (c->npci >= CFG_MAX_PCI) {
			cell_error(c, d, c->node, "more than %d PCI functions in one cell",
				   CFG_MAX_PCI);
			break;
		}
		times[c->npci] = 1;
		c->pci[c->npci++] = (struct cfg_pci_fn){.bdf = bdf, .pin = pin, .ok = true};
	}
	for (uint32_t j = 0; j < c->npci; j++) {
		if (times[j] == 2)
			cell_error(c, d, c->node, "PCI function %s is listed twice",
				   bdf_str(c->pci[j].bdf));
		else if (times[j] > 2)
			cell_error(c, d, c->node, "PCI function %s is listed %u times",
				   bdf_str(c->pci[j].bdf), times[j]);
		c->pci[j].ok = times[j] == 1;
	}
}

static void parse_cell(struct model *m, struct cfg_cell *c, int node)
{
	static const char *const props[] = {"cpus",
					    "fault-policy",
					    "bootargs",
					    "dtb-load",
					    "devices",
					    "smmu-streams",
					    "dma-unprotected",
					    "pci-functions",
					    "pci-window-size",
					    "pci-window64-size",
					    "pci-ecam-ipa",
					    NULL};
	const struct dtb *d = &m->config_dtb;
	const char *s;
	bool seen_memory = false, seen_kernel = false;
	int sub;

	memset(c, 0, sizeof(*c));
	c->node = node;
	c->name = node_name(d, node);
	for (size_t i = 0; c->name[i]; i++)
		c->sym[i] = c->name[i] == '-' ? '_' : c->name[i];
	c->kernel.node = c->initrd.node = -1;
	c->console_node = c->console_dev = -1;
	c->fault_policy = BH_FAULT_INJECT;

	check_props(c, d, node, props);
	parse_cpus(m, c);
	if (get_str(c, d, node, "fault-policy", &s) == P_OK) {
		if (!strcmp(s, "inject"))
			c->fault_policy = BH_FAULT_INJECT;
		else if (!strcmp(s, "stop"))
			c->fault_policy = BH_FAULT_STOP;
		else if (!strcmp(s, "restart"))
			c->fault_policy = BH_FAULT_RESTART;
		else
			cell_error(c, d, node,
				   "fault-policy \"%s\" is not \"inject\", \"stop\" or \"restart\"",
				   msg_str(s));
	}
	get_str(c, d, node, "bootargs", &c->bootargs);
	get_flag(c, d, node, "dma-unprotected", &c->dma_unprotected);
	c->has_dtb_load = get_u64(c, d, node, "dtb-load", &c->dtb_load) == P_OK;
	parse_devices_prop(m, c);
	parse_streams(m, c);
	parse_pci(m, c);

	fdt_for_each_subnode (sub, d->fdt, node) {
		const char *name = node_name(d, sub);
		bool dup = false;

		if (!strcmp(name, "memory")) {
			dup = seen_memory;
			seen_memory = true;
			if (!dup)
				parse_memory(m, c, sub);
		} else if (!strcmp(name, "kernel")) {
			dup = seen_kernel;
			seen_kernel = true;
			if (!dup)
				parse_image(m, c, &c->kernel, sub, true);
		} else if (!strcmp(name, "initrd")) {
			dup = c->initrd.node >= 0;
			if (!dup)
				parse_image(m, c, &c->initrd, sub, false);
		} else if (!strcmp(name, "console")) {
			dup = c->console_node >= 0;
			if (!dup)
				parse_console(m, c, sub);
		} else if (!strncmp(name, "device-", 7) && name[7]) {
			parse_devnode(m, c, sub);
		} else {
			cell_error(c, d, sub, "unknown node");
		}
		if (dup)
			cell_error(c, d, sub, "duplicate node");
	}
	if (!seen_memory)
		cell_error(c, d, node,
			   "missing 'memory' node: a cell needs at least one memory region");
	if (!seen_kernel)
		cell_error(c, d, node, "missing 'kernel' node: the image the cell boots");
}

static void parse_cells(struct model *m, int node)
{
	static const char *const none[] = {NULL};
	const struct dtb *d = &m->config_dtb;
	int sub;

	check_props(NULL, d, node, none);
	fdt_for_each_subnode (sub, d->fdt, node) {
		const char *name = node_name(d, sub);
		bool dup = false;

		if (!valid_cell_name(name)) {
			cfg_error(
				d, sub,
				"invalid cell name '%s': use 1 to %d characters from a-z, 0-9 and "
				"'-'",
				msg_name(name), CFG_NAME_MAX);
			continue;
		}
		for (uint32_t i = 0; i < m->ncells && !dup; i++)
			dup = !strcmp(m->cell[i].name, name);
		if (dup) {
			cfg_error(d, sub, "duplicate cell name '%s'", msg_name(name));
			continue;
		}
		if (m->ncells >= CFG_MAX_CELLS) {
			cfg_error(d, sub, "more than %d cells", CFG_MAX_CELLS);
			break;
		}
		parse_cell(m, &m->cell[m->ncells++], sub);
	}
}

void config_parse(struct model *m)
{
	static const char *const props[] = {"compatible", "board", "#address-cells", "#size-cells",
					    NULL};
	const struct dtb *d = &m->config_dtb;
	const char *board = NULL;
	bool seen_cells = false;
	int node;

	if (!dt_compatible(d, 0, "bulkhead,system"))
		cfg_error(d, 0, "root 'compatible' must be \"bulkhead,system\"");
	if (get_str(NULL, d, 0, "board", &board) == P_ABSENT)
		cfg_error(d, 0, "missing 'board' (the board this system is for)");
	else if (board && m->board.name && strcmp(board, m->board.name) != 0)
		cfg_error(d, 0, "board = \"%s\", but building for board \"%s\"", msg_str(board),
			  m->board.name);
	check_props(NULL, d, 0, props);
	check_addr_cells(NULL, d, 0);
	fdt_for_each_subnode (node, d->fdt, 0) {
		if (strcmp(node_name(d, node), "cells") != 0) {
			cfg_error(d, node, "unknown node");
		} else if (seen_cells) {
			cfg_error(d, node, "duplicate node");
		} else {
			seen_cells = true;
			parse_cells(m, node);
		}
	}
}
