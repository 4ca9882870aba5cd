/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ctr.h"

/*
 * `isola ps` (also `ls`): docker's columns, -a, -q, --no-trunc, --filter
 * name=|id=|status=|label=, --format table|json|TEMPLATE, and --fancy with
 * lxc-ls's columns. Reads the records; asks no monitor.
 */

struct ps_opts {
	bool all, quiet, no_trunc, fancy;
	const char *format;
	char **filters;
};

static const char *get_str(struct json_object *o, const char *k, const char *def)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : def;
}

static struct json_object *get_obj(struct json_object *o, const char *k)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* "Up 3 minutes", "Exited (0) 2 seconds ago", "Created" */
static void status_text(struct json_object *rec, const char *status, char *buf, size_t size)
{
	struct json_object *st = get_obj(rec, "State");
	char ago[64];
	if (!strcmp(status, "running") || !strcmp(status, "paused")) {
		cli_human_ago(get_str(st, "StartedAt", NULL), ago, sizeof(ago));
		char *tail = strstr(ago, " ago");
		if (tail)
			*tail = 0;
		snprintf(buf, size, "Up %s%s", ago, !strcmp(status, "paused") ? " (Paused)" : "");
		if (!strncmp(ago, "Less", 4))
			snprintf(buf, size, "Up Less than a second%s",
				 !strcmp(status, "paused") ? " (Paused)" : "");
	} else if (!strcmp(status, "exited") || !strcmp(status, "restarting")) {
		cli_human_ago(get_str(st, "FinishedAt", NULL), ago, sizeof(ago));
		struct json_object *c = get_obj(st, "ExitCode");
		snprintf(buf, size, "%s (%d) %s",
			 !strcmp(status, "exited") ? "Exited" : "Restarting",
			 c ? json_object_get_int(c) : 0, ago);
	} else {
		snprintf(buf, size, "%c%s", status[0] - 32, status + 1);
	}
}

static void command_text(struct json_object *cfg, char *buf, size_t size, bool no_trunc)
{
	size_t n = 0;
	buf[0] = 0;
	const char *keys[] = {"Entrypoint", "Cmd"};
	for (int k = 0; k < 2; k++) {
		struct json_object *a = get_obj(cfg, keys[k]);
		for (size_t i = 0; a && json_object_is_type(a, json_type_array) &&
				   i < json_object_array_length(a) && n < size;
		     i++)
			n += (size_t)snprintf(
			    buf + n, size - n, "%s%s", n ? " " : "",
			    json_object_get_string(json_object_array_get_idx(a, i)));
	}
	if (!no_trunc && strlen(buf) > 20)
		strcpy(buf + 19, "…");
	char quoted[4096 + 2];
	snprintf(quoted, sizeof(quoted), "\"%s\"", buf);
	snprintf(buf, size, "%s", quoted);
}

/* Terminal columns of a UTF-8 string (continuation bytes take none). */
static int width_of(const char *s)
{
	int cols = 0;
	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xC0) != 0x80;
	return cols;
}

static bool label_match(struct json_object *cfg, const char *want)
{
	struct json_object *labels = get_obj(cfg, "Labels");
	const char *eq = strchr(want, '=');
	size_t klen = eq ? (size_t)(eq - want) : strlen(want);
	json_object_object_foreach(labels, k, v)
	{
		if (strlen(k) == klen && !strncmp(k, want, klen) &&
		    (!eq || !strcmp(json_object_get_string(v), eq + 1)))
			return true;
	}
	return false;
}

static bool matches(struct json_object *rec, const char *status, char **filters)
{
	for (char **f = filters; f && *f; f++) {
		const char *v = strchr(*f, '=');
		if (!v)
			return false;
		v++;
		if (!strncmp(*f, "name=", 5) && !strstr(get_str(rec, "Name", ""), v))
			return false;
		if (!strncmp(*f, "id=", 3) && strncmp(get_str(rec, "Id", ""), v, strlen(v)))
			return false;
		if (!strncmp(*f, "status=", 7) && strcmp(status, v))
			return false;
		if (!strncmp(*f, "label=", 6) && !label_match(get_obj(rec, "Config"), v))
			return false;
	}
	return true;
}

/* One row as docker's `ps --format json` object. */
static struct json_object *row_json(struct json_object *rec, const char *status, bool no_trunc)
{
	struct json_object *o = json_object_new_object(), *cfg = get_obj(rec, "Config");
	char id[65], cmd[4096], st[128], created[64];
	snprintf(id, sizeof(id), no_trunc ? "%s" : "%.12s", get_str(rec, "Id", ""));
	command_text(cfg, cmd, sizeof(cmd), no_trunc);
	status_text(rec, status, st, sizeof(st));
	cli_human_ago(get_str(rec, "Created", NULL), created, sizeof(created));
	json_object_object_add(o, "ID", json_object_new_string(id));
	json_object_object_add(o, "Image", json_object_new_string(get_str(cfg, "Image", "")));
	json_object_object_add(o, "Command", json_object_new_string(cmd));
	json_object_object_add(o, "CreatedAt", json_object_new_string(get_str(rec, "Created", "")));
	json_object_object_add(o, "RunningFor", json_object_new_string(created));
	json_object_object_add(o, "State", json_object_new_string(status));
	json_object_object_add(o, "Status", json_object_new_string(st));
	json_object_object_add(o, "Ports", json_object_new_string(""));
	json_object_object_add(o, "Names", json_object_new_string(get_str(rec, "Name", "/") + 1));
	return o;
}

