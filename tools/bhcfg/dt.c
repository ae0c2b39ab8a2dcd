// SPDX-License-Identifier: Apache-2.0
/* Device-tree helpers and error reporting for bhcfg. */
#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

FILE *cfg_msgs;
unsigned int cfg_errors;

static void verror(const struct dtb *d, int node, const char *fmt, va_list ap)
{
	cfg_errors++;
	if (!cfg_msgs)
		return;
	fprintf(cfg_msgs, "%s: %s: ", d->src, node_path(d, node));
	vfprintf(cfg_msgs, fmt, ap);
	fputc('\n', cfg_msgs);
}

void cfg_error(const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(d, node, fmt, ap);
	va_end(ap);
}

void cell_error(struct cfg_cell *c, const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	if (c)
		c->errors++;
	va_start(ap, fmt);
	verror(d, node, fmt, ap);
	va_end(ap);
}

/* A message may name a few nodes, so a handful of buffers rotate. */
const char *node_path(const struct dtb *d, int node)
{
	static char buf[8][CFG_PATH_MAX];
	static unsigned int slot;
	char *p = buf[slot++ % 8];

	if (node < 0 || !d->fdt)
		return "/";
	if (fdt_get_path(d->fdt, node, p, sizeof(buf[0])) != 0)
		return "<path too long>";
	return p;
}

int dtb_from_buffer(struct dtb *d, const void *buf, size_t len, const char *src)
{
	int err;

	d->src = src;
	d->fdt = NULL;
	d->size = 0;
	if (len < FDT_V17_SIZE || len > 64 * 1024 * 1024) {
		if (cfg_msgs)
			fprintf(cfg_msgs, "%s: not a device tree blob (size %zu)\n", src, len);
		return -1;
	}
	/* malloc's alignment suits libfdt's 32-bit loads. */
	d->fdt = malloc(len);
	if (!d->fdt) {
		if (cfg_msgs)
			fprintf(cfg_msgs, "%s: out of memory\n", src);
		return -1;
	}
	memcpy(d->fdt, buf, len);
	/* libfdt 1.6's fdt_check_full() can crash on pre-v16 blobs (found by
	 * fuzzing); dtc writes v17, the only version taken here. */
	if (fdt_magic(d->fdt) == FDT_MAGIC && fdt_version(d->fdt) < 17) {
		if (cfg_msgs)
			fprintf(cfg_msgs,
				"%s: unsupported device tree version %u (dtc writes 17)\n", src,
				fdt_version(d->fdt));
		dtb_free(d);
		return -1;
	}
	err = fdt_check_full(d->fdt, len);
	if (err) {
		if (cfg_msgs)
			fprintf(cfg_msgs, "%s: invalid device tree blob: %s\n", src,
				fdt_strerror(err));
		dtb_free(d);
		return -1;
	}
	d->size = len;
	return 0;
}

void dtb_free(struct dtb *d)
{
	free(d->fdt);
	d->fdt = NULL;
	d->size = 0;
}

int dtb_load(struct dtb *d, const char *path, const char *src)
{
	FILE *f = fopen(path, "rb");
	long len;
	void *buf;
	int ret;

	d->src = src ? src : path;
	d->fdt = NULL;
	if (!f) {
		fprintf(stderr, "%s: cannot open %s: %s\n", d->src, path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (len <= 0 || len > 64 * 1024 * 1024) {
		fprintf(stderr, "%s: %s: not a device tree blob (size %ld)\n", d->src, path, len);
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)len);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read %s\n", d->src, path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	ret = dtb_from_buffer(d, buf, (size_t)len, d->src);
	free(buf);
	return ret;
}

uint64_t dt_cells(const uint32_t *cells, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(cells[i]);
	return v;
}

static void reg_cells(const struct dtb *d, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(d->fdt, node);

	*ac = parent >= 0 ? fdt_address_cells(d->fdt, parent) : 2;
	*sc = parent >= 0 ? fdt_size_cells(d->fdt, parent) : 1;
	if (*ac < 0 || *ac > 2)
		*ac = -1;
	if (*sc < 0 || *sc > 2)
		*sc = -1;
}

int dt_reg_count(const struct dtb *d, int node)
{
	int ac, sc, len;
	const uint32_t *reg = fdt_getprop(d->fdt, node, "reg", &len);

	reg_cells(d, node, &ac, &sc);
	if (!reg || ac < 0 || sc < 0 || ac + sc == 0)
		return 0;
	return len / (int)(4 * (ac + sc));
}

int dt_reg(const struct dtb *d, int node, int idx, uint64_t *base, uint64_t *size)
{
	int ac, sc, len;
	const uint32_t *reg = fdt_getprop(d->fdt, node, "reg", &len);

	reg_cells(d, node, &ac, &sc);
	if (!reg || ac < 0 || sc < 0 || idx < 0 || idx >= dt_reg_count(d, node))
		return -1;
	reg += idx * (ac + sc);
	*base = dt_cells(reg, ac);
	*size = dt_cells(reg + ac, sc);
	return 0;
}

int dt_reg_translated(const struct dtb *d, int node, int idx, uint64_t *base, uint64_t *size)
{
	uint64_t addr, sz;
	int bus;

	if (dt_reg(d, node, idx, &addr, &sz))
		return -1;
	/* Walk up the buses: each maps its children's addresses with 'ranges'
	 * (empty: identity; absent: not memory-mapped at all). */
	for (bus = fdt_parent_offset(d->fdt, node); bus > 0; bus = fdt_parent_offset(d->fdt, bus)) {
		int parent = fdt_parent_offset(d->fdt, bus);
		int len, cac, csc, pac, n;
		const uint32_t *r = fdt_getprop(d->fdt, bus, "ranges", &len);
		bool found = false;

		if (!r || parent < 0)
			return -1;
		if (len == 0)
			continue;
		cac = fdt_address_cells(d->fdt, bus);
		csc = fdt_size_cells(d->fdt, bus);
		pac = fdt_address_cells(d->fdt, parent);
		if (cac < 1 || cac > 2 || csc < 1 || csc > 2 || pac < 1 || pac > 2)
			return -1;
		n = cac + pac + csc;
		if (len % (4 * n))
			return -1;
		for (int i = 0; i < len / (4 * n) && !found; i++, r += n) {
			uint64_t cb = dt_cells(r, cac), pb = dt_cells(r + cac, pac);
			uint64_t rs = dt_cells(r + cac + pac, csc);

			if (range_within(addr, sz, cb, rs) && !range_wraps(pb, rs)) {
				addr = pb + (addr - cb);
				found = true;
			}
		}
		if (!found)
			return -1;
	}
	*base = addr;
	*size = sz;
	return 0;
}

bool dt_is_within(const struct dtb *d, int node, int anc)
{
	if (anc < 0)
		return false;
	for (int depth = 0; node >= 0 && depth < 64; depth++) {
		if (node == anc)
			return true;
		if (node == 0)
			break;
		node = fdt_parent_offset(d->fdt, node);
	}
	return false;
}

bool dt_compatible(const struct dtb *d, int node, const char *compat)
{
	return fdt_node_check_compatible(d->fdt, node, compat) == 0;
}

bool dt_u32(const struct dtb *d, int node, const char *prop, uint32_t *out)
{
	int len;
	const uint32_t *v = fdt_getprop(d->fdt, node, prop, &len);

	if (!v || len != 4)
		return false;
	*out = fdt32_to_cpu(*v);
	return true;
}
