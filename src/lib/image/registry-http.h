/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_REGISTRY_HTTP_H
#define ISOLA_IMAGE_REGISTRY_HTTP_H

/* Internal to registry*.c: one registry repository session over libcurl. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "image/registry.h"

struct reg {
	const struct isola_registry_opts *o;
	char *host;  /* API host[:port] */
	char *repo;  /* "library/busybox" */
	char *base;  /* "https://host" (or http:// after a fallback) */
	char *scope; /* "repository:library/busybox:pull" */
	char *basic; /* "user:password" or NULL */
	char *auth;  /* "Authorization: ..." once known */
	pthread_mutex_t lock;
};

struct reg_resp {
	long status;
	char *www_auth, *content_type, *location, *digest;
	char *body; /* memory sink (error bodies always land here) */
	size_t len, max;
	struct isola_blob_writer *w; /* blob sink for 2xx bodies, or NULL */
	const struct isola_progress_sink *progress;
	const char *id;
	int64_t total, last_report;
	CURL *curl;
	int64_t range_from; /* bytes already there when the request started */
	bool restart;	    /* a resumed download answered 200: start over */
};

struct reg_body {
	const char *mem;
	size_t len;
	int fd; /* or -1 */
	int64_t size;
	const char *content_type;
};

int reg_init(struct reg *r, const char *host, const char *repo, bool push,
	     const struct isola_registry_opts *o, struct isola_error *err);
void reg_release(struct reg *r);
void reg_resp_release(struct reg_resp *resp);
/* path is "/v2/..." or an absolute URL (upload locations). Handles auth and retries. */
int reg_request(struct reg *r, const char *method, const char *path, const char *accept,
		const struct reg_body *body, struct reg_resp *resp, struct isola_error *err);
/* Turn a non-2xx response into an error naming what. */
int reg_status_error(const struct reg *r, const struct reg_resp *resp, const char *what,
		     struct isola_error *err);
/*
 * registry-auth.c, below the requests: credentials for host from opts or the
 * auth file ("user:password", malloc'd, or NULL); the auth file as a JSON
 * object (an empty one when missing or broken), and written back atomically.
 */
char *reg_credentials(const struct isola_registry_opts *o, const char *host);
struct json_object;
struct json_object *reg_authfile_load(const char *path);
int reg_authfile_save(const char *path, struct json_object *root, struct isola_error *err);
char *reg_base64(const char *s);

#endif
