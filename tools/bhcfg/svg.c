// SPDX-License-Identifier: Apache-2.0
/*
 * bhcfg --svg: the physical memory map as a picture. Addresses grow upwards;
 * each stretch between two region edges gets a height that grows with the
 * logarithm of its size, so a 4 KiB device stays visible next to 2 GiB of RAM,
 * and address ranges nobody uses collapse into a short break.
 */
#include <libfdt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"
#include "show.h"

#define ULL(x) ((unsigned long long)(x))

#define MAX_ITEMS  512
#define OWNER_HYP  -1 /* hypervisor memory */
#define OWNER_HDEV -2 /* hypervisor's devices */
#define OWNER_FREE -3 /* unused RAM */

#define WIDTH	1000
#define BAR_X	170
#define BAR_W	220
#define LABEL_X 430
#define TOP	112
#define GAP_H	18
#define LINE_H	14

struct item {
	uint64_t base, size;
	int owner; /* cell index or OWNER_* */
	bool dev;  /* MMIO rather than memory */
	char label[200];
};

struct seg {
	uint64_t lo, hi; /* [lo, hi) */
	double y, h;	 /* top and height on the page */
	bool gap;
};

static const char *const cell_colours[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
	"#ff9da7", "#86bcb6", "#d37295", "#8cd17d", "#499894", "#f1ce63", "#a0cbe8", "#ffbe7d"};

static const char *colour(int owner)
{
	switch (owner) {
	case OWNER_HYP:
		return "#3b3b3b";
	case OWNER_HDEV:
		return "#8c8c8c";
	case OWNER_FREE:
		return "#ececec";
	default:
		return cell_colours[(unsigned int)owner %
				    (sizeof(cell_colours) / sizeof(cell_colours[0]))];
	}
}

/* Text for SVG: the XML specials escaped. */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

struct map {
	struct item it[MAX_ITEMS];
	uint32_t n;
	uint64_t edge[2 * MAX_ITEMS];
	uint32_t nedge;
	struct seg seg[2 * MAX_ITEMS];
	uint32_t nseg;
};

static struct item *add_item(struct map *mp, uint64_t base, uint64_t size, int owner, bool dev)
{
	struct item *it;

	if (mp->n >= MAX_ITEMS || !size)
		return NULL;
	it = &mp->it[mp->n++];
	it->base = base;
	it->size = size;
	it->owner = owner;
	it->dev = dev;
	it->label[0] = '\0';
	return it;
}

