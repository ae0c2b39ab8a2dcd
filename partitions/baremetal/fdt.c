// SPDX-License-Identifier: Apache-2.0
/*
 * Just enough flattened-device-tree reading for a payload: RAM, CPUs,
 * /chosen/bootargs and the interrupt controller. The tree is only read,
 * never trusted for lengths beyond its own header.
 */
#include <bulkhead/string.h>

#include "internal.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9
#define FDT_MAX_SIZE   0x200000 /* QEMU and Bulkhead keep it within 2 MiB */

/* Nodes the parser cares about. */
#define OTHER  0
#define ROOT   1
#define MEMORY 2
#define CPUS   3
#define CPU    4
#define CHOSEN 5
#define DEVICE 6 /* any other node under / : the GIC is one of them */

struct bm_platform bm_plat;

/* The node starts (just past FDT_BEGIN_NODE and its name) at each depth
 * while walking the tree in bm_fdt_find_compatible(). */
#define FDT_MAX_DEPTH 16

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A big-endian number of @cells 32-bit cells. */
static uint64_t cells(const uint8_t *p, uint32_t ncells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < ncells && i < 2; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool fdt_valid(uint64_t addr)
{
	uint32_t magic, size;

	/* Only in the RAM block we map, read with probes: a bad x0 must not
	 * kill us before the first line. */
	if (addr < BM_RAM_BASE || addr >= BM_RAM_BASE + BM_RAM_MAP_SIZE || addr % 8)
		return false;
	if (!bm_probe_read32(addr, &magic) || !bm_probe_read32(addr + 4, &size))
		return false;
	size = be32((const uint8_t *)&size);
	if (be32((const uint8_t *)&magic) != FDT_MAGIC || size > FDT_MAX_SIZE ||
	    addr + size > BM_RAM_BASE + BM_RAM_MAP_SIZE)
		return false;
	/* Not over our own image: that would be a stale or bogus pointer. */
	return addr + size <= (uintptr_t)_image_start || addr >= (uintptr_t)_image_end;
}

/* Length of the string at @s if it ends before @end, else -1. */
static long bounded_len(const char *s, const uint8_t *end)
{
	for (const char *p = s; (const uint8_t *)p < end; p++)
		if (!*p)
			return p - s;
	return -1;
}

/* @s starts with @prefix; *@rest points past it. */
static bool starts_with(const char *s, const char *prefix, const char **rest)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	*rest = s;
	return true;
}

/* GIC version from a compatible string list, 0 if it names no GIC. */
static unsigned int gic_compatible(const char *list, uint32_t len)
{
	static const struct {
		const char *compat;
		unsigned int version;
	} gics[] = {
		{"arm,gic-v3", 3},
		{"arm,cortex-a15-gic", 2},
		{"arm,gic-400", 2},
		{"arm,cortex-a7-gic", 2},
	};

	/* Strings must end inside the property: compare only those that do. */
	for (uint32_t off = 0; off < len;) {
		const char *c = list + off;
		long n = bounded_len(c, (const uint8_t *)list + len);

		if (n < 0)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(gics); i++)
			if (!strcmp(c, gics[i].compat))
				return gics[i].version;
		off += (uint32_t)n + 1;
	}
	return 0;
}

/* Node @name is @base or @base@unit-address. */
static bool name_is(const char *name, const char *base)
{
	const char *rest;

	return starts_with(name, base, &rest) && (*rest == '\0' || *rest == '@');
}

