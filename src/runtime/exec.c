/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "isola/util.h"

/*
 * As runc: the runtime's own failures after the options were read (no such
 * container or binary, a pid file that can't be written) exit 255, so a
 * caller can tell them from the process's own status.
 */
#define EXEC_FAILED 255

static int exec_fail(struct cli *cli, const struct isola_error *err)
{
	cli_fail(cli, err);
	return EXEC_FAILED;
}

enum {
	OPT_CONSOLE = 256,
	OPT_PIDFILE,
	OPT_CWD,
	OPT_NNP,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_PRESERVE,
	OPT_IGNORE_PAUSED,
	OPT_CGROUP
};

struct exec_args {
	struct isola_exec_opts opts;
	struct isola_exec_process p;
};

static char **strv_push(char **v, const char *s)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **nv = realloc(v, (n + 2) * sizeof(char *));
	if (!nv)
		abort();
	nv[n] = (char *)s;
	nv[n + 1] = NULL;
	return nv;
}

static int parse_opts(struct cli *cli, int argc, char **argv, struct exec_args *a)
{
	static const struct option opts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"detach", no_argument, NULL, 'd'},
	    {"tty", no_argument, NULL, 't'},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE},
	    {"pid-file", required_argument, NULL, OPT_PIDFILE},
	    {"cwd", required_argument, NULL, OPT_CWD},
	    {"env", required_argument, NULL, 'e'},
	    {"user", required_argument, NULL, 'u'},
	    {"additional-gids", required_argument, NULL, 'g'},
	    {"cap", required_argument, NULL, 'c'},
	    {"no-new-privs", no_argument, NULL, OPT_NNP},
	    {"apparmor", required_argument, NULL, OPT_APPARMOR},
	    {"process-label", required_argument, NULL, OPT_LABEL},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {0}};
	unsigned long long n;
	int c;
	while ((c = getopt_long(argc, argv, "+p:dte:u:g:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->p.file = optarg;
			break;
		case 'd':
			a->opts.detach = true;
			break;
		case 't':
			a->p.tty = true;
			break;
		case OPT_CONSOLE:
			a->opts.console_socket = optarg;
			break;
		case OPT_PIDFILE:
			a->opts.pid_file = optarg;
			break;
		case OPT_CWD:
			a->p.cwd = optarg;
			break;
		case 'e':
			a->p.env = strv_push(a->p.env, optarg);
			break;
		case 'u':
			a->p.user = optarg;
			break;
		case 'g':
			a->p.gids = strv_push(a->p.gids, optarg);
			break;
		case 'c':
			a->p.caps = strv_push(a->p.caps, optarg);
			break;
		case OPT_NNP:
			a->p.no_new_privs = true;
			break;
		case OPT_APPARMOR:
			a->p.apparmor = optarg;
			break;
		case OPT_LABEL:
			a->p.label = optarg;
			break;
		case OPT_PRESERVE:
			if (isola_parse_u64(optarg, &n) < 0 || n > 65536)
				return cli_failf(cli, "invalid --preserve-fds \"%s\"", optarg);
			a->opts.preserve_fds = (unsigned)n;
			break;
		case OPT_IGNORE_PAUSED:
			a->opts.ignore_paused = true;
			break;
		case OPT_CGROUP:
			a->opts.cgroups = strv_push(a->opts.cgroups, optarg);
			break;
		default:
			return cli_usage(cli, 1);
		}
	}
	return 0;
}

static int exec_run(struct cli *cli, int argc, char **argv, struct exec_args *a)
{
	if (!cli_nargs(cli, argc, optind, a->p.file ? 1 : 2, -1))
		return 1;
	a->opts.id = argv[optind];
	a->p.args = argv + optind + 1;
	/* -t in the foreground without --console-socket: the pty relayed here (as runc). */
	a->opts.relay_tty = true;
	struct isola_error err = {0};
	int r = isola_container_exec_process(&cli->rt, &a->opts, &a->p, &err);
	if (r < 0)
		return exec_fail(cli, &err);
	if (a->opts.detach)
		cli_debug(cli, "exec in %s: process pid %d started", a->opts.id, (int)a->opts.pid);
	else
		cli_debug(cli, "exec in %s: process pid %d exited with status %d", a->opts.id,
			  (int)a->opts.pid, r);
	return r;
}

VERB(exec)
{
	struct exec_args a = {.opts = {.console_fd = -1}};
	int r = parse_opts(cli, argc, argv, &a);
	if (r == 0)
		r = exec_run(cli, argc, argv, &a);
	free(a.p.env);
	free(a.p.gids);
	free(a.p.caps);
	free(a.opts.cgroups);
	return r;
}
