/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "tty.h"
#include "core/util.h"
#include "spec/config.h"

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

enum { OPT_CONSOLE = 256, OPT_PIDFILE, OPT_CWD, OPT_NNP, OPT_APPARMOR, OPT_LABEL, OPT_PRESERVE,
       OPT_IGNORE_PAUSED, OPT_CGROUP };

struct exec_args {
	struct isola_exec_opts opts;
	const char *process_file;
	const char *cwd;
	const char *user;
	char **env; /* -e, NULL-terminated */
	char **caps;
	char **gids;
	char **cgroups;
	bool tty, nnp;
	const char *apparmor, *label;
};

static char **strv_push(char **v, const char *s)
{
	size_t n = isola_strv_len(v);
	char **nv = realloc(v, (n + 2) * sizeof(char *));
	if (!nv)
		abort();
	nv[n] = (char *)s;
	nv[n + 1] = NULL;
	return nv;
}

/* "UID" or "UID:GID", numbers only: a name or trailing junk must not become uid 0. */
static int parse_user(const char *s, struct isola_user *u)
{
	char *colon = strchr(s, ':');
	unsigned long long uid, gid;
	char ubuf[32];
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (ulen == 0 || ulen >= sizeof(ubuf))
		return -1;
	memcpy(ubuf, s, ulen);
	ubuf[ulen] = '\0';
	if (isola_parse_u64(ubuf, &uid) < 0 || uid > 0xfffffffeULL)
		return -1;
	u->uid = (uid_t)uid;
	if (colon) {
		if (isola_parse_u64(colon + 1, &gid) < 0 || gid > 0xfffffffeULL)
			return -1;
		u->gid = (gid_t)gid;
	}
	return 0;
}