static void parse(const uint8_t *fdt)
{
	uint32_t total = be32(fdt + 4), off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
	const uint8_t *p = fdt + off_struct, *end = fdt + total;
	const char *strings = (const char *)fdt + off_strings;
	uint32_t root_ac = 2, root_sc = 1, cpus_ac = 1;

	bm_plat.addr_cells = root_ac;
	bm_plat.size_cells = root_sc;
	/* Which interesting node we are in, by depth (0 = /). */
	int at[8] = {OTHER};
	int depth = 0;
	/* The top-level node being read: its GIC version and first two reg
	 * addresses, taken when the node ends (properties come in any order). */
	unsigned int dev_gic = 0, dev_nreg = 0;
	uint64_t dev_reg[2] = {0, 0};

	if (off_struct >= total || off_strings >= total)
		return;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			long len = bounded_len(name, end);
			int kind = OTHER;

			if (len < 0)
				return;
			if (depth == 0)
				kind = ROOT;
			else if (depth == 1 && name_is(name, "memory"))
				kind = MEMORY;
			else if (depth == 1 && name_is(name, "cpus"))
				kind = CPUS;
			else if (depth == 1 && name_is(name, "chosen"))
				kind = CHOSEN;
			else if (depth == 2 && at[1] == CPUS && name_is(name, "cpu"))
				kind = CPU;
			else if (depth == 1)
				kind = DEVICE;
			if (kind == DEVICE)
				dev_gic = dev_nreg = 0;
			if (depth < (int)ARRAY_SIZE(at))
				at[depth] = kind;
			depth++;
			p += ((size_t)len + 4) & ~(size_t)3;
		} else if (tok == FDT_END_NODE) {
			if (--depth < 0)
				return;
			if (depth == 1 && at[1] == DEVICE && dev_gic && dev_nreg == 2 &&
			    !bm_plat.gic_version) {
				bm_plat.gic_version = dev_gic;
				bm_plat.gicd_base = dev_reg[0];
				if (dev_gic == 3)
					bm_plat.gicr_base = dev_reg[1];
				else
					bm_plat.gicc_base = dev_reg[1];
			}
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *pname = strings + nameoff;
			int node =
				depth >= 1 && depth <= (int)ARRAY_SIZE(at) ? at[depth - 1] : OTHER;

			if (val + len > end || off_strings + nameoff >= total ||
			    bounded_len(pname, end) < 0)
				return;
			if (node == ROOT && !strcmp(pname, "#address-cells") && len == 4)
				root_ac = bm_plat.addr_cells = be32(val);
			else if (node == ROOT && !strcmp(pname, "#size-cells") && len == 4)
				root_sc = bm_plat.size_cells = be32(val);
			else if (node == CPUS && !strcmp(pname, "#address-cells") && len == 4)
				cpus_ac = be32(val);
			else if (node == MEMORY && !strcmp(pname, "reg") && !bm_plat.ram_size &&
				 len >= 4 * (root_ac + root_sc)) {
				bm_plat.ram_base = cells(val, root_ac);
				bm_plat.ram_size = cells(val + 4 * root_ac, root_sc);
			} else if (node == CPU && !strcmp(pname, "reg") && len >= 4 * cpus_ac) {
				if (bm_plat.ncpus < BM_MAX_VCPUS)
					bm_plat.cpu_mpidr[bm_plat.ncpus] = cells(val, cpus_ac);
				bm_plat.ncpus++;
			} else if (node == DEVICE && !strcmp(pname, "compatible")) {
				dev_gic = gic_compatible((const char *)val, len);
			} else if (node == DEVICE && !strcmp(pname, "reg")) {
				uint32_t entry = 4 * (root_ac + root_sc);

				for (dev_nreg = 0; dev_nreg < 2 && (dev_nreg + 1) * entry <= len;
				     dev_nreg++)
					dev_reg[dev_nreg] = cells(val + dev_nreg * entry, root_ac);
			} else if (node == CHOSEN && !strcmp(pname, "bootargs")) {
				size_t n = MIN((size_t)len, sizeof(bm_plat.bootargs) - 1);

				memcpy(bm_plat.bootargs, val, n);
				bm_plat.bootargs[n] = '\0';
			}
			p = val + ((len + 3) & ~3U);
		} else if (tok == FDT_END) {
			return;
		} else if (tok != FDT_NOP) {
			return;
		}
	}
}

