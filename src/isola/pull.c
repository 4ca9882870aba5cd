/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "regopts.h"

int cmd_pull(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, REGOPTS_LONG, {0}};
	struct regopts ro;
	struct isola_error err;
	struct isola_progress_sink progress;
	char id[ISOLA_DIGEST_MAX];
	bool quiet = false;
	int c;
	regopts_init(&ro, cli);
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola pull [-q] [OPTIONS] IMAGE\n" REGOPTS_HELP) < 0;
		if (c == 'q')
			quiet = true;
		else if (regopts_parse(&ro, c, optarg) < 0)
			return cli_usage_error("pull: bad option (see isola pull --help)");
	}
	if (optind + 1 != argc)
		return cli_usage_error("pull: usage: isola pull [OPTIONS] IMAGE");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	cli_progress_init(&progress, quiet);
	int r = isola_pull(s, argv[optind], &ro.o, &progress, id, &err);
	cli_progress_finish(&progress);
	isola_store_close(s);
	if (r < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	return 0;
}
