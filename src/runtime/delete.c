/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>

#include "cli.h"

VERB(delete)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
	bool force = false;
	int c;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_usage(cli, 1);
		force = true;
	}
	if (!cli_nargs(cli, argc, optind, 1, 1))
		return 1;
	struct isola_error err = {0};
	if (isola_container_delete(&cli->rt, argv[optind], force, &err) < 0) {
		/* As runc: deleting a missing container with --force is not an error. */
		if (force && err.kind == ISOLA_ERR_NOT_FOUND)
			return 0;
		return cli_fail(cli, &err);
	}
	cli_debug(cli, "container %s deleted", argv[optind]);
	return 0;
}
