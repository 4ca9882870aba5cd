/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "core/util.h"

#include "ctr.h"

/*
 * The verbs that act on containers by name: stop, restart, kill, rm, pause,
 * unpause, wait, rename. Each takes several names and prints each one it
 * did, as docker; a failure on one is printed and the rest go on.
 */

typedef int (*ctr_action)(struct isola_mgr *m, const char *id, void *data, struct isola_error *err);

static int each(struct cli *cli, int first, int argc, char **argv, ctr_action fn, void *data,
		bool print_name)
{
	if (first >= argc)
		return cli_usage_error("%s: requires at least 1 argument", argv[0]);
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	int rc = 0;
	for (int i = first; i < argc; i++) {
		char id[65];
		struct isola_error err = {0};
		if (ctr_resolve(&m, argv[i], id) < 0) {
			rc = 1;
			continue;
		}
		int r = fn(&m, id, data, &err);
		if (r < 0)
			rc = ctr_fail(&err, 1);
		else if (print_name)
			printf("%s\n", argv[i]);
		else
			printf("%d\n", r);
	}
	fflush(stdout);
	isola_mgr_close(&m);
	return rc;
}

struct stop_args {
	int timeout, sig;
};

static int do_stop(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	struct stop_args *s = data;
	return isola_ctr_stop(m, id, s->sig, s->timeout, err);
}

static int do_restart(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	if (do_stop(m, id, data, err) < 0)
		return -1;
	return isola_ctr_start(m, id, -1, err);
}

static int stop_like(struct cli *cli, int argc, char **argv, ctr_action fn)
{
	static const struct option opts[] = {{"time", required_argument, NULL, 't'},
					     {"timeout", required_argument, NULL, 't'},
					     {"signal", required_argument, NULL, 's'},
					     {0}};
	struct stop_args s = {.timeout = -1, .sig = 0};
	int c;
	while ((c = getopt_long(argc, argv, "+t:s:", opts, NULL)) != -1) {
		char *end;
		if (c == 't') {
			s.timeout = (int)strtol(optarg, &end, 10);
			if (*end || s.timeout < 0)
				return cli_usage_error("invalid --time \"%s\"", optarg);
		} else if (c == 's') {
			if ((s.sig = isola_signal_parse(optarg)) < 0)
				return cli_usage_error("invalid signal \"%s\"", optarg);
		} else {
			return 2;
		}
	}
	return each(cli, optind, argc, argv, fn, &s, true);
}

int cmd_stop(struct cli *cli, int argc, char **argv)
{
	return stop_like(cli, argc, argv, do_stop);
}

int cmd_restart(struct cli *cli, int argc, char **argv)
{
	return stop_like(cli, argc, argv, do_restart);
}

static int do_kill(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	return isola_ctr_kill(m, id, *(int *)data, err);
}

int cmd_kill(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"signal", required_argument, NULL, 's'}, {0}};
	int sig = SIGKILL, c;
	while ((c = getopt_long(argc, argv, "+s:", opts, NULL)) != -1) {
		if (c != 's')
			return 2;
		if ((sig = isola_signal_parse(optarg)) < 0)
			return cli_usage_error("invalid signal \"%s\"", optarg);
	}
	return each(cli, optind, argc, argv, do_kill, &sig, true);
}

static int do_rm(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	bool *fv = data;
	return isola_ctr_remove(m, id, fv[0], fv[1], err);
}

int cmd_rm(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'}, {"volumes", no_argument, NULL, 'v'}, {0}};
	bool fv[2] = {false, false}; /* -f, -v */
	int c;
	while ((c = getopt_long(argc, argv, "+fv", opts, NULL)) != -1) {
		if (c == 'f')
			fv[0] = true;
		else if (c == 'v')
			fv[1] = true;
		else
			return 2;
	}
	return each(cli, optind, argc, argv, do_rm, fv, true);
}

static int do_pause(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	return isola_ctr_pause(m, id, *(bool *)data, err);
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
	bool on = true;
	return each(cli, 1, argc, argv, do_pause, &on, true);
}

int cmd_unpause(struct cli *cli, int argc, char **argv)
{
	bool on = false;
	return each(cli, 1, argc, argv, do_pause, &on, true);
}

static int do_wait(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	return isola_ctr_wait(m, id, err);
}

/* lxc-wait --state: RUNNING, STOPPED, FROZEN (or docker's words), with -t SECONDS. */
struct wait_state {
	const char *want;
	long timeout_ms;
};

static const char *lxc_state(const char *status)
{
	return !strcmp(status, "running")  ? "RUNNING"
	       : !strcmp(status, "paused") ? "FROZEN"
					   : "STOPPED";
}

static int do_wait_state(struct isola_mgr *m, const char *id, void *data, struct isola_error *err)
{
	struct wait_state *w = data;
	long long until = isola_now_ms() + w->timeout_ms;
	for (;;) {
		struct json_object *rec = isola_ctr_load(m, id, err);
		if (!rec)
			return -1;
		bool hit = !strcasecmp(lxc_state(isola_ctr_status(m, rec)), w->want);
		json_object_put(rec);
		if (hit)
			return 0;
		if (w->timeout_ms >= 0 && isola_now_ms() >= until)
			return isola_err(err, ISOLA_ERR_BUSY, 0, "timed out waiting for %s",
					 w->want);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int cmd_wait(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"state", required_argument, NULL, 's'},
					     {"timeout", required_argument, NULL, 't'},
					     {0}};
	struct wait_state w = {.timeout_ms = -1};
	int c;
	while ((c = getopt_long(argc, argv, "+s:t:", opts, NULL)) != -1) {
		if (c == 's') {
			w.want = !strcasecmp(optarg, "exited") ? "STOPPED" : optarg;
			if (strcasecmp(w.want, "RUNNING") && strcasecmp(w.want, "STOPPED") &&
			    strcasecmp(w.want, "FROZEN"))
				return cli_usage_error(
				    "wait: --state is RUNNING, STOPPED or FROZEN");
		} else if (c == 't') {
			w.timeout_ms = atol(optarg) * 1000;
		} else {
			return 2;
		}
	}
	if (w.want)
		return each(cli, optind, argc, argv, do_wait_state, &w, true);
	return each(cli, optind, argc, argv, do_wait, NULL, false);
}

int cmd_rename(struct cli *cli, int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("rename: requires exactly 2 arguments (CONTAINER NEW_NAME)");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char id[65];
	struct isola_error err = {0};
	int rc = ctr_resolve(&m, argv[1], id) < 0	       ? 1
		 : isola_ctr_rename(&m, id, argv[2], &err) < 0 ? ctr_fail(&err, 1)
							       : 0;
	isola_mgr_close(&m);
	return rc;
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return cli_usage_error("config: usage: isola config CONTAINER [KEY[=VALUE]]");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char id[65];
	struct isola_error err = {0};
	int rc = 0;
	if (ctr_resolve(&m, argv[1], id) < 0) {
		rc = 1;
	} else if (argc == 3 && strchr(argv[2], '=')) {
		char key[256];
		const char *eq = strchr(argv[2], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[2]), argv[2]);
		if (isola_ctr_config_set(&m, id, key, eq + 1, &err) < 0)
			rc = ctr_fail(&err, 1);
	} else {
		char *text = isola_ctr_config_get(&m, id, argc == 3 ? argv[2] : NULL, &err);
		if (!text)
			rc = ctr_fail(&err, 1);
		else
			fputs(text, stdout);
		free(text);
	}
	isola_mgr_close(&m);
	return rc;
}
