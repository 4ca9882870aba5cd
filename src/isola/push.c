/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "regopts.h"

int cmd_push(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, REGOPTS_LONG, {0}};
	struct regopts ro;
	struct isola_error err;
	struct isola_progress_sink progress;
	bool quiet = false;
	int c;
	regopts_init(&ro, cli);
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola push [-q] [OPTIONS] IMAGE "
				      "[DESTINATION]\n" REGOPTS_HELP) < 0;
		if (c == 'q')
			quiet = true;
		else if (regopts_parse(&ro, c, optarg) < 0)
			return cli_usage_error("push: bad option (see isola push --help)");
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error("push: usage: isola push [OPTIONS] IMAGE [DESTINATION]");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	cli_progress_init(&progress, quiet);
	int r = isola_push(s, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL, &ro.o,
			   &progress, &err);
	cli_progress_finish(&progress);
	isola_store_close(s);
	return r < 0 ? cli_fail(&err) : 0;
}
