/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "regopts.h"

static int read_password(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int cmd_login(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"username", required_argument, NULL, 'u'},
	    {"password", required_argument, NULL, 'p'},
	    {"password-stdin", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    REGOPTS_LONG,
	    {0},
	};
	struct regopts ro;
	struct isola_error err;
	const char *user = NULL, *pass = NULL;
	char stdin_pass[1024];
	int c;
	regopts_init(&ro, cli);
	while ((c = getopt_long(argc, argv, "u:p:h", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola login -u USER (-p PASS | --password-stdin) "
				      "[OPTIONS] REGISTRY\n" REGOPTS_HELP) < 0;
		if (c == 'u')
			user = optarg;
		else if (c == 'p')
			pass = optarg;
		else if (c == 's')
			pass =
			    read_password(stdin_pass, sizeof(stdin_pass)) == 0 ? stdin_pass : NULL;
		else if (regopts_parse(&ro, c, optarg) < 0)
			return cli_usage_error("login: bad option (see isola login --help)");
	}
	if (optind + 1 != argc || !user || !pass)
		return cli_usage_error("login: usage: isola login -u USER -p PASS REGISTRY");
	if (isola_login(argv[optind], user, pass, &ro.o, &err) < 0)
		return cli_fail(&err);
	printf("Login Succeeded!\n");
	return 0;
}

int cmd_logout(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {REGOPTS_LONG, {0}};
	struct regopts ro;
	struct isola_error err;
	int c;
	regopts_init(&ro, cli);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (regopts_parse(&ro, c, optarg) < 0)
			return cli_usage_error("logout: bad option");
	}
	if (optind + 1 != argc)
		return cli_usage_error("logout: usage: isola logout REGISTRY");
	if (isola_logout(argv[optind], ro.o.authfile, &err) < 0)
		return cli_fail(&err);
	printf("Removed login credentials for %s\n", argv[optind]);
	return 0;
}
