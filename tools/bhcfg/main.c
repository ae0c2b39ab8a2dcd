// SPDX-License-Identifier: Apache-2.0
/*
 * bhcfg --board B.dtb [--board-src B.dts] --config C.dtb [--config-src C.dts]
 *       [--root DIR] [--out DIR [--depfile FILE]] [--show] [--svg FILE]
 * Validates the board and the system configuration and, only if both are
 * sound, writes the generated sources into DIR (and/or prints the partition
 * map, draws it as SVG). Every problem is reported as
 * "<file>: <node>: <reason>"; the exit status is 1 if there was any.
 */
#include <dirent.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhcfg.h"

static const char *const generated[] = {"config.h", "config.c", "bundle.S"};

static void usage(void)
{
	fprintf(stderr, "usage: bhcfg --board B.dtb [--board-src B.dts] --config C.dtb "
			"[--config-src C.dts]\n"
			"             [--root DIR] [--out DIR [--depfile FILE]] [--show] "
			"[--svg FILE]\n");
	exit(2);
}

/* Never leave outputs of an earlier, good run next to a failed one. */
static void remove_outputs(const char *out, const char *depfile, const char *svg)
{
	char path[4096];
	DIR *dir;
	struct dirent *e;

	if (depfile)
		unlink(depfile);
	if (svg)
		unlink(svg);
	if (!out)
		return;
	for (size_t i = 0; i < sizeof(generated) / sizeof(generated[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out, generated[i]);
		unlink(path);
	}
	dir = opendir(out);
	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);

		if (!strncmp(e->d_name, "cell-", 5) && n > 9 &&
		    !strcmp(e->d_name + n - 4, ".dtb")) {
			snprintf(path, sizeof(path), "%s/%s", out, e->d_name);
			unlink(path);
		}
	}
	closedir(dir);
}

/* "configs/qemu-virt/two-cells.dts" -> "two-cells" */
static char *system_name(const char *src)
{
	const char *base = strrchr(src, '/');
	char *name = strdup(base ? base + 1 : src);
	size_t n = name ? strlen(name) : 0;

	if (n > 4 && (!strcmp(name + n - 4, ".dts") || !strcmp(name + n - 4, ".dtb")))
		name[n - 4] = '\0';
	return name;
}

static int write_svg(const struct model *m, const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		perror(tmp);
		return -1;
	}
	if (show_svg(m, f) || fclose(f) != 0 || rename(tmp, path) != 0) {
		perror(path);
		remove(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *board = NULL, *board_src = NULL, *config = NULL, *config_src = NULL;
	const char *out = NULL, *root = ".", *depfile = NULL, *svg = NULL;
	bool show = false;
	struct model *m;
	char *name, *board_dir = NULL;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		const char **dst = NULL;

		if (!strcmp(argv[i], "--show")) {
			show = true;
			continue;
		}
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
		else if (!strcmp(argv[i], "--root"))
			dst = &root;
		else if (!strcmp(argv[i], "--depfile"))
			dst = &depfile;
		else if (!strcmp(argv[i], "--svg"))
			dst = &svg;
		if (!dst || i + 1 >= argc)
			usage();
		*dst = argv[++i];
	}
	if (!board || !config || (!out && !show && !svg) || (depfile && !out))
		usage();

	cfg_msgs = stderr;
	remove_outputs(out, depfile, svg);
	m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "bhcfg: out of memory\n");
		return 1;
	}
	m->root = root;
	if (dtb_load(&m->board_dtb, board, board_src) ||
	    dtb_load(&m->config_dtb, config, config_src)) {
		dtb_free(&m->board_dtb);
		free(m);
		return 1;
	}
	/* The source itself is read for what its blob cannot tell (cells
	 * written twice), with the include path the build gives dtc. */
	m->config_src_file = config_src;
	if (board_src && strrchr(board_src, '/')) {
		board_dir = strndup(board_src, (size_t)(strrchr(board_src, '/') - board_src));
		m->include_dir = board_dir;
	}
	name = system_name(m->config_dtb.src);
	m->system_name = name ? name : "system";
	/* A broken board says nothing reliable about the configuration. */
	if (board_parse(m) == 0)
		system_build(m);
	if (cfg_errors) {
		fprintf(stderr, "bhcfg: %u error%s; no image generated\n", cfg_errors,
			cfg_errors == 1 ? "" : "s");
		ret = 1;
	} else if (out && emit_all(m, out, depfile)) {
		remove_outputs(out, depfile, NULL);
		ret = 1;
	} else {
		if (show)
			show_text(m, stdout);
		if (svg && write_svg(m, svg))
			ret = 1;
	}
	model_free(m);
	dtb_free(&m->board_dtb);
	dtb_free(&m->config_dtb);
	free(m);
	free(name);
	free(board_dir);
	return ret;
}