/* docker's table: each column as wide as its widest cell, three spaces apart. */
static void print_table(struct json_object *rows, bool fancy)
{
	static const char *const keys[] = {"ID",     "Image", "Command", "RunningFor",
					   "Status", "Ports", "Names"};
	static const char *const heads[] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
					    "STATUS",	    "PORTS", "NAMES"};
	static const char *const fkeys[] = {"Names", "LxcState", "Pid", "Image", "IPv4"};
	static const char *const fheads[] = {"NAME", "STATE", "PID", "IMAGE", "IPV4"};
	const char *const *k = fancy ? fkeys : keys, *const *h = fancy ? fheads : heads;
	int n = fancy ? 5 : 7, w[7];
	size_t nrows = json_object_array_length(rows);
	for (int c = 0; c < n; c++) {
		w[c] = width_of(h[c]);
		for (size_t r = 0; r < nrows; r++) {
			int cw = width_of(get_str(json_object_array_get_idx(rows, r), k[c], ""));
			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	for (size_t r = 0; r <= nrows; r++) {
		struct json_object *row = r ? json_object_array_get_idx(rows, r - 1) : NULL;
		for (int c = 0; c < n; c++) {
			const char *cell = row ? get_str(row, k[c], "") : h[c];
			fputs(cell, stdout);
			for (int pad = width_of(cell); c < n - 1 && pad < w[c] + 3; pad++)
				putchar(' ');
		}
		putchar('\n');
	}
}

static void print_rows(struct json_object *rows, const struct ps_opts *o)
{
	bool table = !o->format || !strcmp(o->format, "table");
	if (!o->quiet && table) {
		print_table(rows, o->fancy);
		return;
	}
	for (size_t r = 0; r < json_object_array_length(rows); r++) {
		struct json_object *row = json_object_array_get_idx(rows, r);
		if (o->quiet) {
			printf("%s\n", get_str(row, "ID", ""));
		} else if (!strcmp(o->format, "json")) {
			json_object_object_del(row, "LxcState");
			json_object_object_del(row, "Pid");
			printf("%s\n",
			       json_object_to_json_string_ext(
				   row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		} else {
			cli_template(o->format, row, stdout);
			putchar('\n');
		}
	}
}

/* lxc-ls --fancy's extra cells. */
static void add_fancy(struct json_object *row, struct isola_mgr *m, struct json_object *rec,
		      const char *status)
{
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)isola_ctr_pid(m, rec));
	json_object_object_add(row, "LxcState",
			       json_object_new_string(!strcmp(status, "running")  ? "RUNNING"
						      : !strcmp(status, "paused") ? "FROZEN"
										  : "STOPPED"));
	json_object_object_add(row, "Pid", json_object_new_string(pid));
	json_object_object_add(row, "IPv4", json_object_new_string("-"));
}

struct ps_walk {
	struct isola_mgr *m;
	const struct ps_opts *o;
	struct json_object *rows;
};

static int ps_one(const char *id, struct json_object *rec, void *data)
{
	struct ps_walk *w = data;
	const char *status = isola_ctr_status(w->m, rec);
	bool live = !strcmp(status, "running") || !strcmp(status, "paused") ||
		    !strcmp(status, "restarting");
	if ((w->o->all || live || w->o->filters) && matches(rec, status, w->o->filters)) {
		struct json_object *row = row_json(rec, status, w->o->no_trunc);
		if (w->o->fancy)
			add_fancy(row, w->m, rec, status);
		/* the sort key, dropped before printing */
		char key[160];
		snprintf(key, sizeof(key), "%s %s", get_str(rec, "Created", ""), id);
		json_object_object_add(row, "_key", json_object_new_string(key));
		json_object_array_add(w->rows, row);
	}
	return 0;
}

/* Newest first, as docker. */
static int newest_first(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;
	return strcmp(get_str(*y, "_key", ""), get_str(*x, "_key", ""));
}

/* Each record is read and parsed once and dropped at once: a list of parsed
 * records would cost a page fault per 4 KiB of json-c objects. */
static int ps_list(struct isola_mgr *m, const struct ps_opts *o)
{
	struct isola_error err = {0};
	struct ps_walk w = {.m = m, .o = o, .rows = json_object_new_array()};
	if (isola_ctr_foreach(m, ps_one, &w, &err) < 0) {
		json_object_put(w.rows);
		return ctr_fail(&err, 1);
	}
	json_object_array_sort(w.rows, newest_first);
	for (size_t i = 0; i < json_object_array_length(w.rows); i++)
		json_object_object_del(json_object_array_get_idx(w.rows, i), "_key");
	print_rows(w.rows, o);
	json_object_put(w.rows);
	return 0;
}

int cmd_ps(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"no-trunc", no_argument, NULL, 'T'},
					     {"filter", required_argument, NULL, 'f'},
					     {"format", required_argument, NULL, 'F'},
					     {"fancy", no_argument, NULL, 'x'},
					     {0}};
	struct ps_opts o = {0};
	int c;
	while ((c = getopt_long(argc, argv, "aqf:", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.all = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'T':
			o.no_trunc = true;
			break;
		case 'f':
			if (!strchr(optarg, '='))
				return cli_usage_error("invalid filter \"%s\" (KEY=VALUE)", optarg);
			o.filters = ctr_strv_push(o.filters, optarg);
			break;
		case 'F':
			o.format = optarg;
			break;
		case 'x':
			o.fancy = o.all = true;
			break;
		default:
			return 2;
		}
	}
	struct isola_mgr m;
	int rc = 1;
	if (ctr_mgr_open(cli, &m, false) == 0) {
		rc = ps_list(&m, &o);
		isola_mgr_close(&m);
	}
	for (char **f = o.filters; f && *f; f++)
		free(*f);
	free(o.filters);
	return rc;
}
