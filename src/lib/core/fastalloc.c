/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small malloc for short-lived, single-threaded programs (isola-runtime):
 * linked into an executable, it replaces glibc's malloc family. Not part of
 * libisola: only an executable may choose its allocator.
 *
 * Why: json-c allocates every JSON value, key and table, and glibc's malloc
 * spent about 300 K instructions of a 0.78 M `run` sorting bins and
 * consolidating chunks (issue 5). Here a block is popped from a per-size
 * free list or cut from a bump region: a few instructions each way.
 *
 * Layout: sizes up to 256 bytes round to 16-byte classes, then powers of two
 * up to 64 KiB; freed blocks go back to their class's list, so loops that
 * allocate and free (events --interval) reuse memory instead of growing.
 * Bigger blocks are their own mmap and are unmapped on free. Every block has
 * a 16-byte header holding its class (or its mapping length), so alignment
 * is 16 like glibc's. Not thread-safe: isola-runtime has no threads (a
 * clone()d child gets its own copy of the allocator with its memory).
 * Do not link it with sanitizers: they bring their own malloc.
 */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HDR 16u
#define SMALL_MAX 256u
#define N_SMALL (SMALL_MAX / 16u)       /* classes 16, 32 .. 256 */
#define N_POW 8u                        /* classes 512 .. 64 KiB */
#define N_CLASS (N_SMALL + N_POW)
#define LARGE_MIN (SMALL_MAX << N_POW)  /* above 64 KiB: one mmap per block */
#define REGION (1u << 20)               /* bump regions; untouched pages cost nothing */
#define ALIGNED_TAG UINT64_MAX          /* over-aligned block: never reused */

struct hdr {
	uint64_t cls;  /* class index, LARGE_TAG + mapping length, or ALIGNED_TAG */
	uint64_t user; /* aligned blocks: offset back to the mapping/bump start */
};

#define LARGE_TAG (1ull << 62)

static void *free_list[N_CLASS];
static char *bump, *bump_end;

static unsigned class_of(size_t n)
{
	if (n <= SMALL_MAX)
		return n <= 16 ? 0 : (unsigned)((n + 15) / 16 - 1);
	unsigned c = N_SMALL;
	for (size_t s = SMALL_MAX * 2; s < n; s <<= 1)
		c++;
	return c;
}

static size_t class_size(unsigned c)
{
	return c < N_SMALL ? (c + 1) * 16u : (size_t)SMALL_MAX << (c - N_SMALL + 1);
}

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void *cut(size_t n)
{
	if ((size_t)(bump_end - bump) < n) {
		char *r = map(REGION);
		if (!r)
			return NULL;
		bump = r; /* the old region's tail is left unused */
		bump_end = r + REGION;
	}
	void *p = bump;
	bump += n;
	return p;
}

static void *alloc_large(size_t n)
{
	size_t len = (n + HDR + 4095) & ~(size_t)4095;
	struct hdr *h = len > n ? map(len) : NULL;
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->cls = LARGE_TAG | len;
	return (char *)h + HDR;
}

void *malloc(size_t n)
{
	if (n > LARGE_MIN)
		return alloc_large(n);
	unsigned c = class_of(n);
	void *p = free_list[c];
	if (p) {
		free_list[c] = *(void **)p;
		return p;
	}
	struct hdr *h = cut(class_size(c) + HDR);
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->cls = c;
	return (char *)h + HDR;
}

static struct hdr *hdr_of(void *p)
{
	return (struct hdr *)((char *)p - HDR);
}

void free(void *p)
{
	if (!p)
		return;
	struct hdr *h = hdr_of(p);
	if (h->cls == ALIGNED_TAG)
		return;
	if (h->cls & LARGE_TAG) {
		munmap(h, (size_t)(h->cls & ~LARGE_TAG));
		return;
	}
	*(void **)p = free_list[h->cls];
	free_list[h->cls] = p;
}

size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	struct hdr *h = hdr_of(p);
	if (h->cls == ALIGNED_TAG)
		return (size_t)h->user;
	if (h->cls & LARGE_TAG)
		return (size_t)(h->cls & ~LARGE_TAG) - HDR;
	return class_size((unsigned)h->cls);
}

void *calloc(size_t a, size_t b)
{
	size_t n;
	if (__builtin_mul_overflow(a, b, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	size_t old = malloc_usable_size(p);
	if (n <= old && hdr_of(p)->cls != ALIGNED_TAG && n > 0)
		return p;
	void *q = malloc(n ? n : 1);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	free(p);
	return q;
}

void *memalign(size_t align, size_t n)
{
	if (align <= 16)
		return malloc(n);
	if (align & (align - 1)) {
		errno = EINVAL;
		return NULL;
	}
	/* rare (glibc internals, never json-c): kept for good, never reused */
	char *raw = n + align + HDR > n ? malloc(n + align + HDR) : NULL;
	if (!raw)
		return NULL;
	char *p = (char *)(((uintptr_t)raw + HDR + align - 1) & ~(uintptr_t)(align - 1));
	hdr_of(p)->cls = ALIGNED_TAG;
	hdr_of(p)->user = n;
	return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

void *valloc(size_t n)
{
	return memalign(4096, n);
}

void *pvalloc(size_t n)
{
	return memalign(4096, (n + 4095) & ~(size_t)4095);
}
