/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/archive.h"
#include "image/fsutil.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/unpack.h"

static int copy_digest_blob(struct isola_store *s, int dirfd, const char *digest,
			    struct isola_error *err)
{
	char path[128];
	snprintf(path, sizeof(path), "blobs/sha256/%s", isola_digest_hex(digest));
	return isola_archive_copy_blob(s, dirfd, path, digest, NULL, err);
}

/* Copy an image manifest and its blobs; resolves indexes to the host platform. */
static int load_manifest(struct isola_store *s, int dirfd, const char *digest, int depth,
			 char out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	struct isola_manifest m;
	size_t len;
	if (depth > 2)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "archive: nested indexes too deep");
	if (copy_digest_blob(s, dirfd, digest, err) < 0)
		return -1;
	cleanup_free char *buf = isola_blob_get(s, digest, ISOLA_MANIFEST_MAX, &len, err);
	if (!buf || isola_manifest_parse(buf, len, NULL, &m, err) < 0)
		return -1;
	int r = 0;
	if (m.kind == ISOLA_MANIFEST_INDEX) {
		const struct isola_descriptor *d =
		    isola_manifest_select(&m, "linux", isola_host_arch(), NULL, err);
		r = d ? load_manifest(s, dirfd, d->digest, depth + 1, out, err) : -1;
	} else {
		r = copy_digest_blob(s, dirfd, m.config.digest, err);
		for (size_t i = 0; r == 0 && i < m.n_layers; i++)
			r = copy_digest_blob(s, dirfd, m.layers[i].digest, err);
		memcpy(out, digest, ISOLA_DIGEST_MAX);
	}
	isola_manifest_release(&m);
	return r;
}

static const char *entry_name(struct json_object *desc, const char *override)
{
	struct json_object *ann, *v;
	if (override)
		return override;
	if (!json_object_object_get_ex(desc, "annotations", &ann))
		return NULL;
	if (json_object_object_get_ex(ann, "io.containerd.image.name", &v))
		return json_object_get_string(v);
	if (json_object_object_get_ex(ann, "org.opencontainers.image.ref.name", &v)) {
		const char *n = json_object_get_string(v);
		/* a bare tag ("latest") names no repository */
		return n && strchr(n, '/') ? n : NULL;
	}
	return NULL;
}

static int load_oci_entry(struct isola_store *s, int dirfd, struct json_object *desc,
			  const char *name, const struct isola_progress_sink *progress,
			  char ***names, size_t *n, struct isola_error *err)
{
	struct json_object *v;
	char manifest[ISOLA_DIGEST_MAX];
	if (!json_object_object_get_ex(desc, "digest", &v) ||
	    !isola_digest_valid(json_object_get_string(v)))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "index.json: invalid manifest digest");
	if (load_manifest(s, dirfd, json_object_get_string(v), 0, manifest, err) < 0)
		return -1;
	const char *nm = entry_name(desc, name);
	if (isola_image_commit(s, manifest, nm, progress, err) < 0)
		return -1;
	isola_archive_add_name(names, n, nm ? nm : manifest);
	return 0;
}

static int load_oci(struct isola_store *s, int dirfd, const char *name,
		    const struct isola_progress_sink *progress, char ***names,
		    struct isola_error *err)
{
	struct json_object *arr;
	size_t n = 0;
	cleanup_free char *buf =
	    isola_read_small_file_at(dirfd, "index.json", ISOLA_MANIFEST_MAX, NULL, err);
	if (!buf)
		return isola_err_prefix(err, "archive");
	struct json_object *root = json_tokener_parse(buf);
	if (!root || !json_object_object_get_ex(root, "manifests", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "archive: index.json: invalid");
	}
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_object_array_length(arr); i++)
		r = load_oci_entry(s, dirfd, json_object_array_get_idx(arr, i), name, progress,
				   names, &n, err);
	json_object_put(root);
	return r;
}

static int load_dir(struct isola_store *s, int dirfd, const char *name,
		    const struct isola_progress_sink *progress, char ***names,
		    struct isola_error *err)
{
	struct stat st;
	if (fstatat(dirfd, "index.json", &st, 0) == 0)
		return load_oci(s, dirfd, name, progress, names, err);
	if (fstatat(dirfd, "manifest.json", &st, 0) == 0)
		return isola_archive_load_docker(s, dirfd, name, progress, names, err);
	return isola_err(err, ISOLA_ERR_INVALID, 0,
			 "archive: neither an OCI layout (index.json) nor a docker archive "
			 "(manifest.json)");
}

/* Unpack a tar archive into store tmp/ (safely: it is untrusted too) and load that. */
static int load_tar(struct isola_store *s, const char *path, const char *name,
		    const struct isola_progress_sink *progress, char ***names,
		    struct isola_error *err)
{
	char tmp[4096];
	struct isola_unpack_result res;
	struct isola_error ignored;
	cleanup_close int fd =
	    strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "open \"%s\"", path);
	snprintf(tmp, sizeof(tmp), "%s/tmp/load-XXXXXX", s->root);
	if (!mkdtemp(tmp))
		return isola_err_sys(err, "create temp dir");
	cleanup_close int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = dfd < 0 ? isola_err_sys(err, "open \"%s\"", tmp) : 0;
	if (r == 0)
		r = isola_unpack(fd, dfd, NULL, NULL, &res, err);
	if (r == 0)
		r = load_dir(s, dfd, name, progress, names, err);
	isola_rmtree_at(AT_FDCWD, tmp, &ignored);
	return r;
}

int isola_image_load(struct isola_store *s, const char *path, const char *name,
		     const struct isola_progress_sink *progress, char ***names_out,
		     struct isola_error *err)
{
	struct stat st;
	*names_out = NULL;
	if (strcmp(path, "-") != 0 && stat(path, &st) < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "load \"%s\"", path);
	int r;
	if (strcmp(path, "-") != 0 && S_ISDIR(st.st_mode)) {
		cleanup_close int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = dfd < 0 ? isola_err_sys(err, "open \"%s\"", path)
			    : load_dir(s, dfd, name, progress, names_out, err);
	} else {
		r = load_tar(s, path, name, progress, names_out, err);
	}
	if (r < 0) {
		isola_strv_free(*names_out);
		*names_out = NULL;
		return isola_err_prefix(err, "load \"%s\"", path);
	}
	return 0;
}
