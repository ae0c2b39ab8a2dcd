// SPDX-License-Identifier: Apache-2.0
/* The test runner behind TEST()/EXPECT_*() and the result marker. */
#include "internal.h"

#define MAX_TESTS 128

extern const struct bm_test __bm_tests_start[], __bm_tests_end[];

static const struct bm_test *current;
static uint32_t failures;    /* in the current test, from any vCPU */
static const char *skip_why; /* set when the running test skipped itself */
static unsigned int passed, failed;

void bm_expect_failed(const char *file, unsigned int line, const char *expr, uint64_t got,
		      uint64_t want, bool negate)
{
	__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
	bh_printf("FAIL %s:%u: %s (got 0x%lx, want %s0x%lx)\n", file, line, expr,
		  (unsigned long)got, negate ? "not " : "", (unsigned long)want);
}

void bm_test_skip(const char *why)
{
	skip_why = why;
}

unsigned int bm_test_failures(void)
{
	return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}

static void print_result_and_off(void)
{
	static uint32_t printed;

	/* Exactly one result line, even if something faults on the way out. */
	if (!__atomic_exchange_n(&printed, 1, __ATOMIC_ACQ_REL))
		bh_printf("BM-RESULT: %u passed, %u failed\n", passed, failed);
	bm_psci_system_off();
}

/* A crash inside a test fails that test; outside one it is a failure of
 * its own. Either way the counts printed next include it. */
void bm_test_note_crash(void)
{
	if (current)
		bh_printf("[ FAIL ] %s\n", current->name);
	current = NULL;
	failed++;
}

void bm_fail_and_off(void)
{
	print_result_and_off();
	for (;;)
		;
}

void bm_run_tests(void)
{
	const struct bm_test *tests[MAX_TESTS];
	/* Linker symbols bound the section: count by address. */
	size_t n =
		((uintptr_t)__bm_tests_end - (uintptr_t)__bm_tests_start) / sizeof(struct bm_test);

	if (n > MAX_TESTS)
		bm_fatal("%zu tests, at most %d", n, MAX_TESTS);
	for (size_t i = 0; i < n; i++)
		tests[i] = &__bm_tests_start[i];
	/* The compiler may emit them in any order: run them in source order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && tests[j - 1]->line > tests[j]->line; j--) {
			const struct bm_test *t = tests[j];

			tests[j] = tests[j - 1];
			tests[j - 1] = t;
		}

	for (size_t i = 0; i < n; i++) {
		const struct bm_test *t = tests[i];

		bh_printf("[ RUN  ] %s\n", t->name);
		__atomic_store_n(&failures, 0, __ATOMIC_RELAXED);
		skip_why = NULL;
		current = t;
		t->fn();
		current = NULL;
		if (bm_test_failures()) {
			failed++;
			bh_printf("[ FAIL ] %s\n", t->name);
		} else if (skip_why) {
			bh_printf("[ SKIP ] %s: %s\n", t->name, skip_why);
		} else {
			passed++;
			bh_printf("[  OK  ] %s\n", t->name);
		}
	}
	print_result_and_off();
	for (;;)
		;
}