static void collect(const struct model *m, struct map *mp)
{
	const struct bh_board *b = &m->board;
	const struct {
		const char *name;
		const struct bh_range *r;
	} hdev[] = {
		{"GICD", &b->gic.dist},	       {"GICR", &b->gic.redist},
		{"GICC", &b->gic.cpu},	       {"GICH", &b->gic.hyp},
		{"GICV", &b->gic.vcpu},	       {"SMMU", &b->smmu},
		{"console UART", &b->console}, {"PCI ECAM (root bus)", &b->pci_ecam},
	};
	struct bh_range fr[64];
	uint32_t nfree = free_ram(m, fr, 64);
	struct item *it;
	char sz[32], acc[4];

	it = add_item(mp, b->hyp_mem.base, b->hyp_mem.size, OWNER_HYP, false);
	if (it)
		snprintf(it->label, sizeof(it->label), "Bulkhead hypervisor memory, %s",
			 fmt_size(b->hyp_mem.size, sz, sizeof(sz)));
	for (size_t i = 0; i < sizeof(hdev) / sizeof(hdev[0]); i++) {
		it = add_item(mp, hdev[i].r->base, hdev[i].r->size, OWNER_HDEV, true);
		if (it)
			snprintf(it->label, sizeof(it->label), "%s (hypervisor), %s", hdev[i].name,
				 fmt_size(hdev[i].r->size, sz, sizeof(sz)));
	}
	for (uint32_t i = 0; i < nfree; i++) {
		it = add_item(mp, fr[i].base, fr[i].size, OWNER_FREE, false);
		if (it)
			snprintf(it->label, sizeof(it->label), "free RAM, %s",
				 fmt_size(fr[i].size, sz, sizeof(sz)));
	}
	for (uint32_t ci = 0; ci < m->ncells; ci++) {
		const struct cfg_cell *c = &m->cell[ci];

		for (uint32_t k = 0; k < c->nmem; k++) {
			const struct cfg_mem *r = &c->mem[k];

			it = add_item(mp, r->pa, r->size, (int)ci, false);
			if (it)
				snprintf(it->label, sizeof(it->label), "%s: %s, %s %s%s, IPA %#llx",
					 c->name, fdt_get_name(m->config_dtb.fdt, r->node, NULL),
					 fmt_size(r->size, sz, sizeof(sz)),
					 fmt_access(r->flags, acc),
					 r->flags & BH_MEM_SHARED ? " shared" : "", ULL(r->ipa));
		}
		for (uint32_t k = 0; k < c->ndev; k++) {
			const struct cfg_dev *dev = &c->dev[k];

			for (uint32_t w = 0; w < dev->nwin; w++) {
				uint64_t lo = dev->win[w].pa & ~(SZ_4K - 1);
				uint64_t hi = (dev->win[w].pa + dev->win[w].size + SZ_4K - 1) &
					      ~(SZ_4K - 1);

				it = add_item(mp, lo, hi - lo, (int)ci, true);
				if (it && dev->spec[0] == '/')
					snprintf(it->label, sizeof(it->label),
						 "%s: device %s, IPA %#llx", c->name, dev->spec,
						 ULL(dev->win[w].ipa));
				else if (it)
					snprintf(it->label, sizeof(it->label),
						 "%s: device %s (%s), IPA %#llx", c->name,
						 dev->spec, node_path(&m->board_dtb, dev->bnode),
						 ULL(dev->win[w].ipa));
			}
		}
		for (uint32_t k = 0; k < c->npci_windows; k++) {
			const struct bh_pci_window *w = &c->pci_windows[k];

			it = add_item(mp, w->base, w->size, (int)ci, true);
			if (it)
				snprintf(it->label, sizeof(it->label),
					 "%s: PCI window, %s, IPA = PA", c->name,
					 fmt_size(w->size, sz, sizeof(sz)));
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool covers(const struct item *it, const struct seg *s)
{
	return it->base <= s->lo && s->hi <= it->base + it->size;
}

/* Heights: a 4 KiB stretch gets the minimum, each doubling a little more. */
static double seg_height(uint64_t size)
{
	double pages = (double)size / (double)SZ_4K;

	return 16.0 + 5.5 * log2(pages < 1.0 ? 1.0 : pages);
}

static void layout(struct map *mp, double *bottom)
{
	double y = TOP;

	for (uint32_t i = 0; i < mp->n; i++) {
		mp->edge[mp->nedge++] = mp->it[i].base;
		mp->edge[mp->nedge++] = mp->it[i].base + mp->it[i].size;
	}
	qsort(mp->edge, mp->nedge, sizeof(mp->edge[0]), cmp_u64);
	/* Highest addresses at the top of the page. */
	for (uint32_t i = mp->nedge; i-- > 1;) {
		struct seg *s = &mp->seg[mp->nseg];

		if (mp->edge[i] == mp->edge[i - 1])
			continue;
		s->lo = mp->edge[i - 1];
		s->hi = mp->edge[i];
		s->gap = true;
		for (uint32_t k = 0; k < mp->n && s->gap; k++)
			s->gap = !covers(&mp->it[k], s);
		s->y = y;
		s->h = s->gap ? GAP_H : seg_height(s->hi - s->lo);
		y += s->h;
		mp->nseg++;
	}
	*bottom = y;
}

static void draw_segments(const struct map *mp, FILE *f)
{
	for (uint32_t i = 0; i < mp->nseg; i++) {
		const struct seg *s = &mp->seg[i];
		int owners[MAX_ITEMS];
		uint32_t n = 0;
		bool ram = false;

		if (s->gap) {
			/* A torn edge: this stretch is not drawn to scale. */
			double ym = s->y + s->h / 2;

			fprintf(f,
				"<path d=\"M%d %.1f l20 -5 l20 10 l20 -10 l20 10 l20 -10 l20 10 "
				"l20 -10 l20 10 l20 -10 l20 10 l20 -5\" fill=\"none\" "
				"stroke=\"#b0b0b0\" stroke-width=\"1.5\"/>\n",
				BAR_X - 0, ym);
			continue;
		}
		for (uint32_t k = 0; k < mp->n; k++) {
			if (!covers(&mp->it[k], s))
				continue;
			if (mp->it[k].owner == OWNER_FREE)
				ram = true;
			else
				owners[n++] = mp->it[k].owner;
		}
		if (!n && ram)
			owners[n++] = OWNER_FREE;
		/* Shared memory: one stripe per owner. */
		for (uint32_t k = 0; k < n; k++)
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
				BAR_X + (double)BAR_W * k / n, s->y, (double)BAR_W / n, s->h,
				colour(owners[k]));
	}
}

static void draw_addresses(const struct map *mp, FILE *f)
{
	double last_y = -100;

	for (uint32_t i = 0; i < mp->nseg; i++) {
		const struct seg *s = &mp->seg[i];
		double ys[2] = {s->y, s->y + s->h};
		uint64_t as[2] = {s->hi, s->lo};

		for (int k = 0; k < 2; k++) {
			if (ys[k] - last_y < 1)
				continue; /* the same edge as the previous segment's */
			fprintf(f,
				"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"addr\">"
				"0x%llx</text>\n",
				BAR_X - 8, ys[k] + 4, ULL(as[k]));
			fprintf(f,
				"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
				"stroke=\"#999\" stroke-width=\"0.8\"/>\n",
				BAR_X - 5, ys[k], BAR_X, ys[k]);
			last_y = ys[k];
		}
	}
}

struct label {
	double want, y;
	const struct item *it;
};

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return x->want < y->want ? -1 : x->want > y->want;
}

static double draw_labels(const struct map *mp, FILE *f)
{
	static struct label lb[MAX_ITEMS];
	uint32_t n = 0;
	double y = 0;

	for (uint32_t i = 0; i < mp->n; i++) {
		const struct item *it = &mp->it[i];
		double top = 1e9, bot = -1e9;

		for (uint32_t k = 0; k < mp->nseg; k++)
			if (covers(it, &mp->seg[k])) {
				top = mp->seg[k].y < top ? mp->seg[k].y : top;
				bot = mp->seg[k].y + mp->seg[k].h > bot
					      ? mp->seg[k].y + mp->seg[k].h
					      : bot;
			}
		if (top > bot)
			continue;
		lb[n].want = (top + bot) / 2;
		lb[n].it = it;
		n++;
	}
	qsort(lb, n, sizeof(lb[0]), cmp_label);
	/* Push labels down until none overlaps the one above it. */
	for (uint32_t i = 0; i < n; i++) {
		lb[i].y = lb[i].want;
		if (i && lb[i].y < lb[i - 1].y + LINE_H)
			lb[i].y = lb[i - 1].y + LINE_H;
		y = lb[i].y;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct item *it = lb[i].it;

		fprintf(f,
			"<polyline points=\"%d,%.1f %d,%.1f %d,%.1f\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"1\"/>\n",
			BAR_X + BAR_W, lb[i].want, LABEL_X - 20, lb[i].want, LABEL_X - 6, lb[i].y,
			it->owner == OWNER_FREE ? "#bbb" : colour(it->owner));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"%s\">", LABEL_X, lb[i].y + 4,
			it->dev ? "dev" : "mem");
		xml(f, it->label);
		fprintf(f, " <tspan class=\"addr\">[0x%llx..0x%llx]</tspan></text>\n",
			ULL(it->base), ULL(last(it->base, it->size)));
	}
	return y;
}

