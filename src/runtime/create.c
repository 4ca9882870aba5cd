/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "create-opts.h"
#include "isola/util.h"

enum { OPT_PIDFILE = 256, OPT_CONSOLE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_PRESERVE };

/*
 * As runc (filepath.Abs): absolute, without resolving symlinks, which costs a
 * readlink per component on every create.
 */
static int absolute_path(const char *path, char *out, size_t len)
{
	char cwd[4096];
	if (path[0] == '/') {
		snprintf(out, len, "%s", path);
	} else if (!getcwd(cwd, sizeof(cwd))) {
		return -1;
	} else if (strcmp(path, ".") == 0 || strcmp(path, "./") == 0) {
		snprintf(out, len, "%s", cwd);
	} else {
		snprintf(out, len, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
			 strncmp(path, "./", 2) == 0 ? path + 2 : path);
	}
	size_t n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

int create_args_parse(struct cli *cli, int argc, char **argv, bool is_run, struct create_args *a)
{
	/* clang-format off */
#define CREATE_OPTIONS                                                   \
	{"bundle", required_argument, NULL, 'b'},                        \
	{"pid-file", required_argument, NULL, OPT_PIDFILE},              \
	{"console-socket", required_argument, NULL, OPT_CONSOLE},        \
	{"no-pivot", no_argument, NULL, OPT_NOPIVOT},                    \
	{"no-new-keyring", no_argument, NULL, OPT_NOKEYRING},            \
	{"preserve-fds", required_argument, NULL, OPT_PRESERVE}
	static const struct option opts_create[] = {CREATE_OPTIONS, {0}};
	static const struct option opts[] = {
		CREATE_OPTIONS,
		{"detach", no_argument, NULL, 'd'},
		{"keep", no_argument, NULL, 'k'},
		{"no-subreaper", no_argument, NULL, 'S'},
		{0},
	};
#undef CREATE_OPTIONS
	/* clang-format on */
	const char *bundle = ".";
	unsigned long long n;
	int c;
	/* detach, keep and no-subreaper are run's only. */
	const struct option *table = is_run ? opts : opts_create;
	while ((c = getopt_long(argc, argv, is_run ? "b:d" : "b:", table, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case OPT_PIDFILE:
			a->opts.pid_file = optarg;
			break;
		case OPT_CONSOLE:
			a->opts.console_socket = optarg;
			break;
		case OPT_NOPIVOT:
			a->opts.no_pivot = true;
			break;
		case OPT_NOKEYRING:
			a->opts.no_new_keyring = true;
			break;
		case OPT_PRESERVE:
			if (isola_parse_u64(optarg, &n) < 0 || n > 65536)
				return cli_failf(cli, "invalid --preserve-fds \"%s\"", optarg);
			a->opts.preserve_fds = (unsigned)n;
			break;
		case 'd':
			a->detach = true;
			break;
		case 'k':
			a->keep = true;
			break;
		case 'S':
			a->no_subreaper = true;
			break;
		default:
			return cli_usage(cli, 1);
		}
	}
	if (!cli_nargs(cli, argc, optind, 1, 1))
		return 1;
	a->opts.console_fd = -1;
	if (absolute_path(bundle, a->bundle, sizeof(a->bundle)) < 0)
		return cli_failf(cli, "bundle \"%s\": %s", bundle, strerror(errno));
	a->opts.id = argv[optind];
	a->opts.bundle = a->bundle;
	return 0;
}

VERB(create)
{
	struct create_args a = {0};
	int r = create_args_parse(cli, argc, argv, false, &a);
	if (r)
		return r;
	struct isola_error err = {0};
	pid_t pid = 0;
	cli_debug(cli, "create %s: bundle \"%s\"", a.opts.id, a.opts.bundle);
	if (isola_container_create(&cli->rt, &a.opts, &pid, &err) < 0)
		return cli_fail(cli, &err);
	cli_debug(cli, "container %s created: init pid %d", a.opts.id, (int)pid);
	return 0;
}
