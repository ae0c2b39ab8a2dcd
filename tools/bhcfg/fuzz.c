// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: each input is a system configuration DTB, parsed,
 * validated and (when valid) turned into cell device trees and partition
 * maps against a fixed board, all in memory. Besides the sanitizers, it
 * checks that every generated device tree is itself sound.
 *   BHCFG_FUZZ_BOARD=build/qemu-virt/default/board.dtb build/fuzz/bhcfg-fuzz ...
 * Image files named by inputs resolve in a scratch directory holding
 * build/partitions/hello.bin, kernel.bin and initrd.img (see make fuzz).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhcfg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct model *board_model; /* the parsed board, copied per input */
static FILE *devnull;
static char root[] = "/tmp/bhcfg-fuzz-XXXXXX";

static const char *const scratch[] = {"build/partitions/hello.bin", "kernel.bin", "initrd.img",
				      "build/partitions",	    "build",	  ""};

static void remove_scratch(void)
{
	char path[256];

	for (size_t i = 0; i < sizeof(scratch) / sizeof(scratch[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, scratch[i]);
		remove(path);
	}
}

static void make_file(const char *rel, size_t size)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		abort();
	}
	for (size_t i = 0; i < size; i++)
		fputc((int)(i * 7 + 1) & 0xff, f);
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *board = getenv("BHCFG_FUZZ_BOARD");
	char path[256];

	(void)argc;
	(void)argv;
	if (!board)
		board = "build/qemu-virt/default/board.dtb";
	board_model = calloc(1, sizeof(*board_model));
	devnull = fopen("/dev/null", "w");
	if (!board_model || !devnull || !mkdtemp(root))
		abort();
	cfg_msgs = stderr;
	if (dtb_load(&board_model->board_dtb, board, "board.dts") || board_parse(board_model)) {
		fprintf(stderr, "fuzz: board %s does not load (set BHCFG_FUZZ_BOARD)\n", board);
		abort();
	}
	cfg_msgs = NULL; /* inputs are mostly wrong: keep quiet and fast */
	snprintf(path, sizeof(path), "%s/build", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/build/partitions", root);
	mkdir(path, 0755);
	make_file(scratch[0], 16644);
	make_file(scratch[1], 300000);
	make_file(scratch[2], 70000);
	atexit(remove_scratch);
	board_model->root = root;
	board_model->system_name = "fuzz";
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = malloc(sizeof(*m));

	if (!m)
		abort();
	memcpy(m, board_model, sizeof(*m));
	cfg_errors = 0;
	if (dtb_from_buffer(&m->config_dtb, data, size, "fuzz.dts") == 0) {
		int ok = system_build(m) == 0;

		for (uint32_t i = 0; i < m->ncells; i++) {
			const struct cfg_cell *c = &m->cell[i];

			/* What we generate must be a valid tree of the size we say. */
			if (c->dtb && (fdt_check_full(c->dtb, c->dtb_size) != 0 ||
				       fdt_totalsize(c->dtb) != c->dtb_size))
				abort();
		}
		if (ok) {
			show_text(m, devnull);
			if (show_svg(m, devnull))
				abort();
		}
		dtb_free(&m->config_dtb);
	}
	model_free(m);
	free(m);
	return 0;
}
