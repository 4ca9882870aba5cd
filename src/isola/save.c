/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "image/archive.h"

int cmd_save(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct isola_error err;
	const char *out = "-";
	int format = ISOLA_ARCHIVE_OCI, c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola save [-o FILE] [--format oci-archive|"
				      "docker-archive] IMAGE\n") < 0;
		if (c == 'o')
			out = optarg;
		else if (c == 'f' && !strcmp(optarg, "oci-archive"))
			format = ISOLA_ARCHIVE_OCI;
		else if (c == 'f' && !strcmp(optarg, "docker-archive"))
			format = ISOLA_ARCHIVE_DOCKER;
		else
			return cli_usage_error("save: bad option (see isola save --help)");
	}
	if (optind + 1 != argc)
		return cli_usage_error("save: usage: isola save [-o FILE] IMAGE");
	if (!strcmp(out, "-") && isatty(STDOUT_FILENO))
		return cli_usage_error("save: refusing to write an archive to a terminal (use -o)");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	int r = isola_image_save(s, argv[optind], out, format, &err);
	isola_store_close(s);
	return r < 0 ? cli_fail(&err) : 0;
}
