/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"

/*
 * `isola exec [-i] [-t] [-d] [-e K=V] [-u USER] [-w DIR] CONTAINER CMD...`.
 * Exit codes as docker: the command's own, 126 when it can't be invoked,
 * 127 when it is not found, 125 when isola itself failed.
 */

struct exec_cli {
	struct isola_ctr_exec x;
	bool interactive;
};

static int parse(struct exec_cli *e, int argc, char **argv)
{
	static const struct option opts[] = {{"interactive", no_argument, NULL, 'i'},
					     {"tty", no_argument, NULL, 't'},
					     {"detach", no_argument, NULL, 'd'},
					     {"env", required_argument, NULL, 'e'},
					     {"user", required_argument, NULL, 'u'},
					     {"workdir", required_argument, NULL, 'w'},
					     {0}};
	int c;
	while ((c = getopt_long(argc, argv, "+itde:u:w:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			e->interactive = true;
			break;
		case 't':
			e->x.tty = true;
			break;
		case 'd':
			e->x.detach = true;
			break;
		case 'e':
			e->x.env = ctr_strv_push(e->x.env, optarg);
			break;
		case 'u':
			e->x.user = optarg;
			break;
		case 'w':
			e->x.workdir = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("exec: requires at least 2 arguments (CONTAINER COMMAND)");
	e->x.args = argv + optind + 1;
	return 0;
}

static int exec_code(const struct isola_error *err)
{
	if (err->kind == ISOLA_ERR_STATE)
		return CTR_EXIT_ERROR;
	if (!strncmp(err->msg, "exec:", 5) &&
	    (strcasestr(err->msg, "no such file or directory") || strstr(err->msg, "not found")))
		return CTR_EXIT_NOT_FOUND;
	if (!strncmp(err->msg, "exec:", 5) && (strcasestr(err->msg, "permission denied") ||
					       strcasestr(err->msg, "exec format error")))
		return CTR_EXIT_CANNOT_INVOKE;
	return CTR_EXIT_ERROR;
}

static int run_exec(struct isola_mgr *m, const char *id, struct exec_cli *e)
{
	struct isola_error err = {0};
	/* As docker: no stdin without -i, no output at all with -d. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0 && !e->interactive && !e->x.tty)
		dup2(null, STDIN_FILENO);
	if (null >= 0 && e->x.detach) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	if (null >= 0)
		close(null);
	/* With -t (and without -d) the library relays the pty and waits. */
	int r = isola_ctr_exec(m, id, &e->x, &err);
	if (r < 0)
		return ctr_fail(&err, exec_code(&err));
	return e->x.detach ? 0 : r;
}

int cmd_exec(struct cli *cli, int argc, char **argv)
{
	struct exec_cli e = {0};
	int rc = parse(&e, argc, argv);
	struct isola_mgr m;
	char id[65];
	if (rc == 0) {
		if (ctr_mgr_open(cli, &m, false) < 0)
			rc = CTR_EXIT_ERROR;
		else {
			rc = ctr_resolve(&m, argv[optind], id) < 0 ? CTR_EXIT_ERROR
								   : run_exec(&m, id, &e);
			isola_mgr_close(&m);
		}
	}
	for (char **p = e.x.env; p && *p; p++)
		free(*p);
	free(e.x.env);
	return rc;
}
