/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/manifest.h"
#include "spec/json-util.h"

static int parse_descriptor(struct json_object *o, const char *where, struct isola_descriptor *d,
			    struct isola_error *err)
{
	struct json_object *v, *plat;
	if (!json_object_is_type(o, json_type_object))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected an object", where);
	const char *digest = ju_peek_string(o, "digest");
	if (!isola_digest_valid(digest))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s.digest: invalid or unsupported digest", where);
	memcpy(d->digest, digest, strlen(digest) + 1);
	d->size = -1;
	if (json_object_object_get_ex(o, "size", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.size: expected a size",
					 where);
		d->size = json_object_get_int64(v);
	}
	d->media_type = ju_peek_strdup(o, "mediaType");
	if (json_object_object_get_ex(o, "platform", &plat) &&
	    json_object_is_type(plat, json_type_object)) {
		d->os = ju_peek_strdup(plat, "os");
		d->arch = ju_peek_strdup(plat, "architecture");
		d->variant = ju_peek_strdup(plat, "variant");
	}
	return 0;
}

static void descriptor_release(struct isola_descriptor *d)
{
	free(d->media_type);
	free(d->os);
	free(d->arch);
	free(d->variant);
}

static int parse_array(struct json_object *root, const char *key, struct isola_descriptor **out,
		       size_t *n, struct isola_error *err)
{
	struct json_object *arr;
	if (!json_object_object_get_ex(root, key, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected an array", key);
	size_t len = json_object_array_length(arr);
	if (len > ISOLA_MANIFEST_MAX_LAYERS)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: too many entries", key);
	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out)
		return isola_err_sys(err, "parse manifest");
	for (size_t i = 0; i < len; i++) {
		char where[64];
		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		*n = i + 1;
		if (parse_descriptor(json_object_array_get_idx(arr, i), where, &(*out)[i], err) < 0)
			return -1;
	}
	*n = len;
	return 0;
}

static int manifest_kind(struct json_object *root, const char *mt)
{
	if (mt && (!strcmp(mt, ISOLA_MT_OCI_INDEX) || !strcmp(mt, ISOLA_MT_DOCKER_LIST)))
		return ISOLA_MANIFEST_INDEX;
	if (mt && (!strcmp(mt, ISOLA_MT_OCI_MANIFEST) || !strcmp(mt, ISOLA_MT_DOCKER_MANIFEST)))
		return ISOLA_MANIFEST_IMAGE;
	if (mt)
		return 0;
	if (json_object_object_get_ex(root, "manifests", NULL))
		return ISOLA_MANIFEST_INDEX;
	if (json_object_object_get_ex(root, "layers", NULL))
		return ISOLA_MANIFEST_IMAGE;
	return 0;
}

static int parse_root(struct json_object *root, const char *content_type, struct isola_manifest *m,
		      struct isola_error *err)
{
	struct json_object *v;
	if (!json_object_is_type(root, json_type_object))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "manifest: expected an object");
	if (json_object_object_get_ex(root, "schemaVersion", &v) && json_object_get_int(v) != 2)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "manifest: unsupported schema version %d", json_object_get_int(v));
	m->media_type = ju_peek_strdup(root, "mediaType");
	if (!m->media_type && content_type && strncmp(content_type, "application/json", 16) != 0)
		m->media_type = strndup(content_type, strcspn(content_type, "; "));
	m->kind = manifest_kind(root, m->media_type);
	if (m->kind == 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "manifest: unsupported media type %s",
				 m->media_type ? m->media_type : "(none)");
	if (m->kind == ISOLA_MANIFEST_INDEX)
		return parse_array(root, "manifests", &m->manifests, &m->n_manifests, err);
	if (!json_object_object_get_ex(root, "config", &v))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "manifest: config: missing");
	if (parse_descriptor(v, "config", &m->config, err) < 0)
		return -1;
	return parse_array(root, "layers", &m->layers, &m->n_layers, err);
}

static struct json_object *parse_json(const char *buf, size_t len, const char *what,
				      struct isola_error *err)
{
	if (len > ISOLA_MANIFEST_MAX || len > INT32_MAX) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: too large", what);
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		isola_err_sys(err, "%s", what);
		return NULL;
	}
	struct json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (root && jerr != json_tokener_success) {
		json_object_put(root);
		root = NULL;
	}
	if (root) {
		/* trailing bytes after the document: only whitespace is allowed */
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
			if (!strchr(" \t\r\n", buf[i])) {
				json_object_put(root);
				root = NULL;
				break;
			}
		}
	}
	json_tokener_free(tok);
	if (!root)
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: invalid JSON", what);
	return root;
}

