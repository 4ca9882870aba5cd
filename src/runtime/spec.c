/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/util.h"
#include "spec/config.h"

VERB(spec)
{
	static const struct option opts[] = {{"rootless", no_argument, NULL, 'r'},
					     {"bundle", required_argument, NULL, 'b'},
					     {0}};
	bool rootless = false;
	const char *bundle = ".";
	int c;
	while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (c == 'r')
			rootless = true;
		else if (c == 'b')
			bundle = optarg;
		else
			return cli_usage(cli, 1);
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (access(path, F_OK) == 0)
		return cli_failf(cli, "file \"%s\" exists: remove it first", path);
	char *json = isola_config_default_json(rootless);
	if (!json)
		return cli_failf(cli, "could not generate the default config");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int r = 0;
	if (fd < 0 || isola_write_all(fd, json, strlen(json)) < 0 || write(fd, "\n", 1) != 1)
		r = cli_failf(cli, "write \"%s\": %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(json);
	return r;
}
