/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/import.h"
#include "image/manifest.h"

static la_ssize_t blob_write_cb(struct archive *a, void *data, const void *buf, size_t len)
{
	struct isola_error err;
	if (isola_blob_writer_write(data, buf, len, &err) < 0) {
		archive_set_error(a, errno ? errno : EIO, "%s", err.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

static int tar_entry(struct archive *disk, struct archive *out, struct archive_entry *e,
		     size_t prefix, struct isola_error *err)
{
	const char *path = archive_entry_pathname(e);
	cleanup_free char *rel = NULL;
	if (asprintf(&rel, ".%s", strlen(path) > prefix ? path + prefix : "/") < 0)
		return isola_err_sys(err, "tar");
	archive_entry_set_pathname(e, rel);
	if (archive_write_header(out, e) != ARCHIVE_OK)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar \"%s\": %s", path,
				 archive_error_string(out));
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) == 0)
		return 0;
	char buf[65536];
	la_ssize_t n;
	while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0) {
		if (archive_write_data(out, buf, (size_t)n) < 0)
			return isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar: %s",
					 archive_error_string(out));
	}
	return n < 0 ? isola_err(err, ISOLA_ERR_SYSTEM, 0, "read \"%s\": %s", path,
				 archive_error_string(disk))
		     : 0;
}

static int tar_walk(struct archive *disk, struct archive *out, const char *dir,
		    struct isola_error *err)
{
	struct archive_entry *e = archive_entry_new();
	size_t prefix = strlen(dir);
	int r, ret = 0;
	while (ret == 0 && (r = archive_read_next_header2(disk, e)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			ret = isola_err(err, ISOLA_ERR_SYSTEM, 0, "read \"%s\": %s", dir,
					archive_error_string(disk));
			break;
		}
		archive_read_disk_descend(disk);
		ret = tar_entry(disk, out, e, prefix, err);
	}
	archive_entry_free(e);
	return ret;
}

/* Write dir as an uncompressed pax tar into the blob writer. */
static int tar_dir(const char *dir, struct isola_blob_writer *w, struct isola_error *err)
{
	struct archive *disk = archive_read_disk_new(), *out = archive_write_new();
	int r = -1;
	if (!disk || !out) {
		r = isola_err_sys(err, "libarchive");
	} else {
		archive_read_disk_set_symlink_physical(disk);
		archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
		archive_write_set_format_pax_restricted(out);
		archive_write_set_bytes_in_last_block(out, 1);
		if (archive_read_disk_open(disk, dir) != ARCHIVE_OK)
			r = isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "open \"%s\": %s", dir,
				      archive_error_string(disk));
		else if (archive_write_open(out, w, NULL, blob_write_cb, NULL) != ARCHIVE_OK)
			r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar: %s",
				      archive_error_string(out));
		else
			r = tar_walk(disk, out, dir, err);
		if (r == 0 && archive_write_close(out) != ARCHIVE_OK)
			r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar: %s",
				      archive_error_string(out));
	}
	if (disk)
		archive_read_free(disk);
	if (out)
		archive_write_free(out);
	return r;
}

static int copy_file(const char *path, struct isola_blob_writer *w, struct isola_error *err)
{
	cleanup_close int fd = -1;
	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "open \"%s\"", path);
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return isola_err_sys(err, "read \"%s\"", path);
		if (n == 0)
			return 0;
		if (isola_blob_writer_write(w, buf, (size_t)n, err) < 0)
			return -1;
	}
}

static const char *layer_media_type(struct isola_store *s, const char *blob)
{
	unsigned char magic[4] = {0};
	cleanup_close int fd = isola_blob_open(s, blob, NULL);
	if (fd < 0 || read(fd, magic, sizeof(magic)) < 2)
		return ISOLA_MT_OCI_LAYER;
	if (magic[0] == 0x1f && magic[1] == 0x8b)
		return ISOLA_MT_OCI_LAYER_GZIP;
	if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
		return ISOLA_MT_OCI_LAYER_ZSTD;
	return ISOLA_MT_OCI_LAYER;
}

