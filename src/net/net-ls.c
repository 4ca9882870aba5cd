/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../isola/cli.h"
#include "core/cleanup.h"
#include "net/net.h"
#include "netcli.h"

/* `isola network ls`: docker's columns, -q, --no-trunc, --format, --filter. */

struct ls_args {
	bool quiet, no_trunc;
	const char *format;
	char **filters; /* "key=value" */
	size_t nfilters;
};

/* docker's row object for --format: every value a string. */
static struct json_object *row(const struct isola_network *n, struct json_object *full,
			       bool no_trunc)
{
	struct json_object *o = json_object_new_object(), *labels = NULL;
	char created[64], id[65], lbl[1024] = "";
	snprintf(id, sizeof(id), "%.*s", no_trunc ? 64 : 12, n->id);
	/* "2026-12-03T19:47:06.123Z" -> "2026-12-03 19:47:06.123 +0000 UTC" */
	snprintf(created, sizeof(created), "%.10s %.*s +0000 UTC", n->created,
		 (int)strcspn(n->created + 11, "Z"), n->created + 11);
	json_object_object_get_ex(full, "Labels", &labels);
	json_object_object_foreach(labels, k, v)
	{
		size_t len = strlen(lbl);
		snprintf(lbl + len, sizeof(lbl) - len, "%s%s=%s", len ? "," : "", k,
			 json_object_get_string(v));
	}
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "Driver", json_object_new_string(n->driver));
	json_object_object_add(o, "ID", json_object_new_string(id));
	json_object_object_add(o, "IPv4", json_object_new_string("true"));
	json_object_object_add(o, "IPv6", json_object_new_string(n->ipv6 ? "true" : "false"));
	json_object_object_add(o, "Internal",
			       json_object_new_string(n->internal ? "true" : "false"));
	json_object_object_add(o, "Labels", json_object_new_string(lbl));
	json_object_object_add(o, "Name", json_object_new_string(n->name));
	json_object_object_add(o, "Scope", json_object_new_string("local"));
	return o;
}

static bool label_match(struct json_object *full, const char *want)
{
	struct json_object *labels = NULL, *v;
	const char *eq = strchr(want, '=');
	char key[256];
	snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - want : (long)strlen(want)), want);
	if (!json_object_object_get_ex(full, "Labels", &labels) ||
	    !json_object_object_get_ex(labels, key, &v))
		return false;
	return !eq || !strcmp(json_object_get_string(v), eq + 1);
}

static bool one_match(const struct isola_network *n, struct json_object *full, const char *key,
		      const char *val)
{
	bool builtin = !strcmp(n->name, ISOLA_NET_DEFAULT);
	if (!strcmp(key, "name"))
		return strstr(n->name, val) != NULL;
	if (!strcmp(key, "id"))
		return !strncmp(n->id, val, strlen(val));
	if (!strcmp(key, "driver"))
		return !strcmp(n->driver, val);
	if (!strcmp(key, "scope"))
		return !strcmp(val, "local");
	if (!strcmp(key, "type"))
		return !strcmp(val, builtin ? "builtin" : "custom");
	return !strcmp(key, "label") && label_match(full, val);
}

/* docker: values of one key are OR'ed, different keys AND'ed. */
static bool matches(const struct ls_args *a, const struct isola_network *n,
		    struct json_object *full)
{
	static const char *const keys[] = {"name", "id", "driver", "scope", "type", "label"};
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		size_t klen = strlen(keys[k]);
		bool seen = false, hit = false;
		for (size_t i = 0; i < a->nfilters; i++) {
			if (strncmp(a->filters[i], keys[k], klen) || a->filters[i][klen] != '=')
				continue;
			seen = true;
			hit = hit || one_match(n, full, keys[k], a->filters[i] + klen + 1);
		}
		if (seen && !hit)
			return false;
	}
	return true;
}

static int check_filter(const char *f)
{
	static const char *const keys[] = {"name=", "id=", "driver=", "scope=", "type=", "label="};
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		if (!strncmp(f, keys[k], strlen(keys[k])))
			return 0;
	}
	return net_usage("network ls: invalid filter \"%s\" (name, id, driver, scope, type, "
			 "label)",
			 f);
}

static int parse_ls(struct ls_args *a, int argc, char **argv)
{
	static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
					     {"no-trunc", no_argument, NULL, 'n'},
					     {"format", required_argument, NULL, 'F'},
					     {"filter", required_argument, NULL, 'f'},
					     {0}};
	int c;
	while ((c = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1) {
		if (c == 'q')
			a->quiet = true;
		else if (c == 'n')
			a->no_trunc = true;
		else if (c == 'F')
			a->format = optarg;
		else if (c == 'f' && check_filter(optarg) != 0)
			return 125;
		else if (c == 'f')
			a->filters[a->nfilters++] = optarg;
		else
			return net_bad_flag("network ls", argv);
	}
	if (optind < argc)
		return net_usage("network ls: no arguments expected");
	return 0;
}

/* Column width as docker's tabwriter: at least 10, 3 spaces of padding. */
static int width(const struct isola_network *v, size_t n, size_t off, int min)
{
	int w = min;
	for (size_t i = 0; i < n; i++)
		w = (int)strlen((const char *)&v[i] + off) + 3 > w
			? (int)strlen((const char *)&v[i] + off) + 3
			: w;
	return w;
}

static void print_row(const struct ls_args *a, const struct isola_network *n,
		      struct json_object *full, const int w[3])
{
	if (a->quiet) {
		printf("%.*s\n", a->no_trunc ? 64 : 12, n->id);
		return;
	}
	if (!a->format || !strcmp(a->format, "table")) {
		printf("%-*.*s%-*s%-*s%s\n", w[0], a->no_trunc ? 64 : 12, n->id, w[1], n->name,
		       w[2], n->driver, "local");
		return;
	}
	struct json_object *r = row(n, full, a->no_trunc);
	if (!strcmp(a->format, "json"))
		puts(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	else {
		cli_template(a->format, r, stdout);
		putchar('\n');
	}
	json_object_put(r);
}

int net_ls(struct isola_netstore *s, int argc, char **argv)
{
	cleanup_free char **filters = calloc((size_t)argc + 1, sizeof(char *));
	struct ls_args a = {.filters = filters};
	struct isola_error err = {0};
	cleanup_free struct isola_network *all = NULL;
	size_t cnt = 0;
	int r = filters ? parse_ls(&a, argc, argv) : 125;
	if (r)
		return r;
	if (isola_network_list(s, &all, &cnt, &err) < 0)
		return net_fail(&err);
	int w[3] = {a.no_trunc ? 67 : 15, width(all, cnt, offsetof(struct isola_network, name), 10),
		    width(all, cnt, offsetof(struct isola_network, driver), 10)};
	if (!a.quiet && (!a.format || !strcmp(a.format, "table")))
		printf("%-*s%-*s%-*s%s\n", w[0], "NETWORK ID", w[1], "NAME", w[2], "DRIVER",
		       "SCOPE");
	for (size_t i = 0; i < cnt; i++) {
		cleanup_free char *text = isola_network_json(s, &all[i], NULL);
		struct json_object *full = text ? json_tokener_parse(text) : NULL;
		if (matches(&a, &all[i], full))
			print_row(&a, &all[i], full, w);
		json_object_put(full);
	}
	return 0;
}
