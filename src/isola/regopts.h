/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CLI_REGOPTS_H
#define ISOLA_CLI_REGOPTS_H

/* Options shared by the verbs that talk to registries (pull, push, login). */
#include "cli.h"
#include "image/registry.h"

enum {
	REGOPT_TLS_VERIFY = 1000,
	REGOPT_CERT_DIR,
	REGOPT_AUTHFILE,
	REGOPT_CREDS,
	REGOPT_PLATFORM,
	REGOPT_JOBS,
};

#define REGOPTS_LONG                                                                               \
	{"tls-verify", optional_argument, NULL, REGOPT_TLS_VERIFY},                                \
	    {"cert-dir", required_argument, NULL, REGOPT_CERT_DIR},                                \
	    {"authfile", required_argument, NULL, REGOPT_AUTHFILE},                                \
	    {"creds", required_argument, NULL, REGOPT_CREDS},                                      \
	    {"platform", required_argument, NULL, REGOPT_PLATFORM},                                \
	{                                                                                          \
		"jobs", required_argument, NULL, REGOPT_JOBS                                       \
	}

#define REGOPTS_HELP                                                                               \
	"  --tls-verify=false   accept any certificate and plain http\n"                           \
	"  --cert-dir DIR       trust DIR/ca.crt\n"                                                \
	"  --authfile FILE      credentials file (default ROOT/auth.json, $ISOLA_AUTH_FILE)\n"     \
	"  --creds USER:PASS    credentials for this command\n"                                    \
	"  --platform OS/ARCH   pick this platform from an index (pull)\n"                         \
	"  --jobs N             parallel layer downloads (pull, default 3)\n"

struct regopts {
	struct isola_registry_opts o;
	char authfile[4096];
	char ca_file[4096];
	char creds[512];
	char platform[128];
};

void regopts_init(struct regopts *r, struct cli *cli);
/* 0 when c was a registry option and arg is valid. */
int regopts_parse(struct regopts *r, int c, const char *arg);

#endif
