/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct in_use_ctx {
	const char *id;
	bool found;
};

static void check_in_use(const char *image, char *const *layers, size_t n, void *data)
{
	struct in_use_ctx *c = data;
	if (image && !strcmp(image, c->id))
		c->found = true;
}

bool isola_image_in_use(struct isola_store *s, const char *image_id)
{
	struct in_use_ctx c = {image_id, false};
	if (!s->roots)
		return true; /* nobody to ask: keep it */
	s->roots->each(s, check_in_use, &c);
	return c.found;
}

struct refs {
	struct hexset blobs, layers, images;
};

static void container_refs(const char *image, char *const *layers, size_t n, void *data)
{
	struct refs *r = data;
	if (image)
		hexset_add(&r->images, image);
	for (size_t i = 0; i < n; i++)
		if (isola_digest_valid(layers[i]))
			hexset_add(&r->layers, layers[i]);
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
	s->roots->each(s, container_refs, r);
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

static int prune(struct isola_store *s, int images, struct isola_prune_result *res,
		 struct isola_error *err)
{
	struct refs r = {0};
	*res = (struct isola_prune_result){0};
	if (!s->roots)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "prune: no storage attached to tell which layers containers use");
	int ret = prune_index(s, images, &r, res, err);
	if (ret == 0)
		ret = sweep(s, "tmp", NULL, &res->tmp, &res->bytes, err);
	if (ret == 0)
		ret = s->roots->sweep(s, &res->tmp, &res->bytes, err);
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