static void draw_legend(const struct model *m, FILE *f)
{
	double x = 20, y = 72;

	struct {
		int owner;
		char text[96];
	} entries[CFG_MAX_CELLS + 3];
	uint32_t n = 0;

	entries[n].owner = OWNER_HYP;
	snprintf(entries[n++].text, sizeof(entries[0].text), "Bulkhead (hypervisor)");
	entries[n].owner = OWNER_HDEV;
	snprintf(entries[n++].text, sizeof(entries[0].text), "hypervisor's devices");
	for (uint32_t i = 0; i < m->ncells; i++) {
		const struct cfg_cell *c = &m->cell[i];
		int len;

		entries[n].owner = (int)i;
		len = snprintf(entries[n].text, sizeof(entries[0].text), "cell %s: CPU", c->name);
		for (uint32_t k = 0;
		     k < c->ncpus && len > 0 && (size_t)len < sizeof(entries[0].text); k++)
			len += snprintf(entries[n].text + len,
					sizeof(entries[0].text) - (size_t)len, "%s%u",
					k ? "," : " ", c->cpus[k]);
		n++;
	}
	entries[n].owner = OWNER_FREE;
	snprintf(entries[n++].text, sizeof(entries[0].text), "free RAM");

	for (uint32_t i = 0; i < n; i++) {
		double w = 30 + 7.0 * (double)strlen(entries[i].text);

		if (x + w > WIDTH - 20) {
			x = 20;
			y += 22;
		}
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"14\" fill=\"%s\" "
			"stroke=\"#666\" stroke-width=\"0.5\"/>\n",
			x, y - 11, colour(entries[i].owner));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">", x + 22, y);
		xml(f, entries[i].text);
		fprintf(f, "</text>\n");
		x += w;
	}
	fprintf(f,
		"<path d=\"M%.1f %.1f l8 -4 l8 8 l8 -4\" fill=\"none\" stroke=\"#b0b0b0\" "
		"stroke-width=\"1.5\"/>\n",
		x, y - 4);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">unused addresses "
		"(collapsed)</text>\n",
		x + 30, y);
}