void bm_fdt_scan(uint64_t x0)
{
	if (fdt_valid(x0)) {
		bm_plat.dtb = x0;
		bm_plat.dtb_from_x0 = true;
	} else if (fdt_valid(BM_RAM_BASE)) {
		/* QEMU puts the DTB of an ELF -kernel at the RAM base. */
		bm_plat.dtb = BM_RAM_BASE;
	}
	if (bm_plat.dtb)
		parse((const uint8_t *)(uintptr_t)bm_plat.dtb);
	if (!bm_plat.ncpus)
		bm_plat.ncpus = 1;
	if (!bm_plat.gic_version) {
		bm_plat.gic_version = 3;
		bm_plat.gicd_base = BM_GICD_BASE;
		bm_plat.gicr_base = BM_GICR_BASE;
	}
}

bool bm_bootarg(const char *word)
{
	for (const char *p = bm_plat.bootargs; *p;) {
		const char *rest;

		while (*p == ' ')
			p++;
		if (starts_with(p, word, &rest) && (*rest == ' ' || *rest == '\0'))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

bool bm_native(void)
{
	return bm_bootarg("bm.native");
}

/* ---- Generic lookups (after bm_fdt_scan) --------------------------------- */

uint32_t bm_fdt_be32(const void *p)
{
	return be32(p);
}

uint64_t bm_fdt_cells(const void *p, uint32_t ncells)
{
	return cells(p, ncells);
}

/* The header's bounds, or false if there is no tree. */
static bool bounds(const uint8_t **fdt, const uint8_t **structs, const uint8_t **end,
		   const char **strings)
{
	uint32_t total, off_struct, off_strings;

	if (!bm_plat.dtb)
		return false;
	*fdt = (const uint8_t *)(uintptr_t)bm_plat.dtb;
	total = be32(*fdt + 4);
	off_struct = be32(*fdt + 8);
	off_strings = be32(*fdt + 12);
	if (off_struct >= total || off_strings >= total)
		return false;
	*structs = *fdt + off_struct;
	*end = *fdt + total;
	*strings = (const char *)*fdt + off_strings;
	return true;
}

/*
 * Walk the properties of the node whose first property (or subnode) starts
 * at @node: @name's value and length, or NULL. With @compat, instead walk
 * the whole tree from @node and return the start of the first node whose
 * "compatible" list holds @compat (as an offset, in *@found).
 */
static const void *walk(long node, const char *name, const char *compat, long *found,
			uint32_t *lenp)
{
	const uint8_t *fdt, *structs, *end, *p;
	const char *strings;
	long starts[FDT_MAX_DEPTH];
	int depth = 0;

	if (!bounds(&fdt, &structs, &end, &strings) || node < 0 || fdt + node >= end)
		return NULL;
	p = compat ? structs : fdt + node;
	starts[0] = node;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			long len = bounded_len((const char *)p, end);

			if (len < 0 || !compat)
				return NULL; /* a subnode: the node's own properties are over */
			p += ((size_t)len + 4) & ~(size_t)3;
			if (++depth >= FDT_MAX_DEPTH)
				return NULL;
			starts[depth] = p - fdt;
		} else if (tok == FDT_END_NODE) {
			if (!compat || --depth < 0)
				return NULL;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *pname = strings + nameoff;

			if (val + len > end || (const uint8_t *)pname >= end ||
			    bounded_len(pname, end) < 0)
				return NULL;
			p = val + ((len + 3) & ~3U);
			if (!compat && !strcmp(pname, name)) {
				*lenp = len;
				return val;
			}
			if (compat && !strcmp(pname, "compatible")) {
				for (uint32_t off = 0; off < len;) {
					const char *c = (const char *)val + off;
					long n = bounded_len(c, val + len);

					if (n < 0)
						break;
					if (!strcmp(c, compat)) {
						*found = starts[depth];
						return val;
					}
					off += (uint32_t)n + 1;
				}
			}
		} else if (tok != FDT_NOP) {
			return NULL;
		}
	}
	return NULL;
}

long bm_fdt_find_compatible(const char *compat)
{
	long found = -1;
	uint32_t len;

	return walk(0, NULL, compat, &found, &len) ? found : -1;
}

const void *bm_fdt_getprop(long node, const char *name, uint32_t *len)
{
	return walk(node, name, NULL, NULL, len);
}
