/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stddef.h>

#include "cli.h"
#include "isola/oci.h"

VERB(spec)
{
	static const struct option opts[] = {
	    {"rootless", no_argument, NULL, 'r'}, {"bundle", required_argument, NULL, 'b'}, {0}};
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
	struct isola_error err = {0};
	return isola_spec_write(bundle, rootless, &err) < 0 ? cli_fail(cli, &err) : 0;
}
