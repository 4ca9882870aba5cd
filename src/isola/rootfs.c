/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cmd_rootfs(struct cli *cli, int argc, char **argv)
{
	return cli_usage_error("rootfs: not implemented yet");
}
