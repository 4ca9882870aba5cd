/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * isola-net (libexec): the `isola network` verbs, and `up`/`down` for the
 * monitor. The front `isola` runs `isola-net network ARGS...` for
 * `isola network ARGS...`: this program links libnftables and libmnl, which
 * the static front must not carry.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/store.h"
#include "isola-version.h"
#include "netcli.h"
#include "updown.h"

int net_fail(const struct isola_error *err)
{
	fprintf(stderr, "isola: %s\n", err->msg[0] ? err->msg : "unknown error");
	return 125;
}

int net_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("isola: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 125;
}

int net_bad_flag(const char *verb, char **argv)
{
	/* getopt is quiet (opterr = 0): one "isola: " line, as every error. */
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return net_usage("%s: unknown flag or missing value: -%c", verb, optopt);
	return net_usage("%s: unknown flag or missing value: %s", verb, arg);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: isola-net [--root DIR] network create|ls|inspect|rm|prune ARGS...\n"
		   "\nThe store is --root, else $ISOLA_ROOT, else " ISOLA_DEFAULT_ROOT ".\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"runroot", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {0},
	};
	if (argc > 1 && (!strcmp(argv[1], "up") || !strcmp(argv[1], "down")))
		return net_updown_main(argc, argv);
	struct netcli cli = {.root = getenv("ISOLA_ROOT")};
	int c;
	opterr = 0;
	if (!cli.root || !*cli.root)
		cli.root = ISOLA_DEFAULT_ROOT;
	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli.root = optarg;
			break;
		case 'R':
			setenv("ISOLA_RUNROOT", optarg,
			       1); /* for connect, as the front passes it */
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("isola-net version %s (commit %s)\n", ISOLA_VERSION, ISOLA_COMMIT);
			return 0;
		default:
			return net_bad_flag("isola-net", argv);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 125;
	}
	/* The verbs that open the manager's store read it from the environment. */
	setenv("ISOLA_ROOT", cli.root, 1);
	int first = optind;
	optind = 0; /* each verb parses its own options from its argv[0] */
	if (!strcmp(argv[first], "network"))
		return cmd_network(&cli, argc - first, argv + first);
	return net_usage("unknown command \"%s\"", argv[first]);
}