static struct json_object *make_config(char (*diffs)[ISOLA_DIGEST_MAX], size_t n)
{
	char now[64];
	time_t t = time(NULL);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	struct json_object *c = json_object_new_object(), *cfg = json_object_new_object();
	struct json_object *env = json_object_new_array(), *rootfs = json_object_new_object();
	struct json_object *ids = json_object_new_array(), *hist = json_object_new_array();
	struct json_object *h = json_object_new_object();
	json_object_object_add(c, "created", json_object_new_string(now));
	json_object_object_add(c, "architecture", json_object_new_string(isola_host_arch()));
	json_object_object_add(c, "os", json_object_new_string("linux"));
	json_object_array_add(env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:"
							  "/usr/sbin:/usr/bin:/sbin:/bin"));
	json_object_object_add(cfg, "Env", env);
	json_object_object_add(c, "config", cfg);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(ids, json_object_new_string(diffs[i]));
	json_object_object_add(rootfs, "diff_ids", ids);
	json_object_object_add(c, "rootfs", rootfs);
	json_object_object_add(h, "created", json_object_new_string(now));
	json_object_object_add(h, "created_by", json_object_new_string("isola import"));
	json_object_array_add(hist, h);
	json_object_object_add(c, "history", hist);
	return c;
}

static int put_json(struct isola_store *s, struct json_object *o, char out[ISOLA_DIGEST_MAX],
		    size_t *len, struct isola_error *err)
{
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, len);
	return isola_blob_put(s, text, *len, NULL, out, err);
}

/* Unpack every layer (diff ids come from unpacking), write config + manifest. */
static int build(struct isola_store *s, char *const *blobs, size_t n,
		 const struct isola_progress_sink *progress, char (*diffs)[ISOLA_DIGEST_MAX],
		 char manifest[ISOLA_DIGEST_MAX], char config[ISOLA_DIGEST_MAX],
		 struct isola_error *err)
{
	char chain[ISOLA_DIGEST_MAX] = "";
	size_t clen, mlen;
	for (size_t i = 0; i < n; i++) {
		if (isola_layer_unpack(s, blobs[i], NULL, i ? chain : NULL, diffs[i], chain,
				       progress, err) < 0)
			return -1;
	}
	struct json_object *cfg = make_config(diffs, n), *m = json_object_new_object();
	struct json_object *layers = json_object_new_array();
	int r = put_json(s, cfg, config, &clen, err);
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(ISOLA_MT_OCI_MANIFEST));
	json_object_object_add(m, "config",
			       isola_descriptor_json(ISOLA_MT_OCI_CONFIG, config, (int64_t)clen));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(layers,
				      isola_descriptor_json(layer_media_type(s, blobs[i]), blobs[i],
							    isola_blob_size(s, blobs[i])));
	json_object_object_add(m, "layers", layers);
	if (r == 0)
		r = put_json(s, m, manifest, &mlen, err);
	json_object_put(cfg);
	json_object_put(m);
	return r;
}

int isola_image_build(struct isola_store *s, char *const *layer_blobs, size_t n, const char *name,
		      const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
		      struct isola_error *err)
{
	char manifest[ISOLA_DIGEST_MAX], config[ISOLA_DIGEST_MAX];
	cleanup_free char(*diffs)[ISOLA_DIGEST_MAX] = calloc(n + 1, ISOLA_DIGEST_MAX);
	if (!diffs)
		return isola_err_sys(err, "build image");
	if (build(s, layer_blobs, n, progress, diffs, manifest, config, err) < 0)
		return -1;
	if (isola_image_commit(s, manifest, name, progress, err) < 0)
		return -1;
	if (id_out)
		memcpy(id_out, config, ISOLA_DIGEST_MAX);
	return 0;
}

int isola_image_import(struct isola_store *s, const char *source, const char *name,
		       const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
		       struct isola_error *err)
{
	struct isola_blob_writer w;
	struct stat st;
	char blob[ISOLA_DIGEST_MAX];
	char *blobs[] = {blob, NULL};
	if (strcmp(source, "-") != 0 && stat(source, &st) < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "import \"%s\"", source);
	if (isola_blob_writer_open(s, &w, err) < 0)
		return -1;
	bool dir = strcmp(source, "-") != 0 && S_ISDIR(st.st_mode);
	int r = dir ? tar_dir(source, &w, err) : copy_file(source, &w, err);
	if (r < 0) {
		isola_blob_writer_abort(&w);
		return isola_err_prefix(err, "import \"%s\"", source);
	}
	if (isola_blob_writer_commit(&w, NULL, blob, err) < 0 ||
	    isola_image_build(s, blobs, 1, name, progress, id_out, err) < 0)
		return isola_err_prefix(err, "import \"%s\"", source);
	return 0;
}
