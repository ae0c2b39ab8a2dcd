/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The executive's console commands (shell.c). Typed characters come in by
 * the UART's receive interrupt, which only queues them; the monitor task
 * (main.c) calls shell_poll() at every release, which echoes them and runs
 * a command at each Enter. The commands print what main.c knows.
 */
#pragma once

#include <bulkhead/types.h>

/* Before rtos_run: find the UART's interrupt, attach the receive handler. */
void shell_init(void);
/* From the monitor task: echo what was typed, run finished lines. */
void shell_poll(void);
/* Before other output: end the echoed, unfinished input line (if any). */
void shell_break_line(void);
/* After it: echo the unfinished input line again. */
void shell_redraw(void);
/* Characters received so far. */
uint64_t shell_typed(void);

/* main.c: what the commands print. */
void app_help(void);
void app_status(void);
void app_stats(void);
/* 1 on, 0 off, -1 just say which. */
void app_verbose(int on);
