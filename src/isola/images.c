/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "image/reference.h"

struct row {
	char repo[512], tag[160], id[80], created[64], size[32];
};

static void split_name(const char *name, struct row *r)
{
	const char *colon = strrchr(name, ':'), *slash = strrchr(name, '/');
	if (colon && (!slash || colon > slash)) {
		snprintf(r->repo, sizeof(r->repo), "%.*s", (int)(colon - name), name);
		snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	} else {
		snprintf(r->repo, sizeof(r->repo), "%s", name);
		snprintf(r->tag, sizeof(r->tag), "<none>");
	}
}

/* A filter "busybox" or "busybox:1" matches the normalised repository (and tag). */
static bool matches(const char *name, const char *filter)
{
	struct isola_ref ref;
	struct isola_error err;
	if (!filter)
		return true;
	if (!name || isola_ref_parse(filter, &ref, &err) < 0)
		return false;
	char *repo = isola_ref_repo(&ref);
	bool has_tag = strrchr(filter, ':') > strrchr(filter, '/');
	char *full = isola_ref_string(&ref);
	bool ok = has_tag ? !strcmp(name, full)
			  : !strncmp(name, repo, strlen(repo)) && name[strlen(repo)] == ':';
	free(repo);
	free(full);
	isola_ref_release(&ref);
	return ok;
}

static struct json_object *image_json(const struct isola_image *img)
{
	struct json_object *o = json_object_new_object(), *names = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_string(img->id));
	json_object_object_add(o, "digest", json_object_new_string(img->manifest));
	for (size_t j = 0; j < img->n_names; j++)
		json_object_array_add(names, json_object_new_string(img->names[j]));
	json_object_object_add(o, "names", names);
	json_object_object_add(o, "created",
			       img->created ? json_object_new_string(img->created) : NULL);
	json_object_object_add(o, "size", json_object_new_int64(img->size));
	return o;
}

static void add_row(struct row **rows, size_t *n, const struct isola_image *img, const char *name,
		    bool no_trunc)
{
	struct row *v = realloc(*rows, (*n + 1) * sizeof(*v));
	if (!v)
		return;
	*rows = v;
	struct row *r = &v[(*n)++];
	if (name)
		split_name(name, r);
	else {
		snprintf(r->repo, sizeof(r->repo), "<none>");
		snprintf(r->tag, sizeof(r->tag), "<none>");
	}
	snprintf(r->id, sizeof(r->id), no_trunc ? "%s" : "%.12s",
		 no_trunc ? img->id : isola_digest_hex(img->id));
	cli_human_ago(img->created, r->created, sizeof(r->created));
	cli_human_size(img->size, r->size, sizeof(r->size));
}

static void print_table(const struct row *rows, size_t n)
{
	int w[4] = {10, 3, 8, 7};
	for (size_t i = 0; i < n; i++) {
		const char *cols[] = {rows[i].repo, rows[i].tag, rows[i].id, rows[i].created};
		for (int c = 0; c < 4; c++)
			w[c] = (int)strlen(cols[c]) > w[c] ? (int)strlen(cols[c]) : w[c];
	}
	printf("%-*s   %-*s   %-*s   %-*s   %s\n", w[0], "REPOSITORY", w[1], "TAG", w[2],
	       "IMAGE ID", w[3], "CREATED", "SIZE");
	for (size_t i = 0; i < n; i++)
		printf("%-*s   %-*s   %-*s   %-*s   %s\n", w[0], rows[i].repo, w[1], rows[i].tag,
		       w[2], rows[i].id, w[3], rows[i].created, rows[i].size);
}

struct images_opts {
	bool quiet, json, no_trunc;
	const char *filter;
};

static int list(const struct isola_image_index *idx, const struct images_opts *o)
{
	struct json_object *arr = json_object_new_array();
	struct row *rows = NULL;
	size_t n = 0;
	for (size_t i = 0; i < idx->n; i++) {
		const struct isola_image *img = &idx->v[i];
		bool any = false;
		for (size_t j = 0; j < img->n_names; j++) {
			if (!matches(img->names[j], o->filter))
				continue;
			any = true;
			add_row(&rows, &n, img, img->names[j], o->no_trunc);
		}
		if (!any && !o->filter && img->n_names == 0)
			add_row(&rows, &n, img, NULL, o->no_trunc);
		if (any || (!o->filter && img->n_names == 0)) {
			json_object_array_add(arr, image_json(img));
			if (o->quiet)
				printf("%s\n", o->no_trunc ? img->id : rows[n - 1].id);
		}
	}
	if (o->json)
		printf("%s\n", json_object_to_json_string_ext(
				   arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (!o->quiet)
		print_table(rows, n);
	json_object_put(arr);
	free(rows);
	return 0;
}

int cmd_images(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},	  {"format", required_argument, NULL, 'f'},
	    {"no-trunc", no_argument, NULL, 'n'}, {"all", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},	  {0},
	};
	struct images_opts o = {0};
	struct isola_error err;
	int c;
	while ((c = getopt_long(argc, argv, "qah", opts, NULL)) != -1) {
		if (c == 'q')
			o.quiet = true;
		else if (c == 'n')
			o.no_trunc = true;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			o.json = !strcmp(optarg, "json");
		else if (c == 'h')
			return printf("usage: isola images [-q] [--no-trunc] [--format json|table] "
				      "[REPOSITORY[:TAG]]\n") < 0;
		else if (c != 'a')
			return cli_usage_error("images: bad option (--format takes json or table)");
	}
	if (optind < argc)
		o.filter = argv[optind];
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	struct isola_image_index idx;
	if (!s || isola_index_load(s, &idx, &err) < 0) {
		isola_store_close(s);
		return cli_fail(&err);
	}
	int r = list(&idx, &o);
	isola_index_release(&idx);
	isola_store_close(s);
	return r;
}
