/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "core/cleanup.h"
#include "image/registry-http.h"

#define ERROR_BODY_MAX (64 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

char *reg_base64(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

int reg_init(struct reg *r, const char *host, const char *repo, bool push,
	     const struct isola_registry_opts *o, struct isola_error *err)
{
	pthread_once(&curl_once, curl_init_once);
	*r = (struct reg){.o = o};
	pthread_mutex_init(&r->lock, NULL);
	r->host = strdup(host);
	r->repo = strdup(repo);
	if (asprintf(&r->base, "https://%s", host) < 0)
		r->base = NULL;
	if (asprintf(&r->scope, "repository:%s:%s", repo, push ? "pull,push" : "pull") < 0)
		r->scope = NULL;
	r->basic = reg_credentials(o, host);
	if (!r->host || !r->repo || !r->base || !r->scope)
		return isola_err_sys(err, "registry client");
	return 0;
}

void reg_release(struct reg *r)
{
	free(r->host);
	free(r->repo);
	free(r->base);
	free(r->scope);
	free(r->basic);
	free(r->auth);
	pthread_mutex_destroy(&r->lock);
	*r = (struct reg){0};
}

void reg_resp_release(struct reg_resp *resp)
{
	free(resp->www_auth);
	free(resp->content_type);
	free(resp->location);
	free(resp->digest);
	free(resp->body);
	resp->www_auth = resp->content_type = resp->location = resp->digest = resp->body = NULL;
	resp->len = 0;
}

static char *header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	const char *v = line + k + 1;
	const char *end = line + n;
	while (v < end && isspace((unsigned char)*v))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	return strndup(v, (size_t)(end - v));
}

static size_t on_header(char *buf, size_t size, size_t nmemb, void *data)
{
	struct reg_resp *resp = data;
	size_t n = size * nmemb;
	char *v;
	if (n > 5 && !strncmp(buf, "HTTP/", 5)) {
		/* a new response (after a redirect): forget the previous one's headers */
		free(resp->location);
		resp->location = NULL;
	}
	if ((v = header_value(buf, n, "www-authenticate"))) {
		free(resp->www_auth);
		resp->www_auth = v;
	} else if ((v = header_value(buf, n, "content-type"))) {
		free(resp->content_type);
		resp->content_type = v;
	} else if ((v = header_value(buf, n, "location"))) {
		free(resp->location);
		resp->location = v;
	} else if ((v = header_value(buf, n, "docker-content-digest"))) {
		free(resp->digest);
		resp->digest = v;
	}
	return n;
}

static size_t to_memory(struct reg_resp *resp, const char *buf, size_t n, size_t max)
{
	if (resp->len + n > max)
		return 0; /* aborts the transfer: too large */
	char *nb = realloc(resp->body, resp->len + n + 1);
	if (!nb)
		return 0;
	resp->body = nb;
	memcpy(resp->body + resp->len, buf, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
	return n;
}

static size_t on_data(char *buf, size_t size, size_t nmemb, void *data)
{
	struct reg_resp *resp = data;
	size_t n = size * nmemb;
	long code = 0;
	curl_easy_getinfo(resp->curl, CURLINFO_RESPONSE_CODE, &code);
	if (!resp->w || code < 200 || code >= 300)
		return to_memory(resp, buf, n, resp->w ? ERROR_BODY_MAX : resp->max);
	if (code == 200 && resp->range_from > 0 && !resp->restart) {
		resp->restart = true; /* asked for a range, got everything: caller starts over */
		return 0;
	}
	struct isola_error err;
	if (isola_blob_writer_write(resp->w, buf, n, &err) < 0)
		return 0;
	if (resp->w->size - resp->last_report >= (256 << 10) || resp->w->size == resp->total) {
		resp->last_report = resp->w->size;
		isola_progress_emit(resp->progress, ISOLA_PROGRESS_BYTES, resp->id, "downloading",
				    resp->w->size, resp->total);
	}
	return n;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *data)
{
	struct reg_body *b = data;
	size_t n = size * nmemb;
	if (b->fd >= 0) {
		ssize_t r = read(b->fd, buf, n);
		return r < 0 ? CURL_READFUNC_ABORT : (size_t)r;
	}
	n = n < b->len ? n : b->len;
	memcpy(buf, b->mem, n);
	b->mem += n;
	b->len -= n;
	return n;
}

static void set_body(CURL *c, const char *method, struct reg_body *b, struct curl_slist **h)
{
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		return;
	}
	if (!strcmp(method, "GET"))
		return;
	if (!b || (b->fd < 0 && b->len == 0)) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		return;
	}
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, b);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
			 (curl_off_t)(b->fd >= 0 ? b->size : (int64_t)b->len));
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (b->content_type) {
		char line[256];
		snprintf(line, sizeof(line), "Content-Type: %s", b->content_type);
		*h = curl_slist_append(*h, line);
	}
}

