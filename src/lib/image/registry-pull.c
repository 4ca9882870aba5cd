/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/registry-http.h"

#define ACCEPT_MANIFESTS                                                                           \
	ISOLA_MT_OCI_MANIFEST ", " ISOLA_MT_OCI_INDEX ", " ISOLA_MT_DOCKER_MANIFEST                \
			      ", " ISOLA_MT_DOCKER_LIST

struct fetched {
	char *body;
	size_t len;
	char *content_type;
	char digest[ISOLA_DIGEST_MAX];
};

static int fetch_manifest(struct reg *r, const char *reference, const char *expected,
			  struct fetched *out, struct isola_error *err)
{
	char path[1024], what[512];
	struct reg_resp resp = {.max = ISOLA_MANIFEST_MAX};
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", r->repo, reference);
	snprintf(what, sizeof(what), "manifest %s:%s", r->repo, reference);
	int ret = reg_request(r, "GET", path, ACCEPT_MANIFESTS, NULL, &resp, err);
	if (ret == 0 && resp.status != 200)
		ret = reg_status_error(r, &resp, what, err);
	if (ret == 0 &&
	    isola_digest_buf(resp.body ? resp.body : "", resp.len, out->digest, err) < 0)
		ret = -1;
	if (ret == 0 && expected && strcmp(expected, out->digest) != 0)
		ret =
		    isola_err(err, ISOLA_ERR_INVALID, 0, "%s: digest mismatch: expected %s, got %s",
			      what, expected, out->digest);
	if (ret == 0) {
		out->body = resp.body ? resp.body : strdup("");
		out->len = resp.len;
		out->content_type = resp.content_type;
		resp.body = resp.content_type = NULL;
	}
	reg_resp_release(&resp);
	return ret;
}

static int download(struct reg *r, struct isola_store *s, const struct isola_descriptor *d,
		    struct isola_blob_writer *w, const struct isola_progress_sink *progress,
		    const char *id, struct isola_error *err)
{
	char path[1024], what[160];
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", r->repo, d->digest);
	snprintf(what, sizeof(what), "blob %.19s", d->digest);
	for (int restarts = 0;; restarts++) {
		struct reg_resp resp = {.w = w, .progress = progress, .id = id, .total = d->size};
		int ret = reg_request(r, "GET", path, NULL, NULL, &resp, err);
		if (ret == 1 && restarts < 3) {
			reg_resp_release(&resp);
			isola_blob_writer_abort(w);
			if (isola_blob_writer_open(s, w, err) < 0)
				return -1;
			continue;
		}
		if (ret == 0 && resp.status != 200 && resp.status != 206)
			ret = reg_status_error(r, &resp, what, err);
		reg_resp_release(&resp);
		return ret == 1
			   ? isola_err(err, ISOLA_ERR_SYSTEM, 0, "%s: transfer keeps failing", what)
			   : ret;
	}
}

static int fetch_blob(struct reg *r, struct isola_store *s, const struct isola_descriptor *d,
		      const struct isola_progress_sink *progress, struct isola_error *err)
{
	struct isola_blob_writer w;
	char id[20];
	snprintf(id, sizeof(id), "%.12s", isola_digest_hex(d->digest));
	if (isola_blob_exists(s, d->digest)) {
		isola_progress_emit(progress, ISOLA_PROGRESS_SKIP, id, "downloading", 0, 0);
		return 0;
	}
	isola_progress_emit(progress, ISOLA_PROGRESS_START, id, "downloading", 0, d->size);
	if (isola_blob_writer_open(s, &w, err) < 0)
		return -1;
	if (download(r, s, d, &w, progress, id, err) < 0) {
		isola_blob_writer_abort(&w);
		return -1;
	}
	if (d->size >= 0 && w.size != d->size) {
		isola_blob_writer_abort(&w);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "blob %.19s: size %lld, expected %lld",
				 d->digest, (long long)w.size, (long long)d->size);
	}
	if (isola_blob_writer_commit(&w, d->digest, NULL, err) < 0)
		return isola_err_prefix(err, "blob %.19s", d->digest);
	isola_progress_emit(progress, ISOLA_PROGRESS_DONE, id, "downloading", d->size, d->size);
	return 0;
}

struct pool {
	struct reg *r;
	struct isola_store *s;
	const struct isola_manifest *m;
	const struct isola_progress_sink *progress;
	pthread_mutex_t lock;
	size_t next;
	bool failed;
	struct isola_error err;
};

