/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "linux/passwd.h"
#include "tap.h"

static const char *fmt(long long secs, long nsec, bool nanos)
{
	static char buf[64];
	struct timespec ts = {.tv_sec = (time_t)secs, .tv_nsec = nsec};
	isola_rfc3339(&ts, nanos, buf, sizeof(buf));
	return buf;
}

TEST(rfc3339_matches_gmtime_across_years)
{
	/* Every ~13 days over 1970-2100, against glibc's gmtime + strftime. */
	for (long long t = 0; t < 4102444800LL; t += 1123457) {
		char want[64];
		time_t tt = (time_t)t;
		struct tm tm;
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
		CHECK_STR(fmt(t, 0, false), want);
	}
}

TEST(rfc3339_known_dates)
{
	CHECK_STR(fmt(0, 0, false), "1970-01-01T00:00:00Z");
	CHECK_STR(fmt(951782400, 0, false), "2000-02-29T00:00:00Z");
	CHECK_STR(fmt(1709208000, 5, true), "2024-02-29T12:00:00.000000005Z");
	CHECK_STR(fmt(1795342028, 987553341, true), "2026-11-22T10:07:08.987553341Z");
}

TEST(parse_u64)
{
	unsigned long long v;
	CHECK(isola_parse_u64("42", &v) == 0 && v == 42);
	CHECK(isola_parse_u64("", &v) < 0);
	CHECK(isola_parse_u64("-1", &v) < 0);
	CHECK(isola_parse_u64("12abc", &v) < 0);
	CHECK(isola_parse_u64("99999999999999999999999", &v) < 0);
}

static const char *home(const char *text, uid_t uid)
{
	static char buf[256];
	char *h = isola_passwd_home(text, strlen(text), uid);
	snprintf(buf, sizeof(buf), "%s", h ? h : "(none)");
	free(h);
	return buf;
}

TEST(passwd_home)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			 "# a comment line\n"
			 "short:x:7\n"
			 "empty:x:8:8::\n"
			 "user:x:1000:1000:A User,,,:/home/user:/bin/sh\n"
			 "dup:x:1000:1000::/home/dup:/bin/sh\n"
			 "last:x:65534:65534::/nonexistent";
	CHECK_STR(home(pw, 0), "/root");
	CHECK_STR(home(pw, 1000), "/home/user");    /* the first entry wins */
	CHECK_STR(home(pw, 65534), "/nonexistent"); /* no final newline */
	CHECK_STR(home(pw, 7), "(none)");	    /* too few fields */
	CHECK_STR(home(pw, 8), "(none)");	    /* empty home */
	CHECK_STR(home(pw, 100), "(none)");
	CHECK_STR(home("x:x:010:0::/octal:", 8), "(none)"); /* decimal only */
	CHECK_STR(home("x:x:4294967296:0::/wrap:", 0), "(none)");
	CHECK_STR(home("", 0), "(none)");
}

int main(void)
{
	return tap_run();
}
