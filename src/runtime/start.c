/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

VERB(start)
{
	if (!cli_nargs(cli, argc, 1, 1, 1))
		return 1;
	struct isola_error err = {0};
	if (isola_container_start(&cli->rt, argv[1], &err) < 0)
		return cli_fail(cli, &err);
	cli_debug(cli, "container %s started", argv[1]);
	return 0;
}
