/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regopts.h"

void regopts_init(struct regopts *r, struct cli *cli)
{
	*r = (struct regopts){0};
	r->o.tls_verify = true;
	r->o.jobs = 3;
	const char *env = getenv("ISOLA_AUTH_FILE");
	if (env && *env)
		snprintf(r->authfile, sizeof(r->authfile), "%s", env);
	else
		snprintf(r->authfile, sizeof(r->authfile), "%s/auth.json", cli->root);
	r->o.authfile = r->authfile;
}

static int split_platform(struct regopts *r, const char *arg)
{
	snprintf(r->platform, sizeof(r->platform), "%s", arg);
	char *a = strchr(r->platform, '/');
	if (!a)
		return -1;
	*a++ = '\0';
	char *v = strchr(a, '/');
	if (v)
		*v++ = '\0';
	r->o.os = r->platform;
	r->o.arch = a;
	r->o.variant = v;
	return 0;
}

int regopts_parse(struct regopts *r, int c, const char *arg)
{
	switch (c) {
	case REGOPT_TLS_VERIFY:
		r->o.tls_verify = !arg || strcmp(arg, "false") != 0;
		return 0;
	case REGOPT_CERT_DIR:
		snprintf(r->ca_file, sizeof(r->ca_file), "%s/ca.crt", arg);
		r->o.ca_file = r->ca_file;
		return 0;
	case REGOPT_AUTHFILE:
		snprintf(r->authfile, sizeof(r->authfile), "%s", arg);
		return 0;
	case REGOPT_CREDS: {
		snprintf(r->creds, sizeof(r->creds), "%s", arg);
		char *colon = strchr(r->creds, ':');
		if (colon)
			*colon++ = '\0';
		r->o.username = r->creds;
		r->o.password = colon ? colon : "";
		return 0;
	}
	case REGOPT_PLATFORM:
		return split_platform(r, arg);
	case REGOPT_JOBS:
		r->o.jobs = atoi(arg);
		return r->o.jobs > 0 ? 0 : -1;
	default:
		return -1;
	}
}
