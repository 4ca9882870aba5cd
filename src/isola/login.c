/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

int cmd_login(struct cli *cli, int argc, char **argv)
{
	return cli_usage_error("login: not implemented yet");
}
#include "cli.h"

int cmd_logout(struct cli *cli, int argc, char **argv)
{
	return cli_usage_error("logout: not implemented yet");
}
