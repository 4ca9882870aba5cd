/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctr.h"
#include "image/manifest.h"

static void add_config(struct isola_store *s, const struct isola_image *img, struct json_object *o)
{
	struct isola_error err;
	size_t len;
	char *buf = isola_blob_get(s, img->id, ISOLA_MANIFEST_MAX, &len, &err);
	struct json_object *cfg = buf ? json_tokener_parse(buf) : NULL, *v;
	free(buf);
	if (!cfg)
		return;
	static const char *const keys[][2] = {
	    {"architecture", "Architecture"},
	    {"os", "Os"},
	    {"variant", "Variant"},
	    {"author", "Author"},
	    {"config", "Config"},
	    {"rootfs", "RootFS"},
	    {"history", "History"},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (json_object_object_get_ex(cfg, keys[i][0], &v))
			json_object_object_add(o, keys[i][1], json_object_get(v));
	}
	json_object_put(cfg);
}

static struct json_object *inspect_one(struct isola_store *s, const struct isola_image *img)
{
	struct json_object *o = json_object_new_object(), *tags = json_object_new_array();
	struct json_object *layers = json_object_new_array();
	json_object_object_add(o, "Id", json_object_new_string(img->id));
	json_object_object_add(o, "Digest", json_object_new_string(img->manifest));
	for (size_t j = 0; j < img->n_names; j++)
		json_object_array_add(tags, json_object_new_string(img->names[j]));
	json_object_object_add(o, "RepoTags", tags);
	json_object_object_add(o, "Created",
			       img->created ? json_object_new_string(img->created) : NULL);
	json_object_object_add(o, "Size", json_object_new_int64(img->size));
	add_config(s, img, o);
	for (size_t j = 0; j < img->n_layers; j++) {
		char *p = isola_layer_diff_path(s, img->layers[j]);
		json_object_array_add(layers, json_object_new_string(p ? p : ""));
		free(p);
	}
	json_object_object_add(o, "LayerDirs", layers);
	return o;
}

/* A container's record with its live state, in docker's inspect shape. */
static struct json_object *container_json(struct isola_mgr *m, const char *id)
{
	struct json_object *rec = isola_ctr_load(m, id, NULL), *st, *cfg, *v;
	if (!rec)
		return NULL;
	char status[32]; /* a copy: the State object is rewritten below */
	snprintf(status, sizeof(status), "%s", isola_ctr_status(m, rec));
	pid_t pid = isola_ctr_pid(m, rec);
	if (json_object_object_get_ex(rec, "State", &st)) {
		json_object_object_add(st, "Status", json_object_new_string(status));
		json_object_object_add(st, "Running",
				       json_object_new_boolean(!strcmp(status, "running") ||
							       !strcmp(status, "paused")));
		json_object_object_add(st, "Paused",
				       json_object_new_boolean(!strcmp(status, "paused")));
		json_object_object_add(st, "Pid", json_object_new_int(pid));
		json_object_object_del(st, "MonitorPid");
		json_object_object_del(st, "MonitorStart");
		json_object_object_del(st, "StopRequested");
	}
	/* Path and Args: the command split as docker shows it. */
	struct json_object *args = json_object_new_array();
	const char *path = NULL;
	const char *keys[] = {"Entrypoint", "Cmd"};
	for (int k = 0; k < 2 && json_object_object_get_ex(rec, "Config", &cfg); k++) {
		if (!json_object_object_get_ex(cfg, keys[k], &v) ||
		    !json_object_is_type(v, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *a = json_object_get_string(json_object_array_get_idx(v, i));
			if (!path)
				path = a;
			else
				json_object_array_add(args, json_object_new_string(a));
		}
	}
	json_object_object_add(rec, "Path", json_object_new_string(path ? path : ""));
	json_object_object_add(rec, "Args", args);
	return rec;
}

static void print_all(struct json_object *arr, const char *format)
{
	if (!format || !strcmp(format, "json")) {
		printf("%s\n", json_object_to_json_string_ext(
				   arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		return;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		cli_template(format, json_object_array_get_idx(arr, i), stdout);
		putchar('\n');
	}
}

/* Containers first (docker's order), then images; --type narrows it. */
static struct json_object *inspect_ref(struct isola_mgr *m, struct isola_store *s,
				       struct isola_image_index *idx, const char *ref,
				       const char *type, struct isola_error *err)
{
	char id[65];
	if (m && (!type || !strcmp(type, "container")) && isola_ctr_resolve(m, ref, id, err) == 0)
		return container_json(m, id);
	if (type && !strcmp(type, "container"))
		return NULL;
	ssize_t k = idx ? isola_index_find(idx, ref, err) : -1;
	if (k >= 0)
		return inspect_one(s, &idx->v[k]);
	isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no such object: %s", ref);
	return NULL;
}

static bool image_only;

int cmd_image_inspect(struct cli *cli, int argc, char **argv)
{
	image_only = true;
	return cmd_inspect(cli, argc, argv);
}

int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"type", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct isola_error err = {0};
	const char *format = NULL, *type = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola inspect [--format json|TEMPLATE] [--type "
				      "container|image] NAME...\n") < 0;
		else if (c == 'f')
			format = optarg;
		else if (c == 't' && (!strcmp(optarg, "container") || !strcmp(optarg, "image")))
			type = optarg;
		else
			return cli_usage_error("inspect: bad option");
	}
	if (optind >= argc)
		return cli_usage_error("inspect: requires at least 1 argument");
	if (image_only && !type)
		type = "image"; /* `isola image inspect` */
	struct isola_mgr m;
	bool have_m = ctr_mgr_open(cli, &m, true) == 0;
	struct isola_store *s = have_m ? m.store : cli_store(cli, ISOLA_STORE_SHARED, &err);
	struct isola_image_index idx;
	bool have_idx = s && isola_index_load(s, &idx, &err) == 0;
	struct json_object *arr = json_object_new_array();
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		struct json_object *o =
		    inspect_ref(have_m ? &m : NULL, s, have_idx ? &idx : NULL, argv[i], type, &err);
		if (o)
			json_object_array_add(arr, o);
		else
			rc = cli_fail(&err);
	}
	print_all(arr, format);
	json_object_put(arr);
	if (have_idx)
		isola_index_release(&idx);
	if (have_m)
		isola_mgr_close(&m);
	else
		isola_store_close(s);
	return rc;
}
