/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * core/fastalloc.c is linked into this test, so every malloc here (and in
 * stdio, and in tap.h) goes through it.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

TEST(sizes_aligned_and_usable)
{
	for (size_t n = 0; n < 70000; n = n < 300 ? n + 1 : n * 3 / 2) {
		unsigned char *p = malloc(n);
		CHECK(p != NULL);
		CHECK(((uintptr_t)p & 15) == 0);
		CHECK(malloc_usable_size(p) >= n);
		memset(p, 0xa5, n);
		free(p);
	}
}

TEST(freed_block_is_reused)
{
	void *a = malloc(100);
	free(a);
	void *b = malloc(97);
	CHECK(a == b);
	free(b);
}

TEST(calloc_zeroes_reused_memory)
{
	unsigned char *p = malloc(200);
	memset(p, 0xff, 200);
	free(p);
	unsigned char *q = calloc(50, 4);
	int zero = 1;
	for (int i = 0; i < 200; i++)
		zero &= q[i] == 0;
	CHECK(zero);
	free(q);
	volatile size_t huge = SIZE_MAX / 2;
	errno = 0;
	CHECK(calloc(huge, 4) == NULL && errno == ENOMEM);
}

TEST(realloc_keeps_contents)
{
	char *p = NULL;
	size_t n = 0;
	for (size_t want = 1; want < 300000; want = want * 2 + 3) {
		p = realloc(p, want);
		CHECK(p != NULL);
		for (size_t i = 0; i < n && i < want; i++)
			if (p[i] != (char)(i * 7)) {
				CHECK(!"contents lost");
				break;
			}
		for (size_t i = 0; i < want; i++)
			p[i] = (char)(i * 7);
		n = want;
	}
	p = realloc(p, 10); /* shrinking keeps the block and the bytes */
	CHECK(p && p[9] == (char)63);
	free(p);
}

TEST(large_blocks_map_and_unmap)
{
	char *p = malloc(1 << 20);
	CHECK(p != NULL);
	memset(p, 1, 1 << 20);
	CHECK(malloc_usable_size(p) >= (1 << 20));
	free(p);
}

TEST(aligned_allocations)
{
	void *p = NULL;
	CHECK(posix_memalign(&p, 4096, 100) == 0 && ((uintptr_t)p & 4095) == 0);
	memset(p, 0, 100);
	free(p);
	void *q = aligned_alloc(64, 64);
	CHECK(q && ((uintptr_t)q & 63) == 0);
	q = realloc(q, 1000);
	CHECK(q != NULL);
	free(q);
	CHECK(posix_memalign(&p, 24, 10) == EINVAL);
}

/* Random allocate/free churn with a pattern per block: no block overlaps another. */
TEST(churn_no_overlap)
{
	enum { N = 512 };
	unsigned char *b[N] = {0};
	size_t sz[N] = {0};
	unsigned seed = 12345;
	int ok = 1;
	for (int round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % N);
		if (b[i]) {
			for (size_t k = 0; k < sz[i]; k++)
				ok &= b[i][k] == (unsigned char)i;
			free(b[i]);
			b[i] = NULL;
		} else {
			sz[i] = (seed >> 4) % 3000;
			b[i] = malloc(sz[i]);
			memset(b[i], i, sz[i]);
		}
	}
	for (int i = 0; i < N; i++)
		free(b[i]);
	CHECK(ok);
}

int main(void)
{
	return tap_run();
}
