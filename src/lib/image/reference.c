/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "image/digest.h"
#include "image/reference.h"

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	}
	return true;
}

static bool is_sep(char c)
{
	return c == '.' || c == '_' || c == '-';
}

/* Path components: lowercase alphanumerics, separated by '.', '_', '__' or '-'s. */
static bool valid_path(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool start = i == 0 || p[i - 1] == '/';
		bool end = i + 1 == n || p[i + 1] == '/';
		if (c == '/') {
			if (start || end)
				return false;
		} else if (is_sep(c)) {
			if (start || end)
				return false;
		} else if (!(islower((unsigned char)c) || isdigit((unsigned char)c))) {
			return false;
		}
	}
	return true;
}

static bool valid_domain(const char *d)
{
	if (!*d || strlen(d) > 255)
		return false;
	for (const char *p = d; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
			return false;
	}
	return true;
}

static bool looks_like_domain(const char *first, size_t len)
{
	if (len == 9 && !strncmp(first, "localhost", 9))
		return true;
	for (size_t i = 0; i < len; i++) {
		if (first[i] == '.' || first[i] == ':' || isupper((unsigned char)first[i]))
			return true;
	}
	return false;
}

static int split_name(const char *name, struct isola_ref *ref)
{
	const char *slash = strchr(name, '/');
	if (slash && looks_like_domain(name, (size_t)(slash - name))) {
		ref->domain = strndup(name, (size_t)(slash - name));
		ref->path = strdup(slash + 1);
	} else {
		ref->domain = strdup("docker.io");
		if (slash)
			ref->path = strdup(name);
		else if (asprintf(&ref->path, "library/%s", name) < 0)
			ref->path = NULL;
	}
	return ref->domain && ref->path ? 0 : -1;
}

int isola_ref_parse(const char *s, struct isola_ref *ref, struct isola_error *err)
{
	*ref = (struct isola_ref){0};
	if (!s || !*s || strlen(s) > 512)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid reference \"%s\"", s ? s : "");
	cleanup_free char *name = strdup(s);
	if (!name)
		return isola_err_sys(err, "parse reference");
	char *at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (!isola_digest_valid(at + 1))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "invalid reference \"%s\": bad digest", s);
		ref->digest = strdup(at + 1);
	}
	char *colon = strrchr(name, ':');
	char *slash = strrchr(name, '/');
	if (colon && (!slash || colon > slash)) {
		*colon = '\0';
		if (!valid_tag(colon + 1)) {
			isola_ref_release(ref);
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "invalid reference \"%s\": bad tag", s);
		}
		ref->tag = strdup(colon + 1);
	} else if (!ref->digest) {
		ref->tag = strdup("latest");
	}
	if (split_name(name, ref) < 0 || !valid_domain(ref->domain) || !valid_path(ref->path)) {
		isola_ref_release(ref);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid reference \"%s\"", s);
	}
	return 0;
}

void isola_ref_release(struct isola_ref *ref)
{
	free(ref->domain);
	free(ref->path);
	free(ref->tag);
	free(ref->digest);
	*ref = (struct isola_ref){0};
}

char *isola_ref_string(const struct isola_ref *ref)
{
	char *out = NULL;
	int r;
	if (ref->tag)
		r = asprintf(&out, "%s/%s:%s", ref->domain, ref->path, ref->tag);
	else
		r = asprintf(&out, "%s/%s@%s", ref->domain, ref->path, ref->digest);
	return r < 0 ? NULL : out;
}

char *isola_ref_repo(const struct isola_ref *ref)
{
	char *out = NULL;
	return asprintf(&out, "%s/%s", ref->domain, ref->path) < 0 ? NULL : out;
}

const char *isola_ref_api_host(const struct isola_ref *ref)
{
	return strcmp(ref->domain, "docker.io") == 0 ? "registry-1.docker.io" : ref->domain;
}
