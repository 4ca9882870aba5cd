/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "storage/storage.h"

/*
 * `isola rootfs`: container root filesystems from images, for scripts and
 * tests until the container verbs use the library calls directly.
 */
static const char usage_text[] = "usage: isola rootfs create [--driver overlay|dir] IMAGE ID\n"
				 "       isola rootfs mount ID DIR\n"
				 "       isola rootfs umount DIR\n"
				 "       isola rootfs rm ID...\n"
				 "       isola rootfs clone SRC_ID DST_ID\n";

static int run(struct isola_store *s, const char *sub, int argc, char **argv, const char *driver,
	       struct isola_error *err)
{
	if (!strcmp(sub, "create") && argc == 2)
		return isola_rootfs_create(s, argv[0], argv[1], driver, true, err);
	if (!strcmp(sub, "mount") && argc == 2)
		return isola_rootfs_mount(s, argv[0], argv[1], err);
	if (!strcmp(sub, "umount") && argc == 1)
		return isola_rootfs_umount(argv[0], err);
	if (!strcmp(sub, "clone") && argc == 2)
		return isola_rootfs_clone(s, argv[0], argv[1], err);
	if (!strcmp(sub, "rm") && argc >= 1) {
		for (int i = 0; i < argc; i++) {
			if (isola_rootfs_remove(s, argv[i], err) < 0)
				return -1;
		}
		return 0;
	}
	return isola_err(err, ISOLA_ERR_INVALID, 0,
			 "rootfs: bad arguments (see isola rootfs --help)");
}

int cmd_rootfs(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"driver", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct isola_error err;
	const char *driver = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(usage_text, stdout) < 0;
		if (c != 'd')
			return cli_usage_error("rootfs: bad option");
		driver = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(
		    "rootfs: missing subcommand (create, mount, umount, rm, clone)");
	const char *sub = argv[optind++];
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c != 'd')
			return cli_usage_error("rootfs: bad option");
		driver = optarg;
	}
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	if (!s)
		return cli_fail(&err);
	int r = run(s, sub, argc - optind, argv + optind, driver, &err);
	isola_store_close(s);
	return r < 0 ? cli_fail(&err) : 0;
}