static CURLcode perform(struct reg *r, const char *method, const char *url, const char *accept,
			const char *auth, struct reg_body *body, struct reg_resp *resp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char range[64];
	if (!c)
		return CURLE_OUT_OF_MEMORY;
	resp->curl = c;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, strcmp(method, "GET") == 0 ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "isola");
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (!r->o->tls_verify) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, r->o->ca_file);
	if (accept) {
		char line[512];
		snprintf(line, sizeof(line), "Accept: %s", accept);
		h = curl_slist_append(h, line);
	}
	pthread_mutex_lock(&r->lock);
	if (auth || r->auth)
		h = curl_slist_append(h, auth ? auth : r->auth);
	pthread_mutex_unlock(&r->lock);
	resp->range_from = resp->w ? resp->w->size : 0;
	if (resp->range_from > 0) {
		snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)resp->w->size);
		h = curl_slist_append(h, range);
	}
	set_body(c, method, body, &h);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	resp->curl = NULL;
	return rc;
}

/* WWW-Authenticate: Bearer realm="...",service="...",scope="..." */
static char *auth_param(const char *h, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = h; (p = strcasestr(p, key)); p += k) {
		if ((p != h && p[-1] != ' ' && p[-1] != ',') || p[k] != '=')
			continue;
		const char *v = p + k + 1;
		if (*v == '"')
			return strndup(v + 1, strcspn(v + 1, "\""));
		return strndup(v, strcspn(v, ", "));
	}
	return NULL;
}

static int token_from_json(const char *body, char **token)
{
	struct json_object *o = body ? json_tokener_parse(body) : NULL, *v;
	*token = NULL;
	if (o && (json_object_object_get_ex(o, "token", &v) ||
		  json_object_object_get_ex(o, "access_token", &v)))
		*token = strdup(json_object_get_string(v));
	json_object_put(o);
	return *token ? 0 : -1;
}

static int fetch_token(struct reg *r, const char *www, struct isola_error *err)
{
	cleanup_free char *realm = auth_param(www, "realm");
	cleanup_free char *service = auth_param(www, "service");
	cleanup_free char *url = NULL;
	cleanup_free char *token = NULL;
	if (!realm)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "registry %s: bearer challenge has no realm", r->host);
	CURL *esc = curl_easy_init();
	char *s = curl_easy_escape(esc, service ? service : "", 0);
	char *sc = curl_easy_escape(esc, r->scope, 0);
	int n = asprintf(&url, "%s%sservice=%s&scope=%s", realm, strchr(realm, '?') ? "&" : "?",
			 s ? s : "", sc ? sc : "");
	curl_free(s);
	curl_free(sc);
	curl_easy_cleanup(esc);
	if (n < 0)
		return isola_err_sys(err, "token url");
	struct reg_resp resp = {.max = 1 << 20};
	cleanup_free char *basic = r->basic ? reg_base64(r->basic) : NULL;
	char line[4096];
	/* the token request carries Basic credentials, never a previous token */
	snprintf(line, sizeof(line), "%s%s", basic ? "Authorization: Basic " : "X-No-Auth: 1",
		 basic ? basic : "");
	CURLcode rc = perform(r, "GET", url, NULL, line, NULL, &resp);
	int ret = 0;
	if (rc != CURLE_OK)
		ret = isola_err(err, ISOLA_ERR_SYSTEM, 0, "registry %s: token: %s", r->host,
				curl_easy_strerror(rc));
	else if (resp.status != 200)
		ret = reg_status_error(r, &resp, "token", err);
	else if (token_from_json(resp.body, &token) < 0)
		ret = isola_err(err, ISOLA_ERR_INVALID, 0, "registry %s: token: no token in reply",
				r->host);
	reg_resp_release(&resp);
	if (ret < 0)
		return -1;
	pthread_mutex_lock(&r->lock);
	free(r->auth);
	if (asprintf(&r->auth, "Authorization: Bearer %s", token) < 0)
		r->auth = NULL;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int authenticate(struct reg *r, const struct reg_resp *resp, struct isola_error *err)
{
	const char *www = resp->www_auth ? resp->www_auth : "";
	if (!strncasecmp(www, "Bearer", 6))
		return fetch_token(r, www, err);
	if (!strncasecmp(www, "Basic", 5) && r->basic) {
		cleanup_free char *b64 = reg_base64(r->basic);
		pthread_mutex_lock(&r->lock);
		free(r->auth);
		if (!b64 || asprintf(&r->auth, "Authorization: Basic %s", b64) < 0)
			r->auth = NULL;
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	return reg_status_error(r, resp, "authentication required", err);
}

static char *registry_message(const char *body)
{
	struct json_object *o = body ? json_tokener_parse(body) : NULL, *errs, *v;
	char *msg = NULL;
	if (o && json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) && json_object_array_length(errs) > 0 &&
	    json_object_object_get_ex(json_object_array_get_idx(errs, 0), "message", &v))
		msg = strdup(json_object_get_string(v));
	json_object_put(o);
	return msg;
}

