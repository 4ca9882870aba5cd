/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/archive.h"
#include "image/manifest.h"

static int add_entry(struct archive *a, const char *name, int64_t size, struct isola_error *err)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, time(NULL), 0);
	int r = archive_write_header(a, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "save: %s", archive_error_string(a));
	return 0;
}

static int add_mem(struct archive *a, const char *name, const char *buf, size_t len,
		   struct isola_error *err)
{
	if (add_entry(a, name, (int64_t)len, err) < 0)
		return -1;
	if (archive_write_data(a, buf, len) != (la_ssize_t)len)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "save: %s", archive_error_string(a));
	return 0;
}

static int add_blob(struct archive *a, struct isola_store *s, const char *digest,
		    struct isola_error *err)
{
	char name[128], buf[65536];
	snprintf(name, sizeof(name), "blobs/sha256/%s", isola_digest_hex(digest));
	cleanup_close int fd = isola_blob_open(s, digest, err);
	if (fd < 0 || add_entry(a, name, isola_blob_size(s, digest), err) < 0)
		return -1;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (archive_write_data(a, buf, (size_t)n) != n)
			return isola_err(err, ISOLA_ERR_SYSTEM, 0, "save: %s",
					 archive_error_string(a));
	}
	return n < 0 ? isola_err_sys(err, "save: read blob") : 0;
}

static int add_json(struct archive *a, const char *name, struct json_object *o,
		    struct isola_error *err)
{
	size_t len;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	int r = add_mem(a, name, text, len, err);
	json_object_put(o);
	return r;
}

static struct json_object *oci_index(const struct isola_image *img, const char *mt, size_t len)
{
	struct json_object *idx = json_object_new_object(), *arr = json_object_new_array();
	struct json_object *d = json_object_new_object(), *ann = json_object_new_object();
	json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
	json_object_object_add(idx, "mediaType", json_object_new_string(ISOLA_MT_OCI_INDEX));
	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(img->manifest));
	json_object_object_add(d, "size", json_object_new_int64((int64_t)len));
	if (img->n_names > 0) {
		json_object_object_add(ann, "io.containerd.image.name",
				       json_object_new_string(img->names[0]));
		const char *tag = strrchr(img->names[0], ':');
		json_object_object_add(ann, "org.opencontainers.image.ref.name",
				       json_object_new_string(tag ? tag + 1 : "latest"));
	}
	json_object_object_add(d, "annotations", ann);
	json_object_array_add(arr, d);
	json_object_object_add(idx, "manifests", arr);
	return idx;
}

static struct json_object *docker_manifest(const struct isola_image *img,
					   const struct isola_manifest *m)
{
	struct json_object *arr = json_object_new_array(), *e = json_object_new_object();
	struct json_object *tags = json_object_new_array(), *layers = json_object_new_array();
	char name[128];
	snprintf(name, sizeof(name), "blobs/sha256/%s", isola_digest_hex(m->config.digest));
	json_object_object_add(e, "Config", json_object_new_string(name));
	for (size_t i = 0; i < img->n_names; i++)
		json_object_array_add(tags, json_object_new_string(img->names[i]));
	json_object_object_add(e, "RepoTags", tags);
	for (size_t i = 0; i < m->n_layers; i++) {
		snprintf(name, sizeof(name), "blobs/sha256/%s",
			 isola_digest_hex(m->layers[i].digest));
		json_object_array_add(layers, json_object_new_string(name));
	}
	json_object_object_add(e, "Layers", layers);
	json_object_array_add(arr, e);
	return arr;
}

static int write_image(struct archive *a, struct isola_store *s, const struct isola_image *img,
		       int format, struct isola_error *err)
{
	struct isola_manifest m;
	size_t len;
	cleanup_free char *buf = isola_blob_get(s, img->manifest, ISOLA_MANIFEST_MAX, &len, err);
	if (!buf || isola_manifest_parse(buf, len, NULL, &m, err) < 0)
		return -1;
	int r = 0;
	if (format == ISOLA_ARCHIVE_OCI) {
		static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
		r = add_mem(a, "oci-layout", layout, sizeof(layout) - 1, err);
		if (r == 0)
			r = add_json(a, "index.json",
				     oci_index(img,
					       m.media_type ? m.media_type : ISOLA_MT_OCI_MANIFEST,
					       len),
				     err);
		if (r == 0)
			r = add_blob(a, s, img->manifest, err);
	} else {
		r = add_json(a, "manifest.json", docker_manifest(img, &m), err);
	}
	if (r == 0)
		r = add_blob(a, s, m.config.digest, err);
	for (size_t i = 0; r == 0 && i < m.n_layers; i++)
		r = add_blob(a, s, m.layers[i].digest, err);
	isola_manifest_release(&m);
	return r;
}

int isola_image_save(struct isola_store *s, const char *ref, const char *path, int format,
		     struct isola_error *err)
{
	struct isola_image_index idx;
	if (isola_index_load(s, &idx, err) < 0)
		return -1;
	ssize_t i = isola_index_find(&idx, ref, err);
	if (i < 0) {
		isola_index_release(&idx);
		return -1;
	}
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	int r = archive_write_open_filename(a, strcmp(path, "-") ? path : NULL) == ARCHIVE_OK
		    ? 0
		    : isola_err(err, ISOLA_ERR_SYSTEM, 0, "save: \"%s\": %s", path,
				archive_error_string(a));
	if (r == 0)
		r = write_image(a, s, &idx.v[i], format, err);
	if (archive_write_close(a) != ARCHIVE_OK && r == 0)
		r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "save: %s", archive_error_string(a));
	archive_write_free(a);
	isola_index_release(&idx);
	if (r < 0 && strcmp(path, "-") != 0)
		unlink(path);
	return r;
}
