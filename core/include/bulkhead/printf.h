/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdarg.h>

#include <bulkhead/types.h>

/* Formatting supports %d %i %u %x %X %o %p %s %c %% with flags '-', '0',
 * width, '*' and length modifiers hh h l ll z t j. */
typedef void (*bh_putc_fn)(void *ctx, char c);
size_t bh_vformat(bh_putc_fn put, void *ctx, const char *fmt, va_list ap);
int bh_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int bh_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Whole-line console output; lines from different CPUs never interleave. */
void bh_printf(const char *fmt, ...) __printf(1, 2);
void bh_vprintf(const char *fmt, va_list ap);
/* As bh_printf, for use when the console lock may be held by a dead CPU. */
void bh_printf_unlocked(const char *fmt, ...) __printf(1, 2);