int reg_status_error(const struct reg *r, const struct reg_resp *resp, const char *what,
		     struct isola_error *err)
{
	cleanup_free char *msg = registry_message(resp->body);
	const char *m = msg ? msg : "";
	switch (resp->status) {
	case 401:
		return isola_err(err, ISOLA_ERR_INVALID, 0, "registry %s: %s: unauthorized%s%s",
				 r->host, what, *m ? ": " : "", m);
	case 403:
		return isola_err(err, ISOLA_ERR_INVALID, 0, "registry %s: %s: access denied%s%s",
				 r->host, what, *m ? ": " : "", m);
	case 404:
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "registry %s: %s: not found%s%s",
				 r->host, what, *m ? ": " : "", m);
	case 429:
		return isola_err(err, ISOLA_ERR_BUSY, 0, "registry %s: %s: too many requests",
				 r->host, what);
	default:
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "registry %s: %s: HTTP %ld%s%s", r->host,
				 what, resp->status, *m ? ": " : "", m);
	}
}

static bool retryable(CURLcode rc, long status)
{
	if (rc != CURLE_OK)
		return rc != CURLE_WRITE_ERROR && rc != CURLE_SSL_CONNECT_ERROR &&
		       rc != CURLE_PEER_FAILED_VERIFICATION && rc != CURLE_COULDNT_CONNECT &&
		       rc != CURLE_COULDNT_RESOLVE_HOST;
	return status == 429 || status >= 500;
}

static char *make_url(const struct reg *r, const char *path)
{
	char *url = NULL;
	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8))
		return strdup(path);
	return asprintf(&url, "%s%s", r->base, path) < 0 ? NULL : url;
}

/* A registry without TLS answers a TLS hello with garbage: with --tls-verify=false try http. */
static bool http_fallback(struct reg *r, CURLcode rc)
{
	if (r->o->tls_verify || strncmp(r->base, "https://", 8) != 0)
		return false;
	if (rc != CURLE_SSL_CONNECT_ERROR && rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING)
		return false;
	char *b = NULL;
	if (asprintf(&b, "http://%s", r->host) < 0)
		return false;
	pthread_mutex_lock(&r->lock);
	free(r->base);
	r->base = b;
	pthread_mutex_unlock(&r->lock);
	return true;
}

int reg_request(struct reg *r, const char *method, const char *path, const char *accept,
		const struct reg_body *body, struct reg_resp *resp, struct isola_error *err)
{
	bool authed = false;
	int retries = r->o->retries > 0 ? r->o->retries : 3;
	for (int attempt = 0;; attempt++) {
		struct reg_body b = body ? *body : (struct reg_body){.fd = -1};
		if (b.fd >= 0)
			lseek(b.fd, 0, SEEK_SET);
		reg_resp_release(resp);
		resp->restart = false;
		cleanup_free char *url = make_url(r, path);
		if (!url)
			return isola_err_sys(err, "registry url");
		CURLcode rc = perform(r, method, url, accept, NULL, body ? &b : NULL, resp);
		if (rc != CURLE_OK && !resp->restart && http_fallback(r, rc) && attempt < retries)
			continue;
		if (resp->restart)
			return 1; /* the caller resets its blob writer and calls again */
		if (rc == CURLE_OK && resp->status == 401 && !authed) {
			authed = true;
			if (authenticate(r, resp, err) < 0)
				return -1;
			continue;
		}
		if (attempt + 1 < retries && retryable(rc, resp->status)) {
			sleep((unsigned)attempt + 1);
			continue;
		}
		if (rc != CURLE_OK)
			return isola_err(err, ISOLA_ERR_SYSTEM, 0, "registry %s: %s", r->host,
					 curl_easy_strerror(rc));
		return 0;
	}
}
