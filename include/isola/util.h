/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PUBLIC_UTIL_H
#define ISOLA_PUBLIC_UTIL_H

/* The few text helpers the front ends share with the library. */
#include <stdbool.h>
#include <stddef.h>

/* Parse a decimal unsigned integer; -1 on junk or overflow. */
int isola_parse_u64(const char *s, unsigned long long *out);
/* "2026-11-22T10:05:27.712436940Z" (UTC, without touching the time zone files). */
struct timespec;
void isola_rfc3339(const struct timespec *ts, bool nanos, char *buf, size_t len);

#endif
