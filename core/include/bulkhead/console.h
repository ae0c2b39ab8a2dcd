/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The physical console, shared by every cell and the hypervisor. Each cell
 * writes whole lines into its own bounded ring; rings are drained a line at
 * a time, round-robin, only as fast as the UART takes characters, so a slow
 * UART or a chatty cell never stalls another cell or the hypervisor. A full
 * ring drops the line and counts it; a muted cell's lines are only counted.
 * Escape sequences that make the terminal answer or send input of its own
 * (ESC[6n, ESC[c, mouse reports, ...) never leave a cell: the answer would
 * be typed into whichever cell has the input. Input goes to one cell at a
 * time: Ctrl-] <n> chooses it, Ctrl-] m <n> mutes, Ctrl-] ? lists.
 */
#pragma once

#include <bulkhead/types.h>

struct cell;

#define CONSOLE_RING_SIZE  8192 /* per cell; a power of two */
#define CONSOLE_ESCAPE	   0x1d /* Ctrl-]: the next key is for Bulkhead */
#define CONSOLE_PARTIAL_MS 50	/* the focused cell's unfinished line, quiet this long, is shown */

struct console_stats {
	uint64_t lines;		/* written into the ring */
	uint64_t dropped_lines; /* the ring was full */
	uint64_t muted_lines;	/* the cell was muted: counted, not shown */
	uint64_t filtered;	/* escape sequences kept from the terminal */
};

/* A complete line of @c's output (without its newline); caller holds c->lock. */
void console_cell_line(struct cell *c, const char *line, size_t len);
/* Bytes @c may still put in its ring (its lines take 2 more each). */
size_t console_cell_room(const struct cell *c);
/* The start of a line that has not ended yet (a prompt, an echo). */
void console_cell_partial(struct cell *c, const char *text, size_t len);
/* Show the focused cell's unfinished line once quiet for CONSOLE_PARTIAL_MS. Called
 * periodically by the console CPU. */
void console_poll(void);
/* Write out what the UART takes right now. Never waits. */
void console_kick(void);
/* Write out all of @c's pending lines, waiting for the UART (used when the
 * cell stops, so what it printed comes before the report of its end). */
void console_flush_cell(const struct cell *c);
/* The console UART interrupted: take input, continue output. */
void console_irq(void);
/* One received character (escape handling, then to the focused cell). */
void console_input(char ch);
/* Hand console input to cell @index, if it runs. */
void console_set_focus(unsigned int index);
unsigned int console_focus(void);
/* Cell @c stopped for good: if it had the input, give it to the next
 * running cell and say so. (Not called for a restart.) */
void console_cell_stopped(const struct cell *c);
/* Mute (count, do not show) or show again cell @index's output. */
void console_set_muted(unsigned int index, bool muted);
bool console_muted(unsigned int index);
struct console_stats console_cell_stats(const struct cell *c);
/* Set the console up once the cells exist: interrupts to @cpu. */
void console_start(unsigned int cpu);
