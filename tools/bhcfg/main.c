// SPDX-License-Identifier: Apache-2.0
/*
 * bhcfg --board B.dtb [--board-src B.dts] --config C.dtb [--config-src C.dts]
 *       --out DIR
 * Validates the board and the system configuration and, only if both are
 * sound, writes the generated sources into DIR. Every problem is reported as
 * "<file>: <node>: <reason>"; the exit status is 1 if there was any.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhcfg.h"

static const char *const generated[] = {"config.h", "config.c"};

static void usage(void)
{
	fprintf(stderr, "usage: bhcfg --board B.dtb [--board-src B.dts] --config C.dtb "
			"[--config-src C.dts] --out DIR\n");
	exit(2);
}

/* The system configuration's root node; cells arrive with the config format. */
static void config_parse(struct model *m)
{
	const struct dtb *d = &m->config_dtb;
	const char *board;
	int prop, node;

	if (!dt_compatible(d, 0, "bulkhead,system"))
		cfg_error(d, 0, "root 'compatible' must be \"bulkhead,system\"");
	board = fdt_getprop(d->fdt, 0, "board", NULL);
	if (!board)
		cfg_error(d, 0, "missing 'board' (the board this system is for)");
	else if (m->board.name && strcmp(board, m->board.name) != 0)
		cfg_error(d, 0, "board = \"%s\", but building for board \"%s\"", board,
			  m->board.name);
	fdt_for_each_property_offset (prop, d->fdt, 0) {
		const char *name;

		fdt_getprop_by_offset(d->fdt, prop, &name, NULL);
		if (strcmp(name, "compatible") && strcmp(name, "board") &&
		    strcmp(name, "#address-cells") && strcmp(name, "#size-cells"))
			cfg_error(d, 0, "unknown property '%s'", name);
	}
	fdt_for_each_subnode (node, d->fdt, 0)
		cfg_error(d, node, "unknown node");
}

int main(int argc, char **argv)
{
	const char *board = NULL, *board_src = NULL, *config = NULL, *config_src = NULL;
	const char *out = NULL;
	struct model m;
	char path[4096];

	for (int i = 1; i < argc; i++) {
		const char **dst = NULL;

		if (!strcmp(argv[i], "--board"))
			dst = &board;
		else if (!strcmp(argv[i], "--board-src"))
			dst = &board_src;
		else if (!strcmp(argv[i], "--config"))
			dst = &config;
		else if (!strcmp(argv[i], "--config-src"))
			dst = &config_src;
		else if (!strcmp(argv[i], "--out"))
			dst = &out;
		if (!dst || i + 1 >= argc)
			usage();
		*dst = argv[++i];
	}
	if (!board || !config || !out)
		usage();

	/* Never leave outputs of an earlier, good run next to a failed one. */
	for (size_t i = 0; i < sizeof(generated) / sizeof(generated[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out, generated[i]);
		unlink(path);
	}

	memset(&m, 0, sizeof(m));
	if (dtb_load(&m.board_dtb, board, board_src) || dtb_load(&m.config_dtb, config, config_src))
		return 1;
	board_parse(&m);
	config_parse(&m);
	if (cfg_errors) {
		fprintf(stderr, "bhcfg: %u error%s; no image generated\n", cfg_errors,
			cfg_errors == 1 ? "" : "s");
		return 1;
	}
	return emit_all(&m, out) ? 1 : 0;
}
