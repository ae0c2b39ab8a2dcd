// SPDX-License-Identifier: Apache-2.0
/* The whole check of a system, from DTB buffers to tables in memory: shared
 * by the command-line tool and the fuzzer, and it writes no files. */
#include <stdlib.h>

#include "bhcfg.h"

int system_build(struct model *m)
{
	unsigned int before = cfg_errors;

	config_parse(m);
	check_source(m);
	validate(m);
	/* A cell's tree depends on its own settings only; build it (and so
	 * learn its size and check its place) whenever those are sound. */
	for (uint32_t i = 0; i < m->ncells; i++) {
		struct cfg_cell *c = &m->cell[i];

		if (c->errors || dtbgen_cell(m, c))
			continue;
		validate_dtb(m, c);
	}
	validate_bundle(m);
	return cfg_errors == before ? 0 : -1;
}

void model_free(struct model *m)
{
	for (uint32_t i = 0; i < m->ncells; i++) {
		free(m->cell[i].dtb);
		m->cell[i].dtb = NULL;
	}
}
