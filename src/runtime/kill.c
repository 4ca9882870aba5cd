/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <stdbool.h>

#include "cli.h"

VERB(kill)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_usage(cli, 1);
		all = true;
	}
	if (!cli_nargs(cli, argc, optind, 1, 2))
		return 1;
	const char *name = optind + 1 < argc ? argv[optind + 1] : "SIGTERM";
	int sig = cli_signal(name);
	if (sig < 0)
		return cli_failf(cli, "unknown signal \"%s\"", name);
	struct isola_error err = {0};
	if (isola_container_kill(&cli->rt, argv[optind], sig, all, &err) < 0)
		return cli_fail(cli, &err);
	cli_debug(cli, "kill %s: signal %d sent%s", argv[optind], sig,
		  all ? " to every process" : "");
	return 0;
}
