/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_STRBUILD_H
#define ISOLA_STRBUILD_H

/*
 * Bounded string building for hot paths (paths, cgroup lines, JSON paths).
 * snprintf costs about 800 instructions a call through glibc's stdio
 * machinery; these cost a few per byte (issue 5). Same contract as
 * stpecpy: write into [dst, end), always NUL-terminate when dst < end,
 * return the position of the NUL, or end when the text was cut. NULL or
 * dst == end passes through, so calls chain without checks until the last.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline char *isola_stpecpy(char *dst, char *end, const char *src)
{
	if (!dst || dst == end)
		return dst;
	size_t n = strnlen(src, (size_t)(end - dst));
	if (n == (size_t)(end - dst)) {
		memcpy(dst, src, n - 1);
		end[-1] = '\0';
		return end;
	}
	memcpy(dst, src, n + 1);
	return dst + n;
}

static inline char *isola_stpechr(char *dst, char *end, char c)
{
	if (!dst || dst == end)
		return dst;
	if (end - dst < 2) {
		*dst = '\0';
		return end;
	}
	dst[0] = c;
	dst[1] = '\0';
	return dst + 1;
}

/* Decimal of v; a leading '-' when neg. */
static inline char *isola_stpeu64(char *dst, char *end, uint64_t v, int neg)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	if (neg)
		*--p = '-';
	return isola_stpecpy(dst, end, p);
}

static inline char *isola_stpei64(char *dst, char *end, int64_t v)
{
	return isola_stpeu64(dst, end, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

#endif
