/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

VERB(state)
{
	if (!cli_nargs(cli, argc, 1, 1, 1))
		return 1;
	struct isola_error err = {0};
	char *json = isola_container_state_json(&cli->rt, argv[1], true, &err);
	if (!json)
		return cli_fail(cli, &err);
	puts(json);
	free(json);
	return 0;
}
