/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

static int freeze(struct cli *cli, int argc, char **argv, bool on)
{
	if (!cli_nargs(cli, argc, 1, 1, 1))
		return 1;
	struct isola_error err = {0};
	int r = on ? isola_container_pause(&cli->rt, argv[1], &err)
		   : isola_container_resume(&cli->rt, argv[1], &err);
	return r < 0 ? cli_fail(cli, &err) : 0;
}

VERB(pause)
{
	return freeze(cli, argc, argv, true);
}

VERB(resume)
{
	return freeze(cli, argc, argv, false);
}
