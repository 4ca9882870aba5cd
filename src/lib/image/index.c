/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/reference.h"
#include "image/store.h"

#define INDEX_FILE "images.json"
#define INDEX_MAX (64 << 20)

int isola_index_lock(struct isola_store *s, struct isola_error *err)
{
	int fd = openat(s->rootfd, "index.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return isola_err_sys(err, "open index lock");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			isola_err_sys(err, "lock index");
			close(fd);
			return -1;
		}
	}
	return fd;
}

void isola_image_release(struct isola_image *img)
{
	isola_strv_free(img->names);
	free(img->created);
	free(img->layers);
	*img = (struct isola_image){0};
}

void isola_index_release(struct isola_image_index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		isola_image_release(&idx->v[i]);
	free(idx->v);
	*idx = (struct isola_image_index){0};
}

static int copy_digest(struct json_object *o, const char *key, char out[ISOLA_DIGEST_MAX])
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !isola_digest_valid(json_object_get_string(v)))
		return -1;
	snprintf(out, ISOLA_DIGEST_MAX, "%s", json_object_get_string(v));
	return 0;
}

static int load_strings(struct json_object *arr, char ***out, size_t *n)
{
	size_t len = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	*out = calloc(len + 1, sizeof(char *));
	if (!*out)
		return -1;
	for (size_t i = 0; i < len; i++) {
		(*out)[i] = strdup(json_object_get_string(json_object_array_get_idx(arr, i)));
		if (!(*out)[i])
			return -1;
	}
	*n = len;
	return 0;
}

static int load_image(struct json_object *o, struct isola_image *img)
{
	struct json_object *v;
	if (copy_digest(o, "id", img->id) < 0 || copy_digest(o, "manifest", img->manifest) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "names", &v) ||
	    load_strings(v, &img->names, &img->n_names))
		return -1;
	if (json_object_object_get_ex(o, "created", &v) && json_object_get_string(v))
		img->created = strdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "size", &v))
		img->size = json_object_get_int64(v);
	if (!json_object_object_get_ex(o, "layers", &v) || !json_object_is_type(v, json_type_array))
		return -1;
	img->n_layers = json_object_array_length(v);
	img->layers = calloc(img->n_layers + 1, ISOLA_DIGEST_MAX);
	if (!img->layers)
		return -1;
	for (size_t i = 0; i < img->n_layers; i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(v, i));
		if (!isola_digest_valid(d))
			return -1;
		snprintf(img->layers[i], ISOLA_DIGEST_MAX, "%s", d);
	}
	return 0;
}

static int load_root(struct json_object *root, struct isola_image_index *idx,
		     struct isola_error *err)
{
	struct json_object *arr;
	if (!json_object_object_get_ex(root, "images", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 INDEX_FILE ": images: expected an array");
	size_t n = json_object_array_length(arr);
	idx->v = calloc(n + 1, sizeof(*idx->v));
	if (!idx->v)
		return isola_err_sys(err, "load " INDEX_FILE);
	for (size_t i = 0; i < n; i++) {
		idx->n = i + 1;
		if (load_image(json_object_array_get_idx(arr, i), &idx->v[i]) < 0)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 INDEX_FILE ": images[%zu]: invalid", i);
	}
	return 0;
}

int isola_index_load(struct isola_store *s, struct isola_image_index *idx, struct isola_error *err)
{
	*idx = (struct isola_image_index){0};
	struct isola_error rerr;
	cleanup_free char *buf =
	    isola_read_small_file_at(s->rootfd, INDEX_FILE, INDEX_MAX, NULL, &rerr);
	if (!buf) {
		if (rerr.kind == ISOLA_ERR_NOT_FOUND)
			return 0;
		*err = rerr;
		return -1;
	}
	struct json_object *root = json_tokener_parse(buf);
	if (!root)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "\"%s/" INDEX_FILE "\": invalid JSON",
				 s->root);
	int r = load_root(root, idx, err);
	json_object_put(root);
	if (r < 0)
		isola_index_release(idx);
	return r;
}

static struct json_object *image_json(const struct isola_image *img)
{
	struct json_object *o = json_object_new_object(), *names = json_object_new_array();
	struct json_object *layers = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_string(img->id));
	json_object_object_add(o, "manifest", json_object_new_string(img->manifest));
	for (size_t i = 0; i < img->n_names; i++)
		json_object_array_add(names, json_object_new_string(img->names[i]));
	json_object_object_add(o, "names", names);
	if (img->created)
		json_object_object_add(o, "created", json_object_new_string(img->created));
	json_object_object_add(o, "size", json_object_new_int64(img->size));
	for (size_t i = 0; i < img->n_layers; i++)
		json_object_array_add(layers, json_object_new_string(img->layers[i]));
	json_object_object_add(o, "layers", layers);
	return o;
}

int isola_index_save(struct isola_store *s, const struct isola_image_index *idx,
		     struct isola_error *err)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return isola_err_sys(err, "save " INDEX_FILE);
	}
	for (size_t i = 0; i < idx->n; i++)
		json_object_array_add(arr, image_json(&idx->v[i]));
	json_object_object_add(root, "images", arr);
	size_t len;
	const char *text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PRETTY, &len);
	int r = isola_write_file_atomic(s->rootfd, INDEX_FILE, text, len, 0600, true, err);
	json_object_put(root);
	return r;
}

static bool is_hex_prefix(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 64)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

static ssize_t find_by_id(const struct isola_image_index *idx, const char *ref,
			  struct isola_error *err)
{
	const char *hex = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
	ssize_t found = -1;
	if (!is_hex_prefix(hex))
		return -1;
	for (size_t i = 0; i < idx->n; i++) {
		if (strncmp(isola_digest_hex(idx->v[i].id), hex, strlen(hex)) != 0)
			continue;
		if (found >= 0) {
			isola_err(err, ISOLA_ERR_INVALID, 0, "image id prefix \"%s\" is ambiguous",
				  ref);
			return -2;
		}
		found = (ssize_t)i;
	}
	return found;
}

ssize_t isola_index_find(const struct isola_image_index *idx, const char *ref,
			 struct isola_error *err)
{
	struct isola_ref r;
	struct isola_error perr;
	if (isola_ref_parse(ref, &r, &perr) == 0) {
		cleanup_free char *full = isola_ref_string(&r);
		isola_ref_release(&r);
		for (size_t i = 0; full && i < idx->n; i++) {
			for (size_t j = 0; j < idx->v[i].n_names; j++) {
				if (!strcmp(idx->v[i].names[j], full))
					return (ssize_t)i;
			}
		}
	}
	ssize_t i = find_by_id(idx, ref, err);
	if (i >= 0 || i == -2)
		return i >= 0 ? i : -1;
	return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "image \"%s\" not found", ref);
}
