/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/manifest.h"
#include "manager/internal.h"
#include "storage/storage.h"

/*
 * `isola commit`: the container's changes as one more layer on its image,
 * with the container's Config (Cmd, Env, ...) as the new image's config, as
 * docker commit does. The result is an ordinary image in the store: runnable,
 * taggable, pushable.
 */

static struct json_object *blob_json(struct isola_mgr *m, const char *digest,
				     struct isola_error *err)
{
	size_t len;
	cleanup_free char *text = isola_blob_get(m->store, digest, ISOLA_MANIFEST_MAX, &len, err);
	struct json_object *o = text ? json_tokener_parse(text) : NULL;
	if (text && !o)
		isola_err(err, ISOLA_ERR_INVALID, 0, "blob %s: not JSON", digest);
	return o;
}

static int put_json(struct isola_mgr *m, struct json_object *o, char out[ISOLA_DIGEST_MAX],
		    int64_t *size, struct isola_error *err)
{
	size_t len;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	*size = (int64_t)len;
	return isola_blob_put(m->store, text, len, NULL, out, err);
}

/* The new image config: the base's, the container's Config, one more diff id and history entry. */
static void new_config(struct json_object *cfg, struct json_object *rec, const char *layer,
		       const char *comment)
{
	static const char *const keys[] = {"User",	 "Env",		 "Cmd",
					   "Entrypoint", "WorkingDir",	 "Labels",
					   "StopSignal", "ExposedPorts", "Volumes"};
	struct json_object *c = json_object_new_object(), *ctr = mgr_obj(rec, "Config"), *v;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		if (json_object_object_get_ex(ctr, keys[i], &v) && v)
			json_object_object_add(c, keys[i], json_object_get(v));
	}
	json_object_object_add(cfg, "config", c);
	char now[64];
	mgr_now(now, sizeof(now));
	json_object_object_add(cfg, "created", json_object_new_string(now));
	struct json_object *rootfs = mgr_obj(cfg, "rootfs"), *ids = mgr_obj(rootfs, "diff_ids");
	if (!ids) {
		ids = json_object_new_array();
		json_object_object_add(rootfs, "diff_ids", ids);
	}
	json_object_array_add(ids, json_object_new_string(layer));
	struct json_object *hist = mgr_obj(cfg, "history"), *h = json_object_new_object();
	if (!hist) {
		hist = json_object_new_array();
		json_object_object_add(cfg, "history", hist);
	}
	json_object_object_add(h, "created", json_object_new_string(now));
	json_object_object_add(h, "created_by", json_object_new_string("isola commit"));
	if (comment)
		json_object_object_add(h, "comment", json_object_new_string(comment));
	json_object_array_add(hist, h);
}

static int base_manifest(struct isola_mgr *m, const char *image_id, char manifest[ISOLA_DIGEST_MAX],
			 struct isola_error *err)
{
	struct isola_image_index idx;
	if (isola_index_load(m->store, &idx, err) < 0)
		return -1;
	ssize_t i = isola_index_find(&idx, image_id, err);
	if (i >= 0)
		snprintf(manifest, ISOLA_DIGEST_MAX, "%s", idx.v[i].manifest);
	isola_index_release(&idx);
	return i < 0 ? isola_err_prefix(err, "the container's image is gone") : 0;
}

int isola_ctr_commit(struct isola_mgr *m, const char *id, const char *name, const char *comment,
		     char image_out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	char manifest[ISOLA_DIGEST_MAX], layer[ISOLA_DIGEST_MAX], cfgd[ISOLA_DIGEST_MAX];
	char mand[ISOLA_DIGEST_MAX];
	int64_t lsize, csize, msize;
	struct json_object *rec = isola_ctr_load(m, id, err), *cfg = NULL, *man = NULL;
	int r = -1;
	if (!rec || base_manifest(m, mgr_str(rec, "Image", ""), manifest, err) < 0)
		goto out;
	if (!(man = blob_json(m, manifest, err)) ||
	    !(cfg = blob_json(m, mgr_str(rec, "Image", ""), err)) ||
	    isola_rootfs_layer(m->store, id, layer, &lsize, err) < 0)
		goto out;
	new_config(cfg, rec, layer, comment);
	if (put_json(m, cfg, cfgd, &csize, err) < 0)
		goto out;
	struct json_object *layers = mgr_obj(man, "layers");
	if (!layers || !json_object_is_type(layers, json_type_array)) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "base manifest %s has no layers", manifest);
		goto out;
	}
	json_object_array_add(layers, isola_descriptor_json(ISOLA_MT_OCI_LAYER, layer, lsize));
	json_object_object_add(man, "mediaType", json_object_new_string(ISOLA_MT_OCI_MANIFEST));
	json_object_object_add(man, "config",
			       isola_descriptor_json(ISOLA_MT_OCI_CONFIG, cfgd, csize));
	if (put_json(m, man, mand, &msize, err) < 0 ||
	    isola_image_commit(m->store, mand, name, NULL, err) < 0)
		goto out;
	snprintf(image_out, ISOLA_DIGEST_MAX, "%s", cfgd);
	r = 0;
out:
	json_object_put(rec);
	json_object_put(cfg);
	json_object_put(man);
	return r;
}
