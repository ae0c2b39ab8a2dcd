/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal host unit-test framework: TEST() registers a case, EXPECT_*()
 * record failures with file:line and keep going, the runner prints
 * "N passed, N failed" and exits non-zero on any failure.
 */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void ut_register(const char *name, void (*fn)(void));
void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)                                                     \
	static void test_##name(void);                                 \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                              \
		ut_register(#name, test_##name);                       \
	}                                                              \
	static void test_##name(void)

#define EXPECT_TRUE(c)                                                  \
	do {                                                            \
		if (!(c))                                               \
			ut_fail(__FILE__, __LINE__, "expected %s", #c); \
	} while (0)

#define EXPECT_EQ(a, b)                                                                           \
	do {                                                                                      \
		uint64_t ut_a_ = (uint64_t)(a), ut_b_ = (uint64_t)(b);                            \
		if (ut_a_ != ut_b_)                                                               \
			ut_fail(__FILE__, __LINE__, "%s == %s: got %#" PRIx64 ", want %#" PRIx64, \
				#a, #b, ut_a_, ut_b_);                                            \
	} while (0)

#define EXPECT_STREQ(a, b)                                                                    \
	do {                                                                                  \
		const char *ut_a_ = (a), *ut_b_ = (b);                                        \
		if (strcmp(ut_a_, ut_b_) != 0)                                                \
			ut_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", #a, ut_a_, \
				ut_b_);                                                       \
	} while (0)
