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
unsigned int cfg_warnings;

/* One message per distinct problem: every line printed is remembered (by a
 * 64-bit hash) and an identical one is neither printed nor counted again. */
static uint64_t *seen;
static size_t seen_used, seen_cap;

static uint64_t hash_line(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ? h : 1; /* 0 marks a free slot */
}

static bool seen_slot(uint64_t *tab, size_t cap, uint64_t h, bool insert)
{
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (tab[i] == h)
			return true;
		if (!tab[i]) {
			if (insert)
				tab[i] = h;
			return false;
		}
	}
}

/* True if @line was reported before; otherwise remembers it. */
static bool seen_before(const char *line)
{
	uint64_t h = hash_line(line);

	if (seen_cap && seen_slot(seen, seen_cap, h, false))
		return true;
	if (2 * (seen_used + 1) > seen_cap) {
		size_t cap = seen_cap ? 2 * seen_cap : 256;
		uint64_t *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return false; /* out of memory: rather repeat than lose a line */
		for (size_t i = 0; i < seen_cap; i++)
			if (seen[i])
				seen_slot(tab, cap, seen[i], true);
		free(seen);
		seen = tab;
		seen_cap = cap;
	}
	seen_slot(seen, seen_cap, h, true);
	seen_used++;
	return false;
}

void cfg_msgs_reset(void)
{
	free(seen);
	seen = NULL;
	seen_used = seen_cap = 0;
}

/* Returns false if the message is a repeat (not counted, not printed). */
static bool vmessage(const struct dtb *d, int node, bool warning, const char *fmt, va_list ap)
{
	char head[2 * CFG_MSG_PATH_MAX], *reason, *line;
	va_list aq;
	int n, hn;
	bool dup;

	/* Quiet (fuzzing): count every problem, remember nothing. */
	if (!cfg_msgs)
		return true;
	hn = snprintf(head, sizeof(head), "%s: %s: %s", msg_str(d->src), node_path(d, node),
		      warning ? "warning: " : "");
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || hn < 0)
		return true;
	reason = malloc((size_t)n + 1);
	line = malloc((size_t)hn + (size_t)n + 1);
	if (!reason || !line) {
		free(reason);
		free(line);
		fprintf(cfg_msgs, "%s(out of memory)\n", head);
		return true;
	}
	vsnprintf(reason, (size_t)n + 1, fmt, ap);
	memcpy(line, head, (size_t)hn);
	memcpy(line + hn, reason, (size_t)n + 1);
	dup = seen_before(line);
	if (!dup)
		fprintf(cfg_msgs, "%s\n", line);
	free(reason);
	free(line);
	return !dup;
}

static void verror(struct cfg_cell *c, const struct dtb *d, int node, const char *fmt, va_list ap)
{
	if (!vmessage(d, node, false, fmt, ap))
		return;
	cfg_errors++;
	if (c)
		c->errors++;
}

void cfg_error(const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(NULL, d, node, fmt, ap);
	va_end(ap);
}

void cell_error(struct cfg_cell *c, const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, d, node, fmt, ap);
	va_end(ap);
}

void cfg_warn(const struct dtb *d, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vmessage(d, node, true, fmt, ap))
		cfg_warnings++;
	va_end(ap);
}

/* Appends @len bytes of @s as a message shows them: printable ASCII as it
 * is, other bytes as \xNN, and only the first @show bytes of a long one,
 * followed by "..." (an ellipsis) and its length, so that the name is still
 * recognisable and a line stays a line. */
static size_t shown(char *out, size_t cap, const char *s, size_t len, size_t show)
{
	size_t o = 0;

	for (size_t i = 0; i < len && i < show && o + 8 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= ' ' && ch < 0x7f)
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
	}
	if (len > show)
		o += (size_t)snprintf(out + o, cap - o, "\u2026(%zu characters)", len);
	out[o < cap ? o : cap - 1] = '\0';
	return o < cap ? o : cap - 1;
}

const char *msg_str(const char *s)
{
	static char buf[8][CFG_MSG_STR_MAX * 4 + 32];
	static unsigned int slot;
	char *p = buf[slot++ % 8];

	if (!s)
		return "";
	shown(p, sizeof(buf[0]), s, strlen(s), CFG_MSG_STR_MAX);
	return p;
}

const char *msg_name(const char *s)
{
	static char buf[8][CFG_MSG_NAME_MAX * 4 + 32];
	static unsigned int slot;
	char *p = buf[slot++ % 8];

	if (!s)
		return "";
	shown(p, sizeof(buf[0]), s, strlen(s), CFG_MSG_NAME_MAX);
	return p;
}

/* A message may name a few nodes, so a handful of buffers rotate. Long
 * names are shortened (see shown()); deep paths keep their last nodes. */
const char *node_path(const struct dtb *d, int node)
{
	static char buf[8][CFG_MSG_PATH_MAX];
	static unsigned int slot;
	char *p = buf[slot++ % 8];
	int chain[CFG_MSG_PATH_NODES];
	int n = 0, cur = node;
	size_t o = 0;
	bool cut = false;

	if (node <= 0 || !d->fdt)
		return "/";
	while (cur > 0) {
		if (n < CFG_MSG_PATH_NODES)
			chain[n++] = cur; /* the deepest ones are kept */
		else
			cut = true;
		cur = fdt_parent_offset(d->fdt, cur);
	}
	if (cur < 0)
		return "<invalid node>";
	if (cut)
		o += (size_t)snprintf(p, sizeof(buf[0]), "/\u2026");
	for (int i = n - 1; i >= 0 && o + 2 < sizeof(buf[0]); i--) {
		int len;
		const char *name = fdt_get_name(d->fdt, chain[i], &len);

		p[o++] = '/';
		if (name && len > 0)
			o += shown(p + o, sizeof(buf[0]) - o, name, (size_t)len, CFG_MSG_NAME_MAX);
	}
	p[o] = '\0';
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
