/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test framework. TEST(name) { ... } registers a test in the bm_tests
 * section; bm_run_tests() runs them in source order and prints
 *   [ RUN  ] name / [  OK  ] name / [ FAIL ] name / [ SKIP ] name: why
 * then exactly one "BM-RESULT: <N> passed, <M> failed" and powers off.
 * EXPECT_* record a failure and go on; ASSERT_* also leave the test.
 * Any vCPU may use them while a test runs.
 */
#pragma once

#include <bulkhead/types.h>

struct bm_test {
	const char *name;
	void (*fn)(void);
	unsigned int line;
};

#define TEST(name)                                                                              \
	static void bm_test_fn_##name(void);                                                    \
	static const struct bm_test bm_test_##name __attribute__((                              \
		used, section("bm_tests"), aligned(8))) = {#name, bm_test_fn_##name, __LINE__}; \
	static void bm_test_fn_##name(void)

/* Failure reporting behind the macros: prints
 * "FAIL <file>:<line>: <expr> (got 0x.., want 0x..)" and fails the test. */
void bm_expect_failed(const char *file, unsigned int line, const char *expr, uint64_t got,
		      uint64_t want, bool negate);
/* Mark the running test skipped (not counted): it did not apply here. */
void bm_test_skip(const char *why);
/* Failures recorded so far in the running test. */
unsigned int bm_test_failures(void);

#define BM_CHECK_(a, b, op, neg, str, on_fail)                                             \
	do {                                                                               \
		uint64_t bm_got_ = (uint64_t)(a), bm_want_ = (uint64_t)(b);                \
		if (!(bm_got_ op bm_want_)) {                                              \
			bm_expect_failed(__FILE__, __LINE__, str, bm_got_, bm_want_, neg); \
			on_fail;                                                           \
		}                                                                          \
	} while (0)

#define EXPECT_EQ(a, b) BM_CHECK_(a, b, ==, false, #a " == " #b, (void)0)
#define EXPECT_NE(a, b) BM_CHECK_(a, b, !=, true, #a " != " #b, (void)0)
#define EXPECT_TRUE(c)	BM_CHECK_(!!(c), 1, ==, false, #c, (void)0)
#define EXPECT_FALSE(c) BM_CHECK_(!!(c), 0, ==, false, "!(" #c ")", (void)0)
#define ASSERT_EQ(a, b) BM_CHECK_(a, b, ==, false, #a " == " #b, return )
#define ASSERT_NE(a, b) BM_CHECK_(a, b, !=, true, #a " != " #b, return )
#define ASSERT_TRUE(c)	BM_CHECK_(!!(c), 1, ==, false, #c, return )

/* Run every registered test, print the result, power off. */
__noreturn void bm_run_tests(void);
/* Print the failing result marker and power off: for fatal errors. */
__noreturn void bm_fail_and_off(void);
