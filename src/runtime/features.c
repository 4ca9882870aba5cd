/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "isola/oci.h"

VERB(features)
{
	char *json = isola_features_json(cli->rt.warn, cli->rt.warn_data);
	if (!json)
		return cli_failf(cli, "features: out of memory");
	puts(json);
	free(json);
	return 0;
}
