/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

/* CRIU is not packaged for Debian 12, so checkpoint/restore can't work here yet. */
VERB(checkpoint)
{
	return cli_failf(cli, "checkpoint: not supported (criu is not available on this host)");
}

VERB(restore)
{
	return cli_failf(cli, "restore: not supported (criu is not available on this host)");
}
