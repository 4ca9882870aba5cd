/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cmd_save(struct cli *cli, int argc, char **argv)
{
	return cli_usage_error("save: not implemented yet");
}
