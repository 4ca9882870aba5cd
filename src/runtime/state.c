/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

VERB(state)
{
	if (!cli_nargs(cli, argc, 1, 1, 1))
		return 1;
	struct isola_error err = {0};
	struct isola_state *s = isola_state_load(cli->rt.root, argv[1], &err);
	if (!s)
		return cli_fail(cli, &err);
	char *json = isola_state_json(s, isola_state_status(s), 1);
	puts(json);
	free(json);
	isola_state_free(s);
	return 0;
}
