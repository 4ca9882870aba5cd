/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

int cmd_prune(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct isola_error err;
	struct isola_prune_result res;
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "afh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola image prune [-a] [-f]\n") < 0;
		if (c == 'a')
			all = true;
		else if (c != 'f')
			return cli_usage_error("prune: bad option");
	}
	/* exclusive: waits for running pulls, so their partial files are not theirs any more */
	struct isola_store *s = cli_store(cli, ISOLA_STORE_EXCLUSIVE, &err);
	if (!s)
		return cli_fail(&err);
	int r = isola_store_prune(s, all, &res, &err);
	isola_store_close(s);
	if (r < 0)
		return cli_fail(&err);
	char size[32];
	cli_human_size(res.bytes, size, sizeof(size));
	printf("Deleted images: %zu, layers: %zu, blobs: %zu, partial files: %zu\n", res.images,
	       res.layers, res.blobs, res.tmp);
	printf("Total reclaimed space: %s\n", size);
	return 0;
}
