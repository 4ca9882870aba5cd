/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/registry-http.h"

static int blob_exists_remote(struct reg *r, const char *digest, struct isola_error *err)
{
	char path[1024];
	struct reg_resp resp = {.max = 1 << 16};
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->repo, digest);
	int ret = reg_request(r, "HEAD", path, NULL, NULL, &resp, err);
	if (ret == 0)
		ret = resp.status == 200 ? 1 : 0;
	reg_resp_release(&resp);
	return ret;
}

static char *upload_url(const char *location, const char *digest)
{
	char *url = NULL;
	CURL *c = curl_easy_init();
	char *esc = curl_easy_escape(c, digest, 0);
	int n = asprintf(&url, "%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?",
			 esc ? esc : digest);
	curl_free(esc);
	curl_easy_cleanup(c);
	return n < 0 ? NULL : url;
}

/* POST an upload session, then PUT the whole blob in one request (monolithic). */
static int upload(struct reg *r, struct isola_store *s, const char *digest, struct isola_error *err)
{
	char path[1024], what[160];
	struct reg_resp resp = {.max = 1 << 16};
	snprintf(path, sizeof(path), "/v2/%s/blobs/uploads/", r->repo);
	snprintf(what, sizeof(what), "upload %.19s", digest);
	int ret = reg_request(r, "POST", path, NULL, NULL, &resp, err);
	if (ret == 0 && (resp.status != 202 || !resp.location))
		ret = reg_status_error(r, &resp, what, err);
	cleanup_free char *loc = NULL;
	if (ret == 0 && resp.location[0] == '/' &&
	    asprintf(&loc, "%s%s", r->base, resp.location) < 0)
		ret = isola_err_sys(err, "upload");
	cleanup_free char *url = ret == 0 ? upload_url(loc ? loc : resp.location, digest) : NULL;
	reg_resp_release(&resp);
	if (ret < 0)
		return -1;
	cleanup_close int fd = isola_blob_open(s, digest, err);
	if (fd < 0 || !url)
		return -1;
	struct reg_body body = {.fd = fd,
				.size = isola_blob_size(s, digest),
				.content_type = "application/octet-stream"};
	ret = reg_request(r, "PUT", url, NULL, &body, &resp, err);
	if (ret == 0 && resp.status != 201)
		ret = reg_status_error(r, &resp, what, err);
	reg_resp_release(&resp);
	return ret;
}

static int push_blob(struct reg *r, struct isola_store *s, const char *digest,
		     const struct isola_progress_sink *progress, struct isola_error *err)
{
	char id[20];
	snprintf(id, sizeof(id), "%.12s", isola_digest_hex(digest));
	int e = blob_exists_remote(r, digest, err);
	if (e < 0)
		return -1;
	if (e == 1) {
		isola_progress_emit(progress, ISOLA_PROGRESS_SKIP, id, "uploading", 0, 0);
		return 0;
	}
	int64_t size = isola_blob_size(s, digest);
	isola_progress_emit(progress, ISOLA_PROGRESS_START, id, "uploading", 0, size);
	if (upload(r, s, digest, err) < 0)
		return -1;
	isola_progress_emit(progress, ISOLA_PROGRESS_DONE, id, "uploading", size, size);
	return 0;
}

static int put_manifest(struct reg *r, const char *tag, const char *buf, size_t len,
			const char *media_type, struct isola_error *err)
{
	char path[1024];
	struct reg_resp resp = {.max = 1 << 16};
	struct reg_body body = {.mem = buf, .len = len, .fd = -1, .content_type = media_type};
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->repo, tag);
	int ret = reg_request(r, "PUT", path, NULL, &body, &resp, err);
	if (ret == 0 && resp.status != 201)
		ret = reg_status_error(r, &resp, "manifest", err);
	reg_resp_release(&resp);
	return ret;
}

static int push(struct isola_store *s, const struct isola_image *img, const struct isola_ref *ref,
		const struct isola_registry_opts *o, const struct isola_progress_sink *progress,
		struct isola_error *err)
{
	struct reg r;
	struct isola_manifest m;
	size_t len;
	cleanup_free char *buf = isola_blob_get(s, img->manifest, ISOLA_MANIFEST_MAX, &len, err);
	if (!buf || isola_manifest_parse(buf, len, NULL, &m, err) < 0)
		return -1;
	int ret = reg_init(&r, isola_ref_api_host(ref), ref->path, true, o, err);
	for (size_t i = 0; ret == 0 && i < m.n_layers; i++)
		ret = push_blob(&r, s, m.layers[i].digest, progress, err);
	if (ret == 0)
		ret = push_blob(&r, s, m.config.digest, progress, err);
	if (ret == 0)
		ret = put_manifest(&r, ref->tag ? ref->tag : img->manifest, buf, len,
				   m.media_type ? m.media_type : ISOLA_MT_OCI_MANIFEST, err);
	reg_release(&r);
	isola_manifest_release(&m);
	return ret;
}

int isola_push(struct isola_store *s, const char *src, const char *dest,
	       const struct isola_registry_opts *o, const struct isola_progress_sink *progress,
	       struct isola_error *err)
{
	struct isola_image_index idx;
	struct isola_ref ref;
	if (isola_ref_parse(dest ? dest : src, &ref, err) < 0)
		return -1;
	if (isola_index_load(s, &idx, err) < 0) {
		isola_ref_release(&ref);
		return -1;
	}
	ssize_t i = isola_index_find(&idx, src, err);
	int ret = i < 0 ? -1 : push(s, &idx.v[i], &ref, o, progress, err);
	isola_index_release(&idx);
	isola_ref_release(&ref);
	return ret < 0 ? isola_err_prefix(err, "push %s", dest ? dest : src) : 0;
}
