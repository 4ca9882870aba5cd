/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_TAP_H
#define ISOLA_TAP_H

/*
 * A tiny TAP producer for unit tests: each TEST() is a named case, run by
 * tap_run(). Output is TAP 13, which tests/run.sh counts.
 *
 *   TEST(parses_minimal) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { return tap_run(); }
 */
#include <stdio.h>
#include <string.h>

typedef void (*tap_fn)(int *failed);
struct tap_case {
	const char *name;
	tap_fn fn;
};

#define TAP_MAX 512
static struct tap_case tap_cases[TAP_MAX];
static int tap_ncases;

#define TEST(name)                                                                                 \
	static void test_##name(int *tap_failed);                                                  \
	__attribute__((constructor)) static void tap_reg_##name(void)                              \
	{                                                                                          \
		if (tap_ncases < TAP_MAX)                                                          \
			tap_cases[tap_ncases++] = (struct tap_case){#name, test_##name};           \
	}                                                                                          \
	static void test_##name(int *tap_failed)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
			*tap_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *tap_a_ = (a), *tap_b_ = (b);                                           \
		if (!tap_a_ || !tap_b_ || strcmp(tap_a_, tap_b_) != 0) {                           \
			printf("# %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,                  \
			       tap_a_ ? tap_a_ : "(null)", tap_b_ ? tap_b_ : "(null)");            \
			*tap_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

/* Check that a string contains a substring (error messages). */
#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *tap_h_ = (hay), *tap_n_ = (needle);                                    \
		if (!tap_h_ || !strstr(tap_h_, tap_n_)) {                                          \
			printf("# %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,    \
			       tap_h_ ? tap_h_ : "(null)", tap_n_);                                \
			*tap_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

static inline int tap_run(void)
{
	int nfail = 0;
	printf("1..%d\n", tap_ncases);
	for (int i = 0; i < tap_ncases; i++) {
		int failed = 0;
		tap_cases[i].fn(&failed);
		printf("%s %d - %s\n", failed ? "not ok" : "ok", i + 1, tap_cases[i].name);
		nfail += failed;
	}
	return nfail ? 1 : 0;
}

#endif
