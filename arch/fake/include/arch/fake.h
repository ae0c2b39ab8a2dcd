/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the host "architecture". */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Everything arch_console_putc() printed since the last reset. */
const char *fake_console_output(void);
void fake_console_reset(void);
void fake_set_cpu_id(unsigned int cpu);
void fake_set_counter(uint64_t ticks);
