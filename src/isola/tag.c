/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_tag(struct cli *cli, int argc, char **argv)
{
	struct isola_error err;
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return printf("usage: isola tag IMAGE NAME[:TAG]...\n") < 0;
	if (argc < 3)
		return cli_usage_error("tag: usage: isola tag IMAGE NAME[:TAG]...");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	int rc = 0;
	for (int i = 2; i < argc && rc == 0; i++) {
		if (isola_image_tag(s, argv[1], argv[i], &err) < 0)
			rc = cli_fail(&err);
	}
	isola_store_close(s);
	return rc;
}
