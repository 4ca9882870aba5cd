/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "core/cleanup.h"
#include "image/archive.h"

int cmd_load(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"input", required_argument, NULL, 'i'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct isola_error err;
	struct isola_progress_sink progress;
	const char *input = "-";
	bool quiet = false;
	int c;
	while ((c = getopt_long(argc, argv, "i:qh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola load [-q] [-i ARCHIVE|DIR] [NAME[:TAG]]\n") < 0;
		if (c == 'i')
			input = optarg;
		else if (c == 'q')
			quiet = true;
		else
			return cli_usage_error("load: bad option");
	}
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	cleanup_strv char **names = NULL;
	cli_progress_init(&progress, quiet);
	int r = isola_image_load(s, input, optind < argc ? argv[optind] : NULL, &progress, &names,
				 &err);
	cli_progress_finish(&progress);
	isola_store_close(s);
	if (r < 0)
		return cli_fail(&err);
	for (char **p = names; p && *p; p++)
		printf("Loaded image: %s\n", *p);
	return 0;
}
