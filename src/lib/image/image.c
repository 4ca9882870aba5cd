/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/store.h"

static char *normalise_name(const char *name, struct isola_error *err)
{
	struct isola_ref r;
	if (isola_ref_parse(name, &r, err) < 0)
		return NULL;
	if (!r.tag) {
		isola_ref_release(&r);
		isola_err(err, ISOLA_ERR_INVALID, 0, "image name \"%s\" needs a tag, not a digest",
			  name);
		return NULL;
	}
	char *full = isola_ref_string(&r);
	isola_ref_release(&r);
	if (!full)
		isola_err_sys(err, "image name");
	return full;
}

/* Drop name from every image; images left without names become dangling. */
static void drop_name(struct isola_image_index *idx, const char *name)
{
	for (size_t i = 0; i < idx->n; i++) {
		struct isola_image *img = &idx->v[i];
		for (size_t j = 0; j < img->n_names; j++) {
			if (strcmp(img->names[j], name) != 0)
				continue;
			free(img->names[j]);
			memmove(&img->names[j], &img->names[j + 1],
				(img->n_names - j) * sizeof(char *));
			img->n_names--;
			j--;
		}
	}
}

static int add_name(struct isola_image *img, const char *name, struct isola_error *err)
{
	if (!name)
		return 0;
	char **v = realloc(img->names, (img->n_names + 2) * sizeof(char *));
	if (!v)
		return isola_err_sys(err, "add name");
	img->names = v;
	if (!(v[img->n_names] = strdup(name)))
		return isola_err_sys(err, "add name");
	v[++img->n_names] = NULL;
	return 0;
}

/* Unpack the layers of config that are not in the store yet; fills img. */
static int ensure_layers(struct isola_store *s, const struct isola_manifest *m,
			 const struct isola_image_config *c, struct isola_image *img,
			 const struct isola_progress_sink *progress, struct isola_error *err)
{
	if (c->n_diff_ids != m->n_layers)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "image has %zu layers but its config %zu diff ids", m->n_layers,
				 c->n_diff_ids);
	img->layers = calloc(m->n_layers + 1, ISOLA_DIGEST_MAX);
	if (!img->layers)
		return isola_err_sys(err, "commit image");
	img->n_layers = m->n_layers;
	if (isola_chain_ids(c->diff_ids, c->n_diff_ids, img->layers, err) < 0)
		return -1;
	for (size_t i = 0; i < m->n_layers; i++) {
		char id[20];
		snprintf(id, sizeof(id), "%.12s", isola_digest_hex(m->layers[i].digest));
		if (isola_layer_exists(s, img->layers[i])) {
			isola_progress_emit(progress, ISOLA_PROGRESS_SKIP, id, "extracting", 0, 0);
		} else if (isola_layer_unpack(s, m->layers[i].digest, c->diff_ids[i],
					      i ? img->layers[i - 1] : NULL, NULL, NULL, progress,
					      err) < 0) {
			return -1;
		}
		img->size += isola_layer_size(s, img->layers[i]);
	}
	return 0;
}

static int index_put(struct isola_store *s, struct isola_image *img, const char *name,
		     struct isola_error *err)
{
	struct isola_image_index idx;
	cleanup_close int lockfd = isola_index_lock(s, err);
	if (lockfd < 0 || isola_index_load(s, &idx, err) < 0)
		return -1;
	if (name)
		drop_name(&idx, name);
	int r = 0;
	size_t i;
	for (i = 0; i < idx.n && strcmp(idx.v[i].id, img->id) != 0; i++)
		;
	if (i == idx.n) {
		struct isola_image *v = realloc(idx.v, (idx.n + 1) * sizeof(*v));
		if (!v) {
			isola_index_release(&idx);
			return isola_err_sys(err, "commit image");
		}
		idx.v = v;
		idx.v[idx.n++] = *img;
		*img = (struct isola_image){0};
	} else {
		memcpy(idx.v[i].manifest, img->manifest, ISOLA_DIGEST_MAX);
	}
	r = add_name(&idx.v[i], name, err);
	if (r == 0)
		r = isola_index_save(s, &idx, err);
	isola_index_release(&idx);
	return r;
}