static int parse_opts(struct cli *cli, int argc, char **argv, struct exec_args *a)
{
	static const struct option opts[] = {
		{"process", required_argument, NULL, 'p'}, {"detach", no_argument, NULL, 'd'},
		{"tty", no_argument, NULL, 't'}, {"console-socket", required_argument, NULL, OPT_CONSOLE},
		{"pid-file", required_argument, NULL, OPT_PIDFILE},
		{"cwd", required_argument, NULL, OPT_CWD}, {"env", required_argument, NULL, 'e'},
		{"user", required_argument, NULL, 'u'},
		{"additional-gids", required_argument, NULL, 'g'},
		{"cap", required_argument, NULL, 'c'}, {"no-new-privs", no_argument, NULL, OPT_NNP},
		{"apparmor", required_argument, NULL, OPT_APPARMOR},
		{"process-label", required_argument, NULL, OPT_LABEL},
		{"preserve-fds", required_argument, NULL, OPT_PRESERVE},
		{"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
		{"cgroup", required_argument, NULL, OPT_CGROUP}, {0}};
	unsigned long long n;
	int c;
	while ((c = getopt_long(argc, argv, "+p:dte:u:g:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->process_file = optarg; break;
		case 'd': a->opts.detach = true; break;
		case 't': a->tty = true; break;
		case OPT_CONSOLE: a->opts.console_socket = optarg; break;
		case OPT_PIDFILE: a->opts.pid_file = optarg; break;
		case OPT_CWD: a->cwd = optarg; break;
		case 'e': a->env = strv_push(a->env, optarg); break;
		case 'u': a->user = optarg; break;
		case 'g': a->gids = strv_push(a->gids, optarg); break;
		case 'c': a->caps = strv_push(a->caps, optarg); break;
		case OPT_NNP: a->nnp = true; break;
		case OPT_APPARMOR: a->apparmor = optarg; break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_PRESERVE:
			if (isola_parse_u64(optarg, &n) < 0 || n > 65536)
				return cli_failf(cli, "invalid --preserve-fds \"%s\"", optarg);
			a->opts.preserve_fds = (unsigned)n;
			break;
		case OPT_IGNORE_PAUSED: a->opts.ignore_paused = true; break;
		case OPT_CGROUP: a->opts.cgroups = a->cgroups = strv_push(a->cgroups, optarg); break;
		default:
			return cli_usage(cli, 1);
		}
	}
	return 0;
}

/* -e K=V replaces K in the inherited environment or is appended. */
static char **merge_env(char **base, char **add)
{
	char **out = NULL;
	for (char **b = base; b && *b; b++) {
		size_t klen = strcspn(*b, "=");
		bool replaced = false;
		for (char **e = add; e && *e; e++)
			if (strncmp(*e, *b, klen) == 0 && (*e)[klen] == '=')
				replaced = true;
		if (!replaced)
			out = strv_push(out, *b);
	}
	for (char **e = add; e && *e; e++)
		out = strv_push(out, *e);
	return out ? out : calloc(1, sizeof(char *));
}

static int apply_overrides(struct cli *cli, struct exec_args *a, struct isola_process *p)
{
	if (a->tty)
		p->terminal = true;
	if (a->cwd)
		p->cwd = (char *)a->cwd;
	if (a->env)
		p->env = merge_env(p->env, a->env);
	if (a->user && parse_user(a->user, &p->user) < 0)
		return cli_failf(cli, "invalid --user \"%s\": expected UID[:GID]", a->user);
	if (a->gids) {
		size_t n = isola_strv_len(a->gids);
		p->user.additional_gids = calloc(n, sizeof(gid_t));
		p->user.n_additional_gids = n;
		for (size_t i = 0; i < n; i++) {
			unsigned long long g;
			if (isola_parse_u64(a->gids[i], &g) < 0)
				return cli_failf(cli, "invalid --additional-gids \"%s\"", a->gids[i]);
			p->user.additional_gids[i] = (gid_t)g;
		}
	}
	for (char **cap = a->caps; cap && *cap; cap++) {
		int n = isola_cap_from_name(*cap);
		if (n < 0)
			return cli_failf(cli, "unknown capability \"%s\"", *cap);
		uint64_t bit = 1ULL << n;
		p->has_caps = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
	}
	if (a->nnp)
		p->no_new_privileges = true;
	if (a->apparmor)
		p->apparmor_profile = (char *)a->apparmor;
	if (a->label)
		p->selinux_label = (char *)a->label;
	return 0;
}

/* -t in the foreground without --console-socket: relay the pty ourselves (as runc). */
static int exec_maybe_relay(struct cli *cli, struct exec_args *a)
{
	struct isola_error err = {0};
	int pair[2] = {-1, -1};
	bool relay = a->opts.process->terminal && !a->opts.console_socket && !a->opts.detach &&
		     socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0;
	if (relay) {
		a->opts.console_fd = pair[1];
		a->opts.detach = true;
	}
	int r = isola_container_exec(&cli->rt, &a->opts, &err);
	if (r >= 0 && a->opts.detach)
		cli_debug(cli, "exec in %s: process pid %d started", a->opts.id, (int)a->opts.pid);
	else if (r >= 0)
		cli_debug(cli, "exec in %s: process pid %d exited with status %d", a->opts.id,
			  (int)a->opts.pid, r);
	if (pair[1] >= 0)
		close(pair[1]);
	if (r < 0 || !relay) {
		if (pair[0] >= 0)
			close(pair[0]);
		return r < 0 ? exec_fail(cli, &err) : r;
	}
	int master = tty_take_master(pair[0]);
	close(pair[0]);
	if (master >= 0) {
		tty_relay(master);
		close(master);
	}
	return isola_container_wait(a->opts.pid);
}

/* The process to run: the config's, with the command line's overrides, or --process FILE. */
static int exec_process(struct cli *cli, char **argv, struct exec_args *a,
			const struct isola_config *c)
{
	struct isola_error err = {0};
	struct isola_process fromfile = {0};
	struct isola_process p = c->process; /* runc: exec starts from the config's process */
	int r;
	if (a->process_file) {
		if (isola_process_load(a->process_file, &fromfile, &err) < 0)
			return exec_fail(cli, &err);
		p = fromfile;
		r = 0;
	} else {
		p.args = argv + optind + 1;
		p.terminal = false;
		r = apply_overrides(cli, a, &p) ? EXEC_FAILED : 0;
	}
	if (r == 0) {
		a->opts.process = &p;
		r = exec_maybe_relay(cli, a);
	}
	/* Overrides own only what they allocated; the rest belongs to c. */
	if (!a->process_file && p.env != c->process.env)
		free(p.env);
	if (!a->process_file && p.user.additional_gids != c->process.user.additional_gids)
		free(p.user.additional_gids);
	isola_process_release(&fromfile);
	return r;
}

static int exec_run(struct cli *cli, int argc, char **argv, struct exec_args *a)
{
	if (!cli_nargs(cli, argc, optind, a->process_file ? 1 : 2, -1))
		return 1;
	a->opts.id = argv[optind];
	struct isola_error err = {0};
	struct isola_state *s = isola_state_load(cli->rt.root, a->opts.id, &err);
	struct isola_config *c = s ? isola_container_config(s, &err) : NULL;
	int r = c ? exec_process(cli, argv, a, c) : exec_fail(cli, &err);
	isola_config_free(c);
	isola_state_free(s);
	return r;
}

VERB(exec)
{
	struct exec_args a = {.opts = {.console_fd = -1}};
	int r = parse_opts(cli, argc, argv, &a);
	if (r == 0)
		r = exec_run(cli, argc, argv, &a);
	free(a.env);
	free(a.gids);
	free(a.caps);
	free(a.cgroups);
	return r;
}
