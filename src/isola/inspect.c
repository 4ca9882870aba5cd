/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
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

int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct isola_error err;
	int c;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'h')
			return printf("usage: isola image inspect IMAGE...\n") < 0;
		if (c != 'f' || strcmp(optarg, "json") != 0)
			return cli_usage_error("inspect: bad option (--format takes json)");
	}
	if (optind >= argc)
		return cli_usage_error("inspect: missing image name");
	struct isola_store *s = cli_store(cli, ISOLA_STORE_SHARED, &err);
	struct isola_image_index idx;
	if (!s || isola_index_load(s, &idx, &err) < 0) {
		isola_store_close(s);
		return cli_fail(&err);
	}
	struct json_object *arr = json_object_new_array();
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		ssize_t k = isola_index_find(&idx, argv[i], &err);
		if (k < 0)
			rc = cli_fail(&err);
		else
			json_object_array_add(arr, inspect_one(s, &idx.v[k]));
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	isola_index_release(&idx);
	isola_store_close(s);
	return rc;
}