int isola_manifest_parse(const char *buf, size_t len, const char *content_type,
			 struct isola_manifest *m, struct isola_error *err)
{
	*m = (struct isola_manifest){0};
	struct json_object *root = parse_json(buf, len, "manifest", err);
	if (!root)
		return -1;
	int r = parse_root(root, content_type, m, err);
	json_object_put(root);
	if (r < 0)
		isola_manifest_release(m);
	return r;
}

void isola_manifest_release(struct isola_manifest *m)
{
	free(m->media_type);
	descriptor_release(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		descriptor_release(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->n_manifests; i++)
		descriptor_release(&m->manifests[i]);
	free(m->manifests);
	*m = (struct isola_manifest){0};
}

const struct isola_descriptor *isola_manifest_select(const struct isola_manifest *index,
						     const char *os, const char *arch,
						     const char *variant, struct isola_error *err)
{
	for (size_t i = 0; i < index->n_manifests; i++) {
		const struct isola_descriptor *d = &index->manifests[i];
		if (!d->os || !d->arch || strcmp(d->os, os) || strcmp(d->arch, arch))
			continue;
		if (variant && (!d->variant || strcmp(d->variant, variant)))
			continue;
		return d;
	}
	isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no image for platform %s/%s%s%s in the index", os,
		  arch, variant ? "/" : "", variant ? variant : "");
	return NULL;
}

static int parse_config_root(struct json_object *root, struct isola_image_config *c,
			     struct isola_error *err)
{
	struct json_object *rootfs, *ids;
	if (!json_object_is_type(root, json_type_object))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "image config: expected an object");
	c->created = ju_peek_strdup(root, "created");
	c->os = ju_peek_strdup(root, "os");
	c->arch = ju_peek_strdup(root, "architecture");
	if (!json_object_object_get_ex(root, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
	    !json_object_is_type(ids, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "image config: rootfs.diff_ids: missing");
	size_t n = json_object_array_length(ids);
	if (n > ISOLA_MANIFEST_MAX_LAYERS)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "image config: too many layers");
	c->diff_ids = calloc(n + 1, sizeof(char *));
	if (!c->diff_ids)
		return isola_err_sys(err, "image config");
	for (size_t i = 0; i < n; i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(ids, i));
		if (!isola_digest_valid(d))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "image config: rootfs.diff_ids[%zu]: invalid digest", i);
		c->diff_ids[i] = strdup(d);
		c->n_diff_ids = i + 1;
	}
	return 0;
}

int isola_image_config_parse(const char *buf, size_t len, struct isola_image_config *c,
			     struct isola_error *err)
{
	*c = (struct isola_image_config){0};
	struct json_object *root = parse_json(buf, len, "image config", err);
	if (!root)
		return -1;
	int r = parse_config_root(root, c, err);
	json_object_put(root);
	if (r < 0)
		isola_image_config_release(c);
	return r;
}

void isola_image_config_release(struct isola_image_config *c)
{
	free(c->created);
	free(c->os);
	free(c->arch);
	isola_strv_free(c->diff_ids);
	*c = (struct isola_image_config){0};
}

int isola_chain_ids(char *const *diff_ids, size_t n, char (*out)[ISOLA_DIGEST_MAX],
		    struct isola_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (i == 0) {
			snprintf(out[0], ISOLA_DIGEST_MAX, "%s", diff_ids[0]);
			continue;
		}
		char buf[2 * ISOLA_DIGEST_MAX + 2];
		int len = snprintf(buf, sizeof(buf), "%s %s", out[i - 1], diff_ids[i]);
		if (isola_digest_buf(buf, (size_t)len, out[i], err) < 0)
			return -1;
	}
	return 0;
}

const char *isola_host_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "386";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

/* {"mediaType", "digest", "size"}: a descriptor as manifests and indexes write it. */
struct json_object *isola_descriptor_json(const char *mt, const char *digest, int64_t size)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "mediaType", json_object_new_string(mt));
	json_object_object_add(o, "digest", json_object_new_string(digest));
	json_object_object_add(o, "size", json_object_new_int64(size));
	return o;
}
