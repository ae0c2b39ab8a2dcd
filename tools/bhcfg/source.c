// SPDX-License-Identifier: Apache-2.0
/*
 * Checks of the configuration source that its blob cannot answer. dtc merges
 * nodes written more than once (a second `/ { cells { a { ... }; }; };`,
 * a `&label { ... }`, an /include/d file) into one, the later properties
 * silently replacing the earlier ones; so a cell written twice compiles into
 * a blob that looks sound. dtc itself knows where each node came from: its
 * annotated output (-T) lists every place a node was written, and that is
 * what is read here. dtc's own parser sees the includes, labels and path
 * references exactly as the build does.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bhcfg.h"

#define MAX_DEPTH 64

extern char **environ;

/* Runs @argv with its output in a new buffer; @status as waitpid() says. */
static char *run_capture(char *const argv[], int *status, int *err)
{
	posix_spawn_file_actions_t fa;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fds[2];
	pid_t pid;

	*err = 0;
	if (pipe(fds) != 0) {
		*err = errno;
		return NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	*err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (*err) {
		close(fds[0]);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap ? 2 * cap : 65536);

			if (!p) {
				*err = ENOMEM;
				break;
			}
			buf = p;
			cap = cap ? 2 * cap : 65536;
		}
		n = read(fds[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (*err) {
		free(buf);
		return NULL;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* How many places dtc's annotation of a node lists ("a.dts:2, a.dts:9"). */
static unsigned int places(const char *note, size_t len)
{
	unsigned int n = len > 0;

	for (size_t i = 0; i + 1 < len; i++)
		n += note[i] == ',' && note[i + 1] == ' ';
	return n;
}

static void report(struct model *m, const char *const *name, const size_t *nlen, int depth,
		   const char *note, size_t len)
{
	const struct dtb *d = &m->config_dtb;
	char path[CFG_PATH_MAX], where[256];
	char *cell = strndup(name[2], nlen[2]);
	size_t used = 0, keep = 0;
	unsigned int shown = 0;
	int node = -1;

	for (int i = 1; i <= depth && used < sizeof(path); i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used, "/%.*s", (int)nlen[i],
					 name[i]);
	if (used < sizeof(path))
		node = fdt_path_offset(d->fdt, path);
	if (node < 0)
		node = fdt_path_offset(d->fdt, "/cells");
	/* The first few places: "a.dts:2, a.dts:9, ...". */
	while (keep < len && shown < 4) {
		const char *comma = memchr(note + keep, ',', len - keep);

		keep = comma ? (size_t)(comma - note) : len;
		shown++;
		if (keep < len)
			keep += 2;
	}
	if (keep < len)
		snprintf(where, sizeof(where), "%.*s...", (int)(keep < 200 ? keep : 200), note);
	else
		snprintf(where, sizeof(where), "%.*s", (int)(len < 200 ? len : 200), note);
	if (depth == 2)
		cfg_error(d, node,
			  "cell '%s' is written more than once in the source (%s); dtc merges the "
			  "copies silently, later properties replacing earlier ones: write each "
			  "cell once",
			  msg_name(cell), where);
	else
		cfg_error(
			d, node,
			"this node of cell '%s' is written more than once in the source (%s); dtc "
			"merges the copies silently, later properties replacing earlier ones: "
			"write each cell once",
			msg_name(cell), where);
	free(cell);
}

/* Node lines of dtc's annotated output: "[label: ]name {", then a comment
 * listing the places the node was written. */
static void scan(struct model *m, const char *text)
{
	const char *name[MAX_DEPTH];
	size_t nlen[MAX_DEPTH];
	int depth = -1, flagged = MAX_DEPTH; /* depth of a node reported: skip below */

	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line);
		const char *s = line, *e = end, *comment = NULL;
		size_t clen = 0;

		line = eol ? eol + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s >= 6 && e[-1] == '/' && e[-2] == '*' && e[-3] == ' ') {
			/* The annotation is the last comment of the line. */
			for (const char *p = e - 6; p >= s; p--)
				if (p[0] == '/' && p[1] == '*' && p[2] == ' ') {
					comment = p + 3;
					clen = (size_t)(e - 3 - comment);
					e = p;
					break;
				}
		}
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - s == 2 && s[0] == '}' && s[1] == ';') {
			if (depth >= 0)
				depth--;
			if (depth < flagged)
				flagged = MAX_DEPTH;
			continue;
		}
		if (e == s || e[-1] != '{')
			continue;
		e--;
		while (e > s && e[-1] == ' ')
			e--;
		/* The name is the last word; labels ("x:") come before it. */
		for (const char *p = e; p > s; p--)
			if (p[-1] == ' ') {
				s = p;
				break;
			}
		if (++depth >= MAX_DEPTH)
			return;
		name[depth] = s;
		nlen[depth] = (size_t)(e - s);
		/* /cells/<cell> and below, written in more than one place. */
		if (depth >= 2 && depth < flagged && nlen[1] == 5 && !memcmp(name[1], "cells", 5) &&
		    comment && places(comment, clen) > 1) {
			report(m, name, nlen, depth, comment, clen);
			flagged = depth;
		}
	}
}

void check_source(struct model *m)
{
	const char *src = m->config_src_file, *dtc = getenv("DTC");
	char *argv[16], *out;
	struct stat st;
	int argc = 0, status = 0, err;

	if (!src || stat(src, &st) != 0 || !S_ISREG(st.st_mode))
		return; /* only a name for messages */
	argv[argc++] = (char *)(dtc && *dtc ? dtc : "dtc");
	argv[argc++] = "-qqq";
	argv[argc++] = "-f";
	argv[argc++] = "-T";
	argv[argc++] = "-I";
	argv[argc++] = "dts";
	argv[argc++] = "-O";
	argv[argc++] = "dts";
	if (m->include_dir) {
		argv[argc++] = "-i";
		argv[argc++] = (char *)m->include_dir;
	}
	argv[argc++] = "--";
	argv[argc++] = (char *)src;
	argv[argc] = NULL;
	out = run_capture(argv, &status, &err);
	if (!out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cfg_error(&m->config_dtb, 0,
			  "cannot check the source for cells written twice: '%s' %s", argv[0],
			  err		      ? strerror(err)
			  : !out	      ? "gave no output"
			  : WIFEXITED(status) ? "cannot read it again"
					      : "crashed");
		free(out);
		return;
	}
	scan(m, out);
	free(out);
}
