// SPDX-License-Identifier: Apache-2.0
/* Device-tree helpers and error reporting for bhcfg. */
#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

unsigned int cfg_errors;

void cfg_error(const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", d->src, node_path(d, node));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cfg_errors++;
}

const char *node_path(const struct dtb *d, int node)
{
	static char buf[4][512];
	static unsigned int slot;
	char *p = buf[slot++ % 4];

	if (node < 0 || !d->fdt || fdt_get_path(d->fdt, node, p, sizeof(buf[0])) != 0)
		return "/";
	return p;
}

int dtb_load(struct dtb *d, const char *path, const char *src)
{
	FILE *f = fopen(path, "rb");
	long len;
	int err;

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
	d->fdt = malloc((size_t)len);
	if (!d->fdt || fread(d->fdt, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read %s\n", d->src, path);
		fclose(f);
		free(d->fdt);
		d->fdt = NULL;
		return -1;
	}
	fclose(f);
	err = fdt_check_full(d->fdt, (size_t)len);
	if (err) {
		fprintf(stderr, "%s: %s: invalid device tree blob: %s\n", d->src, path,
			fdt_strerror(err));
		free(d->fdt);
		d->fdt = NULL;
		return -1;
	}
	return 0;
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
