/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "image/import.h"

int cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct isola_error err;
	struct isola_progress_sink progress;
	char id[ISOLA_DIGEST_MAX];
	bool quiet = false;
	int c;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola import [-q] TARBALL|DIR|- [NAME[:TAG]]\n") < 0;
		if (c != 'q')
			return cli_usage_error("import: bad option");
		quiet = true;
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error("import: usage: isola import TARBALL|DIR|- [NAME[:TAG]]");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	cli_progress_init(&progress, quiet);
	int r = isola_image_import(s, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL,
				   &progress, id, &err);
	cli_progress_finish(&progress);
	isola_store_close(s);
	if (r < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	return 0;
}
