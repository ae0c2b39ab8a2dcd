// SPDX-License-Identifier: Apache-2.0
/* Runner for the host unit tests (see ut.h). Optional argument: a name filter. */
#include <stdarg.h>
#include <stdlib.h>

#include "ut.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static unsigned int ntests, failures_in_test;

void ut_register(const char *name, void (*fn)(void))
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests++].fn = fn;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures_in_test++;
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0;

	for (unsigned int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		failures_in_test = 0;
		tests[i].fn();
		printf("[%s] %s\n", failures_in_test ? "FAIL" : " OK ", tests[i].name);
		if (failures_in_test)
			failed++;
		else
			passed++;
	}
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed || !passed ? 1 : 0;
}