static void *worker(void *data)
{
	struct pool *p = data;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next++;
		bool stop = p->failed || i >= p->m->n_layers;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		struct isola_error err;
		if (fetch_blob(p->r, p->s, &p->m->layers[i], p->progress, &err) < 0) {
			pthread_mutex_lock(&p->lock);
			if (!p->failed)
				p->err = err;
			p->failed = true;
			pthread_mutex_unlock(&p->lock);
		}
	}
}

static int fetch_layers(struct reg *r, struct isola_store *s, const struct isola_manifest *m,
			const struct isola_progress_sink *progress, int jobs,
			struct isola_error *err)
{
	struct pool p = {.r = r, .s = s, .m = m, .progress = progress};
	pthread_t t[8];
	int n = jobs < 1 ? 3 : jobs > 8 ? 8 : jobs, started = 0;
	pthread_mutex_init(&p.lock, NULL);
	for (; started < n && (size_t)started < m->n_layers; started++) {
		if (pthread_create(&t[started], NULL, worker, &p) != 0)
			break;
	}
	if (started == 0 && m->n_layers > 0)
		worker(&p);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.failed) {
		*err = p.err;
		return -1;
	}
	return 0;
}

/* Resolve ref to an image manifest (through an index when needed) and store it. */
static int resolve(struct reg *r, struct isola_store *s, const struct isola_ref *ref,
		   const struct isola_registry_opts *o, struct isola_manifest *m,
		   char digest[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	struct fetched f = {0};
	if (fetch_manifest(r, ref->digest ? ref->digest : ref->tag, ref->digest, &f, err) < 0)
		return -1;
	int ret = isola_manifest_parse(f.body, f.len, f.content_type, m, err);
	if (ret == 0 && m->kind == ISOLA_MANIFEST_INDEX) {
		const struct isola_descriptor *d =
		    isola_manifest_select(m, o->os ? o->os : "linux",
					  o->arch ? o->arch : isola_host_arch(), o->variant, err);
		char want[ISOLA_DIGEST_MAX];
		ret = d ? 0 : -1;
		if (d)
			memcpy(want, d->digest, sizeof(want));
		isola_manifest_release(m);
		free(f.body);
		free(f.content_type);
		f = (struct fetched){0};
		if (ret == 0)
			ret = fetch_manifest(r, want, want, &f, err);
		if (ret == 0)
			ret = isola_manifest_parse(f.body, f.len, f.content_type, m, err);
	}
	if (ret == 0 && m->kind != ISOLA_MANIFEST_IMAGE)
		ret = isola_err(err, ISOLA_ERR_INVALID, 0, "nested image index");
	if (ret == 0)
		ret = isola_blob_put(s, f.body, f.len, f.digest, digest, err);
	free(f.body);
	free(f.content_type);
	return ret;
}

static int pull(struct isola_store *s, const struct isola_ref *ref,
		const struct isola_registry_opts *o, const struct isola_progress_sink *progress,
		char id_out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	struct reg r;
	struct isola_manifest m = {0};
	char digest[ISOLA_DIGEST_MAX];
	int ret = reg_init(&r, isola_ref_api_host(ref), ref->path, false, o, err);
	if (ret == 0)
		ret = resolve(&r, s, ref, o, &m, digest, err);
	if (ret == 0)
		ret = fetch_blob(&r, s, &m.config, NULL, err);
	if (ret == 0)
		ret = fetch_layers(&r, s, &m, progress, o->jobs, err);
	reg_release(&r);
	if (ret == 0 && id_out)
		memcpy(id_out, m.config.digest, ISOLA_DIGEST_MAX);
	isola_manifest_release(&m);
	if (ret < 0)
		return -1;
	cleanup_free char *name = ref->tag ? isola_ref_string(ref) : NULL;
	return isola_image_commit(s, digest, name, progress, err);
}

int isola_pull(struct isola_store *s, const char *refstr, const struct isola_registry_opts *o,
	       const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
	       struct isola_error *err)
{
	struct isola_ref ref;
	if (isola_ref_parse(refstr, &ref, err) < 0)
		return -1;
	int ret = pull(s, &ref, o, progress, id_out, err);
	isola_ref_release(&ref);
	return ret < 0 ? isola_err_prefix(err, "pull %s", refstr) : 0;
}