int show_svg(const struct model *m, FILE *f)
{
	struct map *mp = calloc(1, sizeof(*mp));
	double bottom, labels_end, height;

	if (!mp)
		return -1;
	collect(m, mp);
	layout(mp, &bottom);
	/* Labels may run past the bar; size the page after placing them. */
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	{
		FILE *body = tmpfile();

		if (!body) {
			free(mp);
			return -1;
		}
		draw_segments(mp, body);
		draw_addresses(mp, body);
		labels_end = draw_labels(mp, body);
		height = (bottom > labels_end ? bottom : labels_end) + 40;
		fprintf(f,
			"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
			"viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n",
			WIDTH, height, WIDTH, height);
		fprintf(f, "<style>.addr{font-family:'DejaVu Sans Mono',monospace;font-size:10px;"
			   "fill:#444}.mem{font-size:12px;fill:#111}.dev{font-size:12px;fill:#111;"
			   "font-style:italic}.legend{font-size:12px;fill:#111}"
			   ".title{font-size:17px;font-weight:bold}.note{font-size:11px;fill:#555}"
			   "</style>\n");
		fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
		fprintf(f, "<text x=\"20\" y=\"28\" class=\"title\">Physical memory map: ");
		xml(f, m->system_name);
		fprintf(f, " on ");
		xml(f, m->board.name);
		fprintf(f, "</text>\n");
		fprintf(f,
			"<text x=\"20\" y=\"48\" class=\"note\">Addresses grow upwards. Heights "
			"grow "
			"with the logarithm of a range's size (not to scale); device windows are "
			"whole 4 KiB pages.</text>\n");
		draw_legend(m, f);
		rewind(body);
		for (int ch; (ch = fgetc(body)) != EOF;)
			fputc(ch, f);
		fclose(body);
	}
	fprintf(f, "</svg>\n");
	free(mp);
	return ferror(f) ? -1 : 0;
}
