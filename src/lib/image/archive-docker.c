/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/archive.h"
#include "image/fsutil.h"
#include "image/manifest.h"

/* docker save: {"Config": "x.json", "RepoTags": [...], "Layers": ["y/layer.tar", ...]} */
static int build_manifest(struct isola_store *s, int dirfd, struct json_object *entry,
			  char out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	struct json_object *cfg, *layers, *arr = json_object_new_array();
	char digest[ISOLA_DIGEST_MAX];
	if (!json_object_object_get_ex(entry, "Config", &cfg) ||
	    !json_object_object_get_ex(entry, "Layers", &layers) ||
	    !json_object_is_type(layers, json_type_array) ||
	    json_object_array_length(layers) > ISOLA_MANIFEST_MAX_LAYERS) {
		json_object_put(arr);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "manifest.json: invalid entry");
	}
	struct json_object *m = json_object_new_object();
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(ISOLA_MT_DOCKER_MANIFEST));
	json_object_object_add(m, "layers", arr);
	int r = isola_archive_copy_blob(s, dirfd, json_object_get_string(cfg), NULL, digest, err);
	if (r == 0)
		json_object_object_add(m, "config",
				       isola_descriptor_json(ISOLA_MT_DOCKER_CONFIG, digest,
							     isola_blob_size(s, digest)));
	for (size_t i = 0; r == 0 && i < json_object_array_length(layers); i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(layers, i));
		r = isola_archive_copy_blob(s, dirfd, p ? p : "", NULL, digest, err);
		if (r == 0)
			json_object_array_add(arr,
					      isola_descriptor_json(ISOLA_MT_OCI_LAYER, digest,
								    isola_blob_size(s, digest)));
	}
	size_t len;
	const char *text = json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN, &len);
	if (r == 0)
		r = isola_blob_put(s, text, len, NULL, out, err);
	json_object_put(m);
	return r;
}

static int load_entry(struct isola_store *s, int dirfd, struct json_object *entry, const char *name,
		      const struct isola_progress_sink *progress, char ***names, size_t *n,
		      struct isola_error *err)
{
	struct json_object *tags;
	char manifest[ISOLA_DIGEST_MAX];
	if (build_manifest(s, dirfd, entry, manifest, err) < 0)
		return -1;
	size_t ntags = json_object_object_get_ex(entry, "RepoTags", &tags) &&
			       json_object_is_type(tags, json_type_array)
			   ? json_object_array_length(tags)
			   : 0;
	const char *first = name    ? name
			    : ntags ? json_object_get_string(json_object_array_get_idx(tags, 0))
				    : NULL;
	if (isola_image_commit(s, manifest, first, progress, err) < 0)
		return -1;
	isola_archive_add_name(names, n, first ? first : manifest);
	for (size_t i = 1; !name && i < ntags; i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(tags, i));
		if (isola_image_tag(s, first, t, err) < 0)
			return -1;
		isola_archive_add_name(names, n, t);
	}
	return 0;
}

int isola_archive_load_docker(struct isola_store *s, int dirfd, const char *name,
			      const struct isola_progress_sink *progress, char ***names,
			      struct isola_error *err)
{
	size_t n = 0;
	cleanup_free char *buf =
	    isola_read_small_file_at(dirfd, "manifest.json", ISOLA_MANIFEST_MAX, NULL, err);
	if (!buf)
		return -1;
	struct json_object *root = json_tokener_parse(buf);
	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "manifest.json: expected an array");
	}
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_object_array_length(root); i++)
		r = load_entry(s, dirfd, json_object_array_get_idx(root, i), name, progress, names,
			       &n, err);
	json_object_put(root);
	return r;
}
