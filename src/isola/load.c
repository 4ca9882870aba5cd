/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cmd_load(struct cli *cli, int argc, char **argv)
{
	return cli_usage_error("load: not implemented yet");
}
