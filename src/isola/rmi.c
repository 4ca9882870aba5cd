/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/cleanup.h"

int cmd_rmi(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct isola_error err;
	bool force = false;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola rmi [-f] IMAGE...\n") < 0;
		if (c != 'f')
			return cli_usage_error("rmi: bad option");
		force = true;
	}
	if (optind >= argc)
		return cli_usage_error("rmi: missing image name");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	for (int i = optind; i < argc; i++) {
		cleanup_strv char **removed = NULL;
		if (isola_image_remove(s, argv[i], force, &removed, &err) < 0) {
			rc = cli_fail(&err);
			continue;
		}
		for (char **p = removed; p && *p; p++)
			printf("%s\n", *p);
	}
	struct isola_prune_result res;
	if (isola_store_try_gc(s, &res, &err) < 0)
		rc = cli_fail(&err);
	isola_store_close(s);
	return rc;
}
