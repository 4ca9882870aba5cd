/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/util.h"
#include "ctr.h"

/*
 * `isola logs [-f] [--tail N] [-t] [--since TIME] CONTAINER`: the json-file
 * log (rotated files oldest first), each record to stdout or stderr as it
 * was written. -f follows until the container stops.
 */

struct logs_opts {
	bool follow, timestamps;
	long tail; /* -1: all */
	const char *since;
};

static void emit(const char *line, const struct logs_opts *o)
{
	struct json_object *rec = json_tokener_parse(line), *v;
	if (!rec)
		return;
	const char *text =
	    json_object_object_get_ex(rec, "log", &v) ? json_object_get_string(v) : "";
	int len = json_object_object_get_ex(rec, "log", &v) ? json_object_get_string_len(v) : 0;
	const char *stream =
	    json_object_object_get_ex(rec, "stream", &v) ? json_object_get_string(v) : "stdout";
	const char *t = json_object_object_get_ex(rec, "time", &v) ? json_object_get_string(v) : "";
	if (!o->since || strcmp(t, o->since) >= 0) {
		FILE *out = !strcmp(stream, "stderr") ? stderr : stdout;
		if (o->timestamps)
			fprintf(out, "%s ", t);
		fwrite(text, 1, (size_t)len, out);
		fflush(out);
	}
	json_object_put(rec);
}

/* Every line of the log files, oldest first. */
static char **read_lines(const char *path, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	for (int i = 16; i >= 0; i--) {
		char name[4200];
		if (i)
			snprintf(name, sizeof(name), "%s.%d", path, i);
		else
			snprintf(name, sizeof(name), "%s", path);
		FILE *f = fopen(name, "re");
		if (!f)
			continue;
		char *line = NULL;
		size_t sz = 0;
		while (getline(&line, &sz, f) > 0) {
			if (*n == cap)
				v = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(char *));
			v[(*n)++] = strdup(line);
		}
		free(line);
		fclose(f);
	}
	return v;
}

static bool still_running(struct isola_mgr *m, const char *id)
{
	struct json_object *rec = isola_ctr_load(m, id, NULL);
	const char *st = rec ? isola_ctr_status(m, rec) : "removed";
	bool r = !strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting");
	json_object_put(rec);
	return r;
}

/* -f: read on from where the dump ended, until the container stops. */
static void follow(struct isola_mgr *m, const char *id, const char *path, long offset,
		   const struct logs_opts *o)
{
	char *line = NULL;
	size_t sz = 0;
	for (;;) {
		FILE *f = fopen(path, "re");
		bool running = still_running(m, id);
		if (f) {
			fseek(f, offset, SEEK_SET);
			ssize_t n;
			while ((n = getline(&line, &sz, f)) > 0 && line[n - 1] == '\n') {
				emit(line, o);
				offset += n;
			}
			fclose(f);
		}
		if (!running)
			break;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	free(line);
}

static int logs_of(struct isola_mgr *m, const char *ref, const struct logs_opts *o)
{
	char id[65], path[4096];
	if (ctr_resolve(m, ref, id) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/containers/%s/container.log", m->store->root, id);
	size_t n;
	char **lines = read_lines(path, &n);
	size_t from = o->tail >= 0 && (size_t)o->tail < n ? n - (size_t)o->tail : 0;
	long offset = 0;
	FILE *f = fopen(path, "re");
	if (f) {
		fseek(f, 0, SEEK_END);
		offset = ftell(f);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++) {
		if (i >= from)
			emit(lines[i], o);
		free(lines[i]);
	}
	free(lines);
	if (o->follow)
		follow(m, id, path, offset, o);
	return 0;
}

int cmd_logs(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"follow", no_argument, NULL, 'f'},
					     {"timestamps", no_argument, NULL, 't'},
					     {"tail", required_argument, NULL, 'n'},
					     {"since", required_argument, NULL, 's'},
					     {0}};
	struct logs_opts o = {.tail = -1};
	int c;
	while ((c = getopt_long(argc, argv, "+ftn:", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'f':
			o.follow = true;
			break;
		case 't':
			o.timestamps = true;
			break;
		case 'n':
			o.tail = !strcmp(optarg, "all") ? -1 : strtol(optarg, &end, 10);
			if (strcmp(optarg, "all") && (*end || o.tail < 0))
				return cli_usage_error("invalid --tail \"%s\"", optarg);
			break;
		case 's':
			o.since = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("logs: requires exactly 1 argument");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	int rc = logs_of(&m, argv[optind], &o);
	isola_mgr_close(&m);
	return rc;
}
