/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctr.h"
#include "isola-version.h"
#include "monitor/monitor.h"
#ifndef ISOLA_FRONT
#include "regopts.h"
#endif

/* `isola create`, `run`, `start` and `attach`. */

int ctr_fail(const struct isola_error *err, int code)
{
	fprintf(stderr, "isola: %s\n", err->msg[0] ? err->msg : "unknown error");
	return code;
}

int ctr_mgr_open(struct cli *cli, struct isola_mgr *m, bool quiet)
{
	struct isola_error err = {0};
	char cwd[4096], abs[8192];
	const char *root = cli->root;
	if (root[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		snprintf(abs, sizeof(abs), "%s/%s", cwd, root);
		root = abs;
	}
	static char init[4096], monitor[4096], net[4096];
	cli_helper_path("init/isola-init", "isola-init", init, sizeof(init));
	cli_helper_path("net/isola-net", "isola-net", net, sizeof(net));
	cli_helper_path("monitor/isola-monitor", "isola-monitor", monitor, sizeof(monitor));
	if (isola_mgr_open(root, cli->run, m, &err) < 0) {
		if (!quiet)
			ctr_fail(&err, 1);
		return -1;
	}
	m->init_path = init;
	m->monitor_path = monitor;
	m->net_path = net;
	m->subuid_path = getenv("ISOLA_SUBUID");
	m->subgid_path = getenv("ISOLA_SUBGID");
	m->storage_driver = getenv("ISOLA_STORAGE_DRIVER");
	return 0;
}

/* The image, pulled first when the store does not have it (as docker run). */
static int create_pulling(struct cli *cli, struct isola_mgr *m, struct ctr_args *a, char id[65],
			  struct isola_error *err)
{
	if (isola_ctr_create(m, &a->o, id, err) == 0)
		return 0;
	if (err->kind != ISOLA_ERR_NOT_FOUND || (a->pull && !strcmp(a->pull, "never")))
		return -1;
#ifdef ISOLA_FRONT
	/* The registry client lives in isola-image: it runs this command again, pulling. */
	return cli_delegate(cli);
#else
	fprintf(stderr, "Unable to find image '%s' locally\n", a->o.image);
	struct regopts ro;
	regopts_init(&ro, cli);
	ro.o.tls_verify = a->tls_verify;
	struct isola_progress_sink progress;
	char image_id[ISOLA_DIGEST_MAX];
	cli_progress_init(&progress, false);
	int r = isola_pull(m->store, a->o.image, &ro.o, &progress, image_id, err);
	cli_progress_finish(&progress);
	return r < 0 ? -1 : isola_ctr_create(m, &a->o, id, err);
#endif
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
	struct ctr_args a = {0};
	int r = ctr_args_parse(&a, argc, argv, false);
	struct isola_mgr m;
	if (r || ctr_mgr_open(cli, &m, false) < 0) {
		ctr_args_release(&a);
		return r < 0 ? 0 : r ? r : CTR_EXIT_ERROR;
	}
	struct isola_error err = {0};
	char id[65];
	r = create_pulling(cli, &m, &a, id, &err);
	if (r == 0)
		printf("%s\n", id);
	isola_mgr_close(&m);
	ctr_args_release(&a);
	return r < 0 ? ctr_fail(&err, CTR_EXIT_ERROR) : 0;
}

/* docker's codes when the command itself can't run. */
static int start_error_code(const struct isola_error *err)
{
	if (strcasestr(err->msg, "no such file or directory") || strstr(err->msg, "not found"))
		return CTR_EXIT_NOT_FOUND;
	if (strcasestr(err->msg, "permission denied") || strcasestr(err->msg, "exec format error"))
		return CTR_EXIT_CANNOT_INVOKE;
	return CTR_EXIT_ERROR;
}

/* Start with our end of a socketpair as the monitor's first client: no output is missed. */
static int start_attached(struct isola_mgr *m, const char *id, struct ctr_relay *rl)
{
	struct isola_error err = {0};
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return isola_err_sys(&err, "socketpair"), ctr_fail(&err, CTR_EXIT_ERROR);
	int r = isola_ctr_start(m, id, sv[1], &err);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		return ctr_fail(&err, start_error_code(&err));
	}
	rl->sock = sv[0];
	rl->m = m;
	rl->id = id;
	int code = ctr_relay(rl);
	close(sv[0]);
	if (code == -2)
		return 0; /* detached: the container runs on */
	if (code < 0)	  /* the monitor went away without a word: ask the record */
		code = isola_ctr_wait(m, id, &err);
	return code < 0 ? CTR_EXIT_ERROR : code;
}

static int run_attached(struct isola_mgr *m, struct ctr_args *a, const char *id)
{
	struct ctr_relay rl = {.tty = a->o.tty,
			       .stdin_open = a->o.interactive,
			       .sig_proxy = a->sig_proxy,
			       .detach_keys = a->detach_keys};
	return start_attached(m, id, &rl);
}

