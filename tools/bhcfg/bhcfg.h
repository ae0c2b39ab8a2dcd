/* SPDX-License-Identifier: Apache-2.0 */
/* bhcfg: Bulkhead's configuration compiler (host tool). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config_types.h>

struct dtb {
	const char *src; /* source file named in messages */
	void *fdt;
};

struct model {
	struct dtb board_dtb;
	struct dtb config_dtb;
	struct bh_board board;
	char board_name[64];
	int board_console_node; /* offset in board_dtb */
};

/* Messages: "<file>: <node>: <reason>". Errors are counted; nothing is
 * written if any was reported. */
void cfg_error(const struct dtb *d, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern unsigned int cfg_errors;

int dtb_load(struct dtb *d, const char *path, const char *src);
const char *node_path(const struct dtb *d, int node);
/* reg entry @idx of @node (parent's #address-cells/#size-cells); 0 on success. */
int dt_reg(const struct dtb *d, int node, int idx, uint64_t *base, uint64_t *size);
int dt_reg_count(const struct dtb *d, int node);
/* Read a (possibly multi-cell) number from property cells. */
uint64_t dt_cells(const uint32_t *cells, int n);
bool dt_compatible(const struct dtb *d, int node, const char *compat);
/* u32 property; false (and no message) if missing or not one cell. */
bool dt_u32(const struct dtb *d, int node, const char *prop, uint32_t *out);

int board_parse(struct model *m);
int emit_all(const struct model *m, const char *outdir);
