/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/manifest.h"
#include "image/store.h"

/* A small set of digest hex strings; stores hold tens to hundreds of objects. */
struct hexset {
	char (*v)[65];
	size_t n, cap;
};

static int hexset_add(struct hexset *set, const char *digest)
{
	const char *hex = isola_digest_hex(digest);
	for (size_t i = 0; i < set->n; i++) {
		if (!strcmp(set->v[i], hex))
			return 0;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		char(*v)[65] = realloc(set->v, cap * sizeof(*v));
		if (!v)
			return -1;
		set->v = v;
		set->cap = cap;
	}
	snprintf(set->v[set->n++], 65, "%s", hex);
	return 0;
}

static bool hexset_has(const struct hexset *set, const char *hex)
{
	for (size_t i = 0; i < set->n; i++) {
		if (!strcmp(set->v[i], hex))
			return true;
	}
	return false;
}

/* Calls fn for every container record's parsed JSON. */
static void each_container(struct isola_store *s, void (*fn)(struct json_object *, void *),
			   void *data)
{
	int fd = openat(s->rootfd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		char name[512];
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/rootfs.json", de->d_name);
		cleanup_free char *buf = isola_read_small_file_at(dirfd(d), name, 1 << 20, NULL, NULL);
		struct json_object *root = buf ? json_tokener_parse(buf) : NULL;
		if (root)
			fn(root, data);
		json_object_put(root);
	}
}

struct in_use_ctx {
	const char *id;
	bool found;
};

static void check_in_use(struct json_object *root, void *data)
{
	struct in_use_ctx *c = data;
	struct json_object *v;
	if (json_object_object_get_ex(root, "image", &v) &&
	    !strcmp(json_object_get_string(v), c->id))
		c->found = true;
}

bool isola_image_in_use(struct isola_store *s, const char *image_id)
{
	struct in_use_ctx c = {image_id, false};
	each_container(s, check_in_use, &c);
	return c.found;
}

struct refs {
	struct hexset blobs, layers, images;
};

static void container_refs(struct json_object *root, void *data)
{
	struct refs *r = data;
	struct json_object *v;
	if (json_object_object_get_ex(root, "image", &v) && json_object_get_string(v))
		hexset_add(&r->images, json_object_get_string(v));
	if (!json_object_object_get_ex(root, "layers", &v) ||
	    !json_object_is_type(v, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(v, i));
		if (isola_digest_valid(d))
			hexset_add(&r->layers, d);
	}
}

static void image_refs(struct isola_store *s, const struct isola_image *img, struct refs *r)
{
	struct isola_manifest m;
	struct isola_error err;
	size_t len;
	hexset_add(&r->blobs, img->manifest);
	hexset_add(&r->blobs, img->id);
	for (size_t i = 0; i < img->n_layers; i++)
		hexset_add(&r->layers, img->layers[i]);
	cleanup_free char *buf = isola_blob_get(s, img->manifest, ISOLA_MANIFEST_MAX, &len, &err);
	if (!buf || isola_manifest_parse(buf, len, NULL, &m, &err) < 0)
		return;
	for (size_t i = 0; i < m.n_layers; i++)
		hexset_add(&r->blobs, m.layers[i].digest);
	isola_manifest_release(&m);
}

/* Drop unwanted images from the index; fills r with what the rest reference. */
static int prune_index(struct isola_store *s, int images, struct refs *r,
		       struct isola_prune_result *res, struct isola_error *err)
{
	struct isola_image_index idx;
	cleanup_close int lockfd = isola_index_lock(s, err);
	if (lockfd < 0 || isola_index_load(s, &idx, err) < 0)
		return -1;
	each_container(s, container_refs, r);
	size_t kept = 0;
	for (size_t i = 0; i < idx.n; i++) {
		struct isola_image *img = &idx.v[i];
		bool used = hexset_has(&r->images, isola_digest_hex(img->id));
		bool drop = !used && (images == 2 || (images == 1 && img->n_names == 0));
		if (drop) {
			isola_image_release(img);
			res->images++;
			continue;
		}
		image_refs(s, img, r);
		idx.v[kept++] = *img;
	}
	int ret = 0;
	if (kept != idx.n) {
		idx.n = kept;
		ret = isola_index_save(s, &idx, err);
	}
	idx.n = kept;
	isola_index_release(&idx);
	return ret;
}

static int sweep(struct isola_store *s, const char *dir, const struct hexset *keep, size_t *count,
		 int64_t *bytes, struct isola_error *err)
{
	int fd = openat(s->rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open \"%s\"", dir);
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return isola_err_sys(err, "open \"%s\"", dir);
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (keep && hexset_has(keep, de->d_name))
			continue;
		*bytes += isola_tree_size_at(dirfd(d), de->d_name);
		if (isola_rmtree_at(dirfd(d), de->d_name, err) < 0)
			return isola_err_prefix(err, "prune \"%s\"", dir);
		(*count)++;
	}
	return 0;
}

/*
 * A container dir without its record is a create that died before the end:
 * with the store lock held exclusively no create is running, so it can go.
 */
static int sweep_containers(struct isola_store *s, struct isola_prune_result *res,
			    struct isola_error *err)
{
	int fd = openat(s->rootfd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open \"containers\"");
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return isola_err_sys(err, "open \"containers\"");
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		char name[512];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/rootfs.json", de->d_name);
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		res->bytes += isola_tree_size_at(dirfd(d), de->d_name);
		if (isola_rmtree_at(dirfd(d), de->d_name, err) < 0)
			return isola_err_prefix(err, "prune \"containers\"");
		res->tmp++;
	}
	return 0;
}

static int prune(struct isola_store *s, int images, struct isola_prune_result *res,
		 struct isola_error *err)
{
	struct refs r = {0};
	*res = (struct isola_prune_result){0};
	int ret = prune_index(s, images, &r, res, err);
	if (ret == 0)
		ret = sweep(s, "tmp", NULL, &res->tmp, &res->bytes, err);
	if (ret == 0)
		ret = sweep_containers(s, res, err);
	if (ret == 0)
		ret = sweep(s, "layers", &r.layers, &res->layers, &res->bytes, err);
	if (ret == 0)
		ret = sweep(s, "blobs/sha256", &r.blobs, &res->blobs, &res->bytes, err);
	free(r.blobs.v);
	free(r.layers.v);
	free(r.images.v);
	return ret;
}

int isola_store_prune(struct isola_store *s, bool all, struct isola_prune_result *res,
		      struct isola_error *err)
{
	return prune(s, all ? 2 : 1, res, err);
}

int isola_store_try_gc(struct isola_store *s, struct isola_prune_result *res,
		       struct isola_error *err)
{
	*res = (struct isola_prune_result){0};
	/* flock converts shared -> exclusive by dropping first: fine, we are done */
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0)
		return 1;
	return prune(s, 0, res, err);
}