static int commit(struct isola_store *s, const char *manifest_digest, const char *name,
		  const struct isola_progress_sink *progress, struct isola_error *err)
{
	struct isola_manifest m;
	struct isola_image_config c;
	struct isola_image img = {0};
	size_t len;
	cleanup_free char *mbuf = isola_blob_get(s, manifest_digest, ISOLA_MANIFEST_MAX, &len, err);
	if (!mbuf || isola_manifest_parse(mbuf, len, NULL, &m, err) < 0)
		return -1;
	if (m.kind != ISOLA_MANIFEST_IMAGE) {
		isola_manifest_release(&m);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s is not an image manifest",
				 manifest_digest);
	}
	cleanup_free char *cbuf = isola_blob_get(s, m.config.digest, ISOLA_MANIFEST_MAX, &len, err);
	if (!cbuf || isola_image_config_parse(cbuf, len, &c, err) < 0) {
		isola_manifest_release(&m);
		return -1;
	}
	int r = ensure_layers(s, &m, &c, &img, progress, err);
	memcpy(img.id, m.config.digest, ISOLA_DIGEST_MAX);
	memcpy(img.manifest, manifest_digest, strlen(manifest_digest) + 1);
	img.created = c.created ? strdup(c.created) : NULL;
	if (r == 0)
		r = index_put(s, &img, name, err);
	isola_image_release(&img);
	isola_image_config_release(&c);
	isola_manifest_release(&m);
	return r;
}

int isola_image_commit(struct isola_store *s, const char *manifest_digest, const char *name,
		       const struct isola_progress_sink *progress, struct isola_error *err)
{
	cleanup_free char *full = NULL;
	if (name && !(full = normalise_name(name, err)))
		return -1;
	return commit(s, manifest_digest, full, progress, err);
}

int isola_image_tag(struct isola_store *s, const char *ref, const char *name,
		    struct isola_error *err)
{
	struct isola_image_index idx;
	cleanup_free char *full = normalise_name(name, err);
	if (!full)
		return -1;
	cleanup_close int lockfd = isola_index_lock(s, err);
	if (lockfd < 0 || isola_index_load(s, &idx, err) < 0)
		return -1;
	ssize_t i = isola_index_find(&idx, ref, err);
	int r = i < 0 ? -1 : 0;
	if (r == 0) {
		drop_name(&idx, full);
		r = add_name(&idx.v[i], full, err);
	}
	if (r == 0)
		r = isola_index_save(s, &idx, err);
	isola_index_release(&idx);
	return r;
}

static bool is_name_of(const struct isola_image *img, const char *ref)
{
	struct isola_ref r;
	struct isola_error perr;
	if (isola_ref_parse(ref, &r, &perr) < 0)
		return false;
	cleanup_free char *full = isola_ref_string(&r);
	isola_ref_release(&r);
	for (size_t j = 0; full && j < img->n_names; j++) {
		if (!strcmp(img->names[j], full))
			return true;
	}
	return false;
}

static int add_removed(char ***removed, size_t *n, const char *prefix, const char *what)
{
	char **v = realloc(*removed, (*n + 2) * sizeof(char *));
	if (!v)
		return -1;
	*removed = v;
	if (asprintf(&v[*n], "%s: %s", prefix, what) < 0)
		return -1;
	v[++*n] = NULL;
	return 0;
}

static int remove_entry(struct isola_image_index *idx, size_t i, const char *ref, bool force,
			char ***removed, size_t *n, struct isola_error *err)
{
	struct isola_image *img = &idx->v[i];
	if (is_name_of(img, ref) && img->n_names > 1) {
		cleanup_free char *name = strdup(ref);
		struct isola_ref r;
		if (isola_ref_parse(ref, &r, err) < 0)
			return -1;
		free(name);
		name = isola_ref_string(&r);
		isola_ref_release(&r);
		drop_name(idx, name);
		return add_removed(removed, n, "Untagged", name);
	}
	if (img->n_names > 1 && !force)
		return isola_err(err, ISOLA_ERR_BUSY, 0,
				 "image %.19s is tagged in several repositories (use --force)",
				 img->id);
	for (size_t j = 0; j < img->n_names; j++)
		add_removed(removed, n, "Untagged", img->names[j]);
	add_removed(removed, n, "Deleted", img->id);
	isola_image_release(img);
	memmove(img, img + 1, (idx->n - i - 1) * sizeof(*img));
	idx->n--;
	return 0;
}

int isola_image_remove(struct isola_store *s, const char *ref, bool force, char ***removed,
		       struct isola_error *err)
{
	struct isola_image_index idx;
	size_t n = 0;
	cleanup_close int lockfd = isola_index_lock(s, err);
	if (lockfd < 0 || isola_index_load(s, &idx, err) < 0)
		return -1;
	ssize_t i = isola_index_find(&idx, ref, err);
	int r = i < 0 ? -1 : 0;
	if (r == 0 && !force && isola_image_in_use(s, idx.v[i].id))
		r = isola_err(err, ISOLA_ERR_BUSY, 0, "image %s is in use by a container", ref);
	if (r == 0)
		r = remove_entry(&idx, (size_t)i, ref, force, removed, &n, err);
	if (r == 0)
		r = isola_index_save(s, &idx, err);
	isola_index_release(&idx);
	return r;
}