/* -t from a terminal: the pty starts with its size (docker's ConsoleSize). */
static void console_size(struct ctr_args *a)
{
	struct winsize ws;
	if (a->o.tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		a->o.console_rows = ws.ws_row;
		a->o.console_cols = ws.ws_col;
	}
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	struct ctr_args a = {0};
	int r = ctr_args_parse(&a, argc, argv, true);
	console_size(&a);
	struct isola_mgr m;
	if (r || ctr_mgr_open(cli, &m, false) < 0) {
		ctr_args_release(&a);
		return r < 0 ? 0 : r ? r : CTR_EXIT_ERROR;
	}
	struct isola_error err = {0};
	char id[65];
	if (create_pulling(cli, &m, &a, id, &err) < 0) {
		r = ctr_fail(&err, CTR_EXIT_ERROR);
	} else if (a.detach) {
		r = isola_ctr_start(&m, id, -1, &err);
		if (r == 0)
			printf("%s\n", id);
		else
			r = ctr_fail(&err, start_error_code(&err));
	} else {
		fflush(stdout);
		r = run_attached(&m, &a, id);
	}
	isola_mgr_close(&m);
	ctr_args_release(&a);
	return r;
}

int ctr_on_one(struct cli *cli, const char *ref, ctr_one_fn fn, void *data)
{
	struct isola_mgr m;
	char id[65];
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	int rc = ctr_resolve(&m, ref, id) < 0 ? 1 : fn(&m, id, data);
	isola_mgr_close(&m);
	return rc;
}

int ctr_resolve(struct isola_mgr *m, const char *ref, char id[65])
{
	struct isola_error err = {0};
	if (isola_ctr_resolve(m, ref, id, &err) < 0) {
		ctr_fail(&err, 1);
		return -1;
	}
	return 0;
}

static bool rec_tty(struct json_object *rec)
{
	struct json_object *cfg, *v;
	return rec && json_object_object_get_ex(rec, "Config", &cfg) &&
	       json_object_object_get_ex(cfg, "Tty", &v) && json_object_get_boolean(v);
}

static int attach_to(struct isola_mgr *m, const char *id, bool in, const char *keys, bool proxy)
{
	struct isola_error err = {0};
	struct json_object *rec = isola_ctr_load(m, id, &err);
	if (!rec)
		return ctr_fail(&err, 1);
	bool tty = rec_tty(rec);
	json_object_put(rec);
	int sock = isola_monitor_connect(m, id, &err);
	if (sock < 0)
		return ctr_fail(&err, 1);
	struct ctr_relay rl = {.sock = sock,
			       .tty = tty,
			       .stdin_open = in,
			       .sig_proxy = proxy,
			       .detach_keys = keys,
			       .m = m,
			       .id = id};
	int code = ctr_relay(&rl);
	close(sock);
	return code == -2 ? 0 : code < 0 ? isola_ctr_wait(m, id, &err) : code;
}

int cmd_start(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"attach", no_argument, NULL, 'a'},
					     {"interactive", no_argument, NULL, 'i'},
					     {"detach-keys", required_argument, NULL, 'k'},
					     {0}};
	bool attach = false, in = false;
	const char *keys = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+ai", opts, NULL)) != -1) {
		if (c == 'a')
			attach = true;
		else if (c == 'i')
			in = true;
		else if (c == 'k')
			keys = optarg;
		else
			return 2;
	}
	if (optind >= argc)
		return cli_usage_error("start: requires at least 1 argument");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		char id[65];
		struct isola_error err = {0};
		if (ctr_resolve(&m, argv[i], id) < 0) {
			rc = 1;
			continue;
		}
		if (attach && i == optind) {
			struct json_object *rec = isola_ctr_load(&m, id, &err);
			struct ctr_relay rl = {.tty = rec_tty(rec),
					       .stdin_open = in,
					       .sig_proxy = true,
					       .detach_keys = keys};
			json_object_put(rec);
			rc = start_attached(&m, id, &rl);
			continue;
		}
		if (isola_ctr_start(&m, id, -1, &err) < 0)
			rc = ctr_fail(&err, 1);
		else
			printf("%s\n", argv[i]);
	}
	isola_mgr_close(&m);
	return rc;
}

int cmd_attach(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"no-stdin", no_argument, NULL, 'n'},
					     {"detach-keys", required_argument, NULL, 'k'},
					     {"sig-proxy", optional_argument, NULL, 's'},
					     {0}};
	bool in = true, proxy = true;
	const char *keys = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'n')
			in = false;
		else if (c == 'k')
			keys = optarg;
		else if (c == 's')
			proxy = !optarg || strcmp(optarg, "false") != 0;
		else
			return 2;
	}
	if (optind + 1 != argc)
		return cli_usage_error("attach: requires exactly 1 argument");
	struct isola_mgr m;
	char id[65];
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	int rc = ctr_resolve(&m, argv[optind], id) < 0 ? 1 : attach_to(&m, id, in, keys, proxy);
	isola_mgr_close(&m);
	return rc;
}
