/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_TEST_SPEC_UTIL_H
#define ISOLA_TEST_SPEC_UTIL_H

/* Shared by the test-spec*.c files: JSON written with ' for " to stay readable. */
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

static inline char *q(const char *s)
{
	char *d = strdup(s);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static inline struct isola_config *parse_q(const char *json, struct isola_error *err)
{
	char *t = q(json);
	struct isola_config *c = isola_config_parse(t, "/b", err);
	free(t);
	return c;
}

/* Parse and expect failure with msg containing want. Returns 1 when it behaved. */
static inline int fails_with(const char *json, const char *want, char *got, size_t got_size)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q(json, &err);
	snprintf(got, got_size, "%s", c ? "(parsed fine)" : err.msg);
	if (c) {
		isola_config_free(c);
		return 0;
	}
	return strstr(err.msg, want) != NULL && err.kind != ISOLA_ERR_NONE;
}

#define CHECK_FAILS(json, want)                                                                    \
	do {                                                                                       \
		char got_[2048];                                                                   \
		if (!fails_with(json, want, got_, sizeof(got_))) {                                 \
			printf("# %s:%d: wanted error \"%s\", got \"%s\"\n", __FILE__, __LINE__,   \
			       want, got_);                                                        \
			*tap_failed = 1;                                                           \
		}                                                                                  \
	} while (0)

/* A config that parses: wrap a process object / linux object / extra members. */
#define HEAD "{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
#define PROC(p) HEAD "'process':{'args':['sh'],'cwd':'/'," p "}}"
#define LINUX(l) HEAD "'linux':{" l "}}"

#endif
